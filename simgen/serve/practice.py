"""One person's practice session: Run and Submit through the grader's own sandbox, and Cancel.

    with Practice(data=None) as practice:          # data/default and data/edge, as `simgen check`
        practice.run("first_touch_attribution", "SELECT ...", "postgres")     # first rows, typed
        practice.submit("first_touch_attribution", "SELECT ...", "postgres")  # the verdict, recorded
        practice.cancel()                           # from another thread: stops the query running

Submit is `simgen check` exactly: the same preparing children, the same locked-down DuckDB
workers, the same comparison on every dataset (grading.grade_all). Run prepares the query the
same way and runs it on the first dataset only, under the challenge's time limit, returning the
first rows with column names and types.

Every grading call happens on one thread of this object's own: the sandbox serves one caller at a
time, and the comparison's DuckDB connection lives on that thread until `close` joins it (a
DuckDB connection left on a thread the interpreter abandons at exit aborts the process). Web
requests wait on it; `cancel` is the one call that does not, so it can reach a running query.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from simgen import challenges
from simgen.errors import SimgenError
from simgen.grader import timelimit
from simgen.grader.errors import CancelledError, InternalError
from simgen.grader.grading import Submission, grade_all, resolve_datasets, time_limit
from simgen.grader.preparer import Preparer
from simgen.grader.sandbox import Job, Sandbox
from simgen.grader.verdict import Verdict
from simgen.progress import Progress

RUN_ROWS = 100  # rows Run shows; the count of all of them comes with it
DIFF_ROWS = 10  # rows of a wrong answer shown side by side
T = TypeVar("T")


def cell(value: object) -> object:
    """A value as JSON a browser reads back unchanged: integers past 2**53 and non-finite floats
    as text (JavaScript would round the one and JSON cannot hold the other), dates and decimals
    as their text."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if abs(value) <= 2**53 else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, (list, tuple)):
        return [cell(v) for v in value]
    if isinstance(value, dict):
        return {str(k): cell(v) for k, v in value.items()}
    return str(value)


class Practice:
    """The grader, kept warm for one person: a preparing child, one sandbox worker, their progress."""

    def __init__(self, data: str | Path | Sequence[str | Path] | None = None, progress: Progress | None = None,
                 memory: str = "auto") -> None:
        self.datasets = resolve_datasets(data)
        self.progress = progress or Progress()
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="simgen-practice")
        self._cancelled = threading.Event()
        # Started in the background: the page is up at once; the first Run waits for them.
        self._preparer = Preparer(workers=1)
        try:
            self._box = Sandbox(self.datasets, timeout_s=timelimit.MAX_S, memory_limit=memory, workers=1, wait=False)
        except BaseException:
            self._preparer.close()
            raise

    # -- what the page calls ---------------------------------------------------------------------
    def run(self, challenge: str, sql: str, dialect: str | None = None) -> dict[str, Any]:
        """{"status": "ok", columns: [{name, type}], rows (the first RUN_ROWS), total_rows, seconds}
        or {"status": "error", kind, message} for a query that cannot run (never raises for one)."""
        return self._on_thread(lambda: self._run(challenge, sql, dialect))

    def submit(self, challenge: str, sql: str, dialect: str | None = None) -> dict[str, Any]:
        """The verdict (Verdict.to_dict, plus `diff`), and the challenge's progress after it."""
        return self._on_thread(lambda: self._submit(challenge, sql, dialect))

    def cancel(self) -> None:
        """Stop what runs now (from any thread): its answer is a "cancelled" error."""
        self._cancelled.set()
        self._box.cancel()

    def close(self) -> None:
        self.cancel()
        self._thread.shutdown(wait=True)
        self._box.close()
        self._preparer.close()

    def __enter__(self) -> Practice:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- on the grading thread -------------------------------------------------------------------
    def _on_thread(self, work: Callable[[], T]) -> T:
        def guarded() -> T:
            self._cancelled.clear()  # a Cancel pressed before this started was for something else
            return work()

        return self._thread.submit(guarded).result()

    def _run(self, cid: str, sql: str, dialect: str | None) -> dict[str, Any]:
        started = time.perf_counter()
        try:
            ch = challenges.get(cid)
            prepared = self._preparer.prepare(sql, dialect)
            if self._cancelled.is_set():
                raise CancelledError("cancelled before the query started")
            name, path = next(iter(self.datasets.items()))
            job = Job.of(prepared, name, limit=time_limit(ch, path, None))
            ((_, outcome),) = list(self._box.run_many([job]))
            if isinstance(outcome, Exception):
                raise outcome
        except SimgenError as error:
            return {"status": "error", **Verdict.from_error(cid, error).details, "message": str(error)}
        except Exception as error:  # noqa: BLE001 - a grader bug: a message on the page, the server goes on
            return {"status": "error", "kind": "internal",
                    "message": str(InternalError(f"the grader failed ({type(error).__name__}: {error})"))}
        head = outcome.slice(0, RUN_ROWS)
        return {
            "status": "ok", "dialect": prepared.dialect, "dataset": name,
            "columns": [{"name": f.name, "type": _type_name(f.type)} for f in outcome.schema],
            "rows": cell([list(row.values()) for row in head.to_pylist()]),
            "total_rows": outcome.num_rows, "seconds": round(time.perf_counter() - started, 3),
        }

    def _submit(self, cid: str, sql: str, dialect: str | None) -> dict[str, Any]:
        sub = Submission("you", cid, text=sql, dialect=dialect)
        (graded,) = list(grade_all([sub], self.datasets, self._box, preparer=self._preparer, examples=DIFF_ROWS))
        verdict = graded.verdict
        entry = self.progress.get(cid)
        if verdict.status != "error":
            entry = self.progress.record(cid, verdict, sql, graded.dialect)
        return cell({**verdict.to_dict(), "kind": verdict.kind, "diff": verdict.diff, "dialect": graded.dialect,
                     "progress": entry})


def _type_name(data_type: object) -> str:
    """Arrow's type as the SQL name a person knows (BIGINT, DOUBLE, VARCHAR, DATE, TIMESTAMP...)."""
    import pyarrow as pa

    checks = [(pa.types.is_boolean, "BOOLEAN"), (pa.types.is_int8, "TINYINT"), (pa.types.is_int16, "SMALLINT"),
              (pa.types.is_int32, "INTEGER"), (pa.types.is_int64, "BIGINT"), (pa.types.is_unsigned_integer, "UBIGINT"),
              (pa.types.is_float32, "FLOAT"), (pa.types.is_float64, "DOUBLE"), (pa.types.is_decimal, None),
              (pa.types.is_string, "VARCHAR"), (pa.types.is_large_string, "VARCHAR"),
              (pa.types.is_string_view, "VARCHAR"), (pa.types.is_date, "DATE"), (pa.types.is_timestamp, "TIMESTAMP"),
              (pa.types.is_time, "TIME"), (pa.types.is_duration, "INTERVAL"), (pa.types.is_list, None)]
    for check, name in checks:
        if check(data_type):
            if pa.types.is_decimal(data_type):
                return f"DECIMAL({data_type.precision},{data_type.scale})"  # type: ignore[attr-defined]
            if pa.types.is_list(data_type):
                return f"{_type_name(data_type.value_type)}[]"  # type: ignore[attr-defined]
            return name  # type: ignore[return-value]
    return str(data_type).upper()
