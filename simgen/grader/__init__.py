"""The grader: submitted SQL in any of seven dialects -> gated DuckDB SQL -> sandboxed run -> typed diff.

    prepared = prepare(text, dialect=None, schema=schema)          # sql.py: read, parse, gate, transpile
    with Sandbox({"main": main_dir, "edge": edge_dir}) as box:     # sandbox.py: locked-down workers
        actual = box.run(prepared, dataset="main")
    diff = compare(actual, expected, ordered=False, rel_tol=1e-6, abs_tol=1e-9)   # compare.py
    verdict = Verdict.from_diff("second_highest_salary", diff)                      # verdict.py

Errors are GradeError subclasses (errors.py); only the CLI turns them into exit codes.
"""

from simgen.grader.compare import Diff, compare
from simgen.grader.dialects import DIALECTS, normalize_dialect
from simgen.grader.errors import (
    ForbiddenError,
    GradeError,
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

__all__ = [
    "DIALECTS", "Diff", "ForbiddenError", "GradeError", "Job", "LimitError", "ParseError", "Prepared",
    "QueryError", "Sandbox", "SandboxError", "SubmissionError", "UnsupportedError", "Verdict", "combine",
    "compare", "decode_submission", "exit_code", "normalize_dialect", "prepare", "read_submission",
    "schema_from_tables",
]
