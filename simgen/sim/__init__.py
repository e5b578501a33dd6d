"""The simulator: everything that makes a dataset's rows, and nothing that reads one.

    engine.py      plan pass, write pass, truth, manifest (the only entry point: Config, generate)
    context.py     Config, and the context a builder is given (RunContext, ChunkContext)
    registry.py    which builder makes which table; checked against spec.TABLES at import
    executor.py    the seam: map(fn, chunks) over local processes
    writer.py      Parquet parts, the atomic dataset directory
    members.py, social.py, graph.py, activity.py, billing.py, experiments.py, company.py,
    plant.py, truth.py, calendar.py, rng.py, vocab.py, sets.py   the model, one subject each

Two modules the simulator reads stay at the top of the package, because other parts read them
without generating anything: simgen/spec.py is the data contract (tables, columns, Arrow types),
also read by the grader (the DuckDB schema), the stream and `simgen verify`; simgen/profile.py
holds the volumes and knobs, which the command line, the API and verify resolve by name. Both
import nothing from here, so reading the contract never loads the simulator.

This file imports nothing, so `import simgen.sim.calendar` loads the calendar, not the builders.
"""
