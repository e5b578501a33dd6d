"""The grader: submitted SQL in any of seven dialects -> gated DuckDB SQL -> sandboxed run -> typed diff.

    prepared = prepare(text, dialect=None, schema=schema)          # sql.py: read, parse, gate, transpile
    with Sandbox({"main": main_dir, "edge": edge_dir}) as box:     # sandbox.py: locked-down workers
        actual = box.run(prepared, dataset="main")
    diff = compare(actual, expected, ordered=False, rel_tol=1e-6, abs_tol=1e-9)   # compare.py
    verdict = Verdict.from_diff("second_highest_salary", diff)                      # verdict.py

Errors are GradeError subclasses (errors.py); only the CLI turns them into exit codes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simgen.lazy import lazy_exports

# Names are imported on first use: a sandbox worker imports simgen.grader.worker, and with eager
# imports here it would also load sqlglot and the comparison code it never runs (~150 ms of each
# worker's start, paid by every `simgen check`).
_EXPORTS = {
    "compare": ("Diff", "compare"),
    "dialects": ("DIALECTS", "normalize_dialect"),
    "errors": ("ForbiddenError", "GradeError", "InternalError", "LimitError", "ParseError", "QueryError", "SandboxError",
               "SubmissionError", "UnsupportedError"),
    "sandbox": ("Job", "Sandbox"),
    "sql": ("Prepared", "decode_submission", "prepare", "read_submission", "schema_from_tables"),
    "verdict": ("Verdict", "combine", "exit_code"),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_WHERE)

if TYPE_CHECKING:
    from simgen.grader.compare import Diff, compare
    from simgen.grader.dialects import DIALECTS, normalize_dialect
    from simgen.grader.errors import (
        ForbiddenError,
        GradeError,
        InternalError,
        LimitError,
        ParseError,
        QueryError,
        SandboxError,
        SubmissionError,
        UnsupportedError,
    )
    from simgen.grader.sandbox import Job, Sandbox
    from simgen.grader.sql import Prepared, decode_submission, prepare, read_submission, schema_from_tables
    from simgen.grader.verdict import Verdict, combine, exit_code


__getattr__ = lazy_exports(__name__, _WHERE, globals())
