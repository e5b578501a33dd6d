"""Run gated queries against datasets in a pool of locked-down worker processes.

    with Sandbox({"main": Path("data/default"), "edge": Path("data/edge")}, timeout_s=10) as box:
        table = box.run(prepared, dataset="main")            # one query -> pyarrow.Table
        for job, outcome in box.run_many(jobs):               # many, in parallel, as they finish
            ...                                               # outcome: pa.Table or GradeError

The supervisor (this module, in the grader's process) owns the worker processes. DuckDB enforces
the time, memory, temp-space and row limits inside each worker; the supervisor enforces them
again from outside: a worker still busy after the deadline plus a grace period, or whose resident
memory passes a hard cap, is killed (SIGKILL) and replaced, and only its one job fails. Workers and
their DuckDB connections and views are reused across queries, so a query costs a pipe round trip.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import shutil
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path
from typing import TYPE_CHECKING

import psutil

from simgen.dataset import Dataset
from simgen.errors import DatasetError, SimgenError
from simgen.grader.child import Child
from simgen.grader.errors import CancelledError, ForbiddenError, InternalError, LimitError, QueryError, SandboxError
from simgen.grader.timelimit import TimeLimit
from simgen.grader.workerspec import WorkerSpec
from simgen.locks import private_temp_dir, release

if TYPE_CHECKING:
    import pyarrow as pa

    from simgen.grader.sql import Prepared

_UNITS = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "KIB": 2**10, "MIB": 2**20, "GIB": 2**30}
_START_TIMEOUT_S = 60.0
_END = object()
_POLL_S = 0.05


def parse_bytes(text: str) -> int:
    """'2GB' -> 2_000_000_000, '512MiB' -> 536870912 (DuckDB's own unit rules)."""
    cleaned = text.strip().upper().replace(" ", "")
    number = cleaned.rstrip("KMGIB")
    return int(float(number) * _UNITS[cleaned[len(number):]])


def auto_memory(workers: int) -> str:
    """A query's memory when none is given: half the machine's memory shared by the workers, at
    least 2 GB. A flat 2 GB made the 10M-member friendship_timeline reference spill (22% slower)
    on a machine with 24 GiB; the supervisor's RSS cap still follows this figure."""
    share = psutil.virtual_memory().total // 2 // max(1, workers)
    return f"{max(2 * 10**9, share) // 2**20}MiB"


def dataset_tables(directory: Path) -> dict[str, list[str]]:
    """{table: [absolute real paths]} as the dataset's manifest lists them (never a directory
    listing: a stray file in a table's folder is not data); DatasetError for a folder that is not
    a dataset."""
    tables = Dataset.open(directory).parquet()
    if not tables:
        raise DatasetError(f"the dataset {directory} lists no Parquet files")
    for files in tables.values():
        for path in files:
            if not os.path.isfile(path):
                raise DatasetError(f"the dataset {directory} is damaged: {path} is listed in its manifest but "
                                   f"missing (`simgen verify {directory}` lists every difference)")
    return tables


def files_fingerprint(files: Iterable[str | Path], seed: bytes = b"") -> str:
    """Identity of a set of files as they are now (path, size, mtime): a file added, removed or
    replaced gives another fingerprint. Keys the caches of expected results and native copies."""
    h = hashlib.sha256(seed)
    for f in sorted(str(f) for f in files):
        st = os.stat(f)
        h.update(f"{f}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:24]


def native_copy(dataset: Path, tables: dict[str, list[str]]) -> Path | None:
    """A DuckDB file holding the dataset's tables, built once per dataset content and cached
    beside the expected results (never inside a dataset). Workers attach it READ_ONLY.

    It only saves Parquet decoding: where the cache cannot hold it (a full or read-only disk)
    the workers read the Parquet files instead (None), with a warning. A dataset DuckDB cannot
    read is an error either way."""
    import duckdb

    from simgen.cache import cache_root, discard, forget, is_sealed, seal, sweep_temps, temp_beside

    path = cache_root() / "native" / f"{files_fingerprint(f for fs in tables.values() for f in fs)}.duckdb"
    if is_sealed(path):
        return path
    # Truncated, edited or never sealed: rebuilt and replaced atomically, never attached.
    tmp = temp_beside(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        sweep_temps(path)
        conn = duckdb.connect(str(tmp))
        try:
            for table, files in tables.items():
                listing = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
                conn.execute(f'CREATE TABLE "{table}" AS SELECT * FROM read_parquet([{listing}])')
        finally:
            conn.close()
        os.replace(tmp, path)
        seal(path)
    except (OSError, duckdb.IOException) as error:
        discard(path)
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error).splitlines()[0]
        logging.getLogger("simgen").warning(f"simgen: cannot cache a native copy of {dataset} in {path.parent} "
                                            f"({reason}); reading its Parquet files instead")
        return None
    except duckdb.Error as error:
        raise SandboxError(f"could not open the dataset {dataset} (building its native copy {path}): "
                           f"{str(error).splitlines()[0]}") from None
    finally:
        forget(tmp)
        forget(tmp.with_name(tmp.name + ".wal"))
    return path



@dataclass(frozen=True)
class Job:
    """One query to run on one dataset; `tag` is the caller's, returned untouched. `limit`: the
    seconds this query may run and why (see timelimit.py); None: the sandbox's own timeout_s.
    A limit above the sandbox's timeout_s is cut to it."""

    sql: str
    dataset: str
    collation: str | None = None
    tag: object = None
    limit: TimeLimit | None = None

    @classmethod
    def of(cls, prepared: Prepared, dataset: str, tag: object = None, limit: TimeLimit | None = None) -> Job:
        return cls(prepared.sql, dataset, prepared.collation, tag, limit)


def capped(own: TimeLimit | None, timeout_s: float) -> TimeLimit:
    """A job's time limit cut to a sandbox's timeout_s (the sandbox's own limit where it has none)."""
    if own is None:
        return TimeLimit(timeout_s, "the sandbox's time limit")
    if own.seconds > timeout_s:
        return TimeLimit(timeout_s, f"{own.why}, capped at the sandbox's {timeout_s:g} s")
    return own


class _Worker(Child):
    """A query worker: a child running `worker_main` over its datasets, one job at a time."""

    TARGET = "simgen.grader.worker:worker_main"  # the entry point every worker runs

    def __init__(self, spec: WorkerSpec) -> None:
        super().__init__(self.TARGET, spec)
        self.temp_dir = spec.temp_dir
        self.job: tuple[int, Job] | None = None
        self.deadline = 0.0
        self.retried: set[int] = set()

    def wait_ready(self) -> None:  # type: ignore[override]
        super().wait_ready(_START_TIMEOUT_S, failure="could not open the dataset")


def scaled_limits(dirs, tables) -> tuple[int, str]:
    """(max_rows, temp_limit) that let every reference solution run on these datasets.

    Answers grow with the dataset: recommendations are 3 rows per member, friendship spells
    about 2.3, so the row cap is 4 per member (at least 1,000,000). Spilling a join of all
    friends' likes needs several times the Parquet size, so the temp cap is 4x the datasets'
    bytes (at least 1 GB). Both stay finite: a runaway query still hits them.
    """
    members = max((_members(Path(d)) for d in dirs), default=0)
    size = sum(_parquet_bytes(t) for t in tables)
    return max(1_000_000, 4 * members), f"{max(2**30, 4 * size) // 2**20}MB"


def _members(directory: Path) -> int:
    try:
        return Dataset.open(directory, require=("users",)).users or 0
    except SimgenError:
        return 0


def _parquet_bytes(tables: Mapping[str, list[str]]) -> int:
    return sum(os.path.getsize(f) for files in tables.values() for f in files)


class Sandbox:
    """A reusable pool of locked-down DuckDB workers over one or more datasets.

    dataset_dirs: {name: directory}, a list of directories (named by their path), or one directory.
    timeout_s, memory_limit, max_rows, temp_limit: per query (memory_limit "auto": `auto_memory`).
    workers: processes run in parallel.
    max_rows and temp_limit default to what the datasets need (see `scaled_limits`).
    wait: wait here until every worker has opened its datasets (a failure raises SandboxError
    here). With wait=False the workers start in the background and the first query waits for
    them (and raises there): the caller prepares its submissions meanwhile.
    """

    def __init__(
        self,
        dataset_dirs: Mapping[str, Path | str] | Sequence[Path | str] | Path | str,
        timeout_s: float = 10.0,
        memory_limit: str = "1GB",
        max_rows: int | None = None,
        workers: int = 1,
        threads: int = 1,
        temp_limit: str | None = None,
        max_result_bytes: int | None = None,
        preload_bytes: int = 256 * 2**20,
        wait: bool = True,
    ) -> None:
        if isinstance(dataset_dirs, (str, Path)):
            dataset_dirs = [dataset_dirs]
        if not isinstance(dataset_dirs, Mapping):
            dataset_dirs = {str(d): d for d in dataset_dirs}
        self.datasets = list(dataset_dirs)
        if memory_limit == "auto":
            memory_limit = auto_memory(workers)
        self.memory_limit = memory_limit
        self.timeout_s = timeout_s
        try:
            # Locked while this sandbox lives; a grader killed with -9 leaves its temp space to the next one.
            self._temp, self._temp_lock = private_temp_dir("simgen-sandbox-")
        except OSError as error:
            raise SandboxError(f"cannot create the sandbox's temporary directory in {tempfile.gettempdir()}: "
                               f"{error.strerror or error}") from None
        tables = {name: dataset_tables(Path(path)) for name, path in dataset_dirs.items()}
        auto_rows, auto_temp = scaled_limits(dataset_dirs.values(), tables.values())
        max_rows = auto_rows if max_rows is None else max_rows
        temp_limit = auto_temp if temp_limit is None else temp_limit
        if max_result_bytes is None:  # room for max_rows rows of a few columns
            max_result_bytes = max(512 * 2**20, 48 * max_rows)
        # DuckDB's memory_limit covers its buffer manager, not every allocation (nor the result
        # on its way out): cap the process too.
        self.max_rss = int(parse_bytes(memory_limit) * 1.5) + 400 * 2**20 + max_result_bytes
        copies = {name: native_copy(Path(path), tables[name]) for name, path in dataset_dirs.items()
                  if _parquet_bytes(tables[name]) <= preload_bytes}
        native = {name: str(copy) for name, copy in copies.items() if copy is not None}
        self._spec_base = dict(
            datasets=tables, native=native,
            timeout_s=timeout_s, memory_limit=memory_limit, temp_limit=temp_limit, threads=threads,
            max_rows=max_rows, max_result_bytes=max_result_bytes,
        )
        self._counter = itertools.count()
        self._cancel = threading.Event()
        self._workers: list[_Worker] = []
        self.restarts = 0
        self._starting: list[_Worker] = []
        try:
            for _ in range(max(1, workers)):
                self._starting.append(self._spawn())  # all start in parallel, then we wait for each
        except BaseException:
            self.close()
            raise
        if wait:
            self._ready()

    def _ready(self) -> None:
        """Wait for the workers still starting; on any failure stop them all and raise."""
        if not self._starting:
            return
        try:
            for worker in self._starting:
                worker.wait_ready()
        except BaseException:
            self.close()
            raise
        self._workers, self._starting = self._starting, []

    def _spawn(self) -> _Worker:
        index = next(self._counter)
        spec = WorkerSpec(temp_dir=f"{self._temp}/w{index}", **self._spec_base)  # type: ignore[arg-type]
        return _Worker(spec)

    def _replace(self, worker: _Worker) -> _Worker:
        worker.kill()
        shutil.rmtree(worker.temp_dir, ignore_errors=True)  # whatever the killed query spilled
        fresh = self._spawn()
        fresh.wait_ready()
        self._workers[self._workers.index(worker)] = fresh
        self.restarts += 1
        return fresh

    # -- public API -------------------------------------------------------------------------------

    def limit_of(self, job: Job) -> TimeLimit:
        """The time limit `job` runs under: its own, cut to the sandbox's timeout_s."""
        return capped(job.limit, self.timeout_s)

    def run(self, sql: str | Prepared, dataset: str | None = None, collation: str | None = None) -> pa.Table:
        """Run one gated query; returns its result or raises LimitError / QueryError / SandboxError."""
        from simgen.grader.sql import Prepared

        if isinstance(sql, Prepared):
            job = Job.of(sql, dataset or self.datasets[0])
        else:
            job = Job(sql, dataset or self.datasets[0], collation)
        ((_, outcome),) = list(self.run_many([job]))
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def cancel(self) -> None:
        """Stop the queries running now: each ends with a CancelledError within a poll interval,
        its worker is replaced. Safe to call from any thread (the practice page's Cancel button
        calls it while another thread waits in run_many); a no-op when nothing runs."""
        self._cancel.set()

    def run_many(self, jobs: Iterable[Job | None]) -> Iterator[tuple[Job, pa.Table | Exception]]:
        """Run jobs on all workers; yields (job, table or GradeError) as each finishes.

        Jobs are pulled only when a worker is free, so the caller can still be producing them
        (preparing submissions) while earlier ones run. A `None` from `jobs` means "nothing
        ready yet, ask again shortly"; the end of `jobs` means no more will come.
        """
        self._ready()
        self._cancel.clear()  # a cancel meant for an earlier run does not stop this one
        source = iter(jobs)
        exhausted = False
        retry: deque[Job] = deque()  # jobs whose worker was killed from outside, run once more

        def next_job() -> Job | None:
            nonlocal exhausted
            if exhausted:
                return None
            job = next(source, _END)
            if job is _END:
                exhausted = True
                return None
            if job is not None and job.dataset not in self._spec_base["datasets"]:  # type: ignore[operator]
                raise SandboxError(f"unknown dataset {job.dataset!r}; known: {', '.join(self.datasets)}")
            return job

        ids = itertools.count()
        retried: set[Job] = set()

        def fill() -> None:
            for index in range(len(self._workers)):
                if self._workers[index].job is None:
                    job = retry.popleft() if retry else next_job()
                    if job is None:
                        return
                    self._start(index, next(ids), job)

        while retry or not exhausted or any(w.job for w in self._workers):
            fill()
            busy = [w for w in self._workers if w.job]
            if not busy:
                if not exhausted:
                    time.sleep(0.002)  # the producer is still preparing the next job
                continue
            ready = wait([w.channel for w in busy], timeout=_POLL_S)
            if self._cancel.is_set():
                self._cancel.clear()
                yield from self._stop(busy)
                continue
            finished = [o for o in (self._collect(w, ready, retry, retried) for w in busy) if o is not None]
            if finished:
                fill()  # freed workers start their next query before the caller compares these results
            yield from finished

    def _start(self, index: int, job_id: int, job: Job) -> None:
        """Send a job to worker `index`; a worker that died while idle is replaced first."""
        for _ in range(2):
            worker = self._workers[index]
            worker.job = (job_id, job)
            limit = self.limit_of(job)
            # DuckDB's own max_execution_time stays at the sandbox's timeout_s (set at the worker's
            # start, then locked); the worker interrupts this one query at its own limit, and past
            # that plus a grace period the worker is killed from here.
            worker.deadline = time.monotonic() + limit.seconds + max(1.0, 0.5 * limit.seconds)
            try:
                worker.channel.send(("run", job_id, job.dataset, job.sql, job.collation, limit.seconds))
                return
            except OSError:  # killed from outside between two jobs: nothing of this job ran yet
                worker.job = None
                self._replace(worker)
        raise SandboxError("sandbox workers keep dying before they can take a query")

    def _stop(self, busy: list[_Worker]) -> Iterator[tuple[Job, Exception]]:
        """Cancel: the busy workers are killed and replaced, each job ends as cancelled."""
        for worker in busy:
            assert worker.job is not None
            job, worker.job = worker.job[1], None
            self._replace(worker)
            yield job, CancelledError("cancelled: the query was stopped before it finished")

    def _collect(self, worker: _Worker, ready: list, retry: deque[Job],
                 retried: set[Job]) -> tuple[Job, pa.Table | Exception] | None:
        assert worker.job is not None
        job = worker.job[1]
        if worker.channel in ready:
            try:
                _, _, kind, payload = worker.channel.recv()
            except (EOFError, OSError):
                # Died mid-query, not by our hand: out of memory, or killed by an operator. The
                # query may be innocent, so it runs once more on a fresh worker before it is blamed.
                worker.job = None
                self._replace(worker)
                if job not in retried:
                    retried.add(job)
                    retry.append(job)
                    return None
                return job, LimitError("memory", "the query crashed its worker twice (most likely it ran out of "
                                                 "memory)")
            worker.job = None
            if kind == "internal":  # DuckDB's database may be invalidated: never reuse it
                self._replace(worker)
            return job, _outcome(kind, payload, self.limit_of(job))
        now = time.monotonic()
        reason = None
        if now > worker.deadline:
            reason = LimitError("time", _time_message(self.limit_of(job)))
        else:
            rss = worker.rss()
            if rss is None:
                return None  # gone: its channel reports the end at the next wait
            if rss > self.max_rss:
                reason = LimitError("memory", "the query used more memory than allowed and was stopped")
        if reason is None:
            return None
        worker.job = None
        self._replace(worker)
        return job, reason

    def close(self) -> None:
        """Stop every worker and remove the per-run temp space. Workers hold nothing worth a clean
        shutdown (their databases are in memory, their spill space is removed here), and killing
        them saves the ~65 ms an interpreter with DuckDB takes to exit, on every `simgen check`."""
        for worker in self._workers + self._starting:
            worker.kill()
        self._workers, self._starting = [], []
        shutil.rmtree(self._temp, ignore_errors=True)
        release(self._temp_lock)

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def pids(self) -> list[int]:
        """Process ids of the live workers (tests use this to check replacement)."""
        return [w.process.pid for w in self._workers]


def _time_message(limit: TimeLimit) -> str:
    if limit.why == "the sandbox's time limit":  # no rule behind it: the plain message
        return f"the query ran longer than {limit.seconds:g} s and was stopped"
    return limit.message()


def _outcome(kind: str, payload: object, limit: TimeLimit) -> pa.Table | Exception:
    import pyarrow as pa

    if kind == "ok":
        return pa.ipc.open_stream(pa.py_buffer(payload)).read_all()  # type: ignore[arg-type]
    if kind == "ok_file":  # the same stream in a file, mapped, not copied
        try:
            return pa.ipc.open_stream(pa.memory_map(str(payload))).read_all()
        finally:
            os.unlink(str(payload))  # the mapping outlives the file's name
    message = str(payload)
    if kind == "time":
        return LimitError("time", _time_message(limit))
    if kind == "memory":
        return LimitError("memory", f"the query ran out of memory: {message.splitlines()[0]}")
    if kind == "disk":
        return LimitError("disk", f"the query spilled more to disk than allowed: {message.splitlines()[0]}")
    if kind in ("rows", "size"):
        return LimitError(kind, message)
    if kind == "forbidden":
        return ForbiddenError(message)
    if kind == "internal":
        return InternalError(f"DuckDB failed internally on this query ({message}); it cannot be graded as "
                             "written: rewrite the part it names", construct=message)
    return QueryError(f"DuckDB error: {message}")
