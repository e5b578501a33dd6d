"""Running the sandbox's queries on a Dask cluster (`simgen grade --scheduler ADDRESS`).

    with DaskSandbox("tcp://scheduler:8786", {"main": Path("data/default")}, timeout_s=60) as box:
        for job, outcome in box.run_many(jobs):        # as Sandbox.run_many: grade_all takes either
            ...

Only the queries travel: preparing submissions and comparing results stay in the grader's
process, so a report is the same as a local run's. Each job is one Dask task (`run_job`); inside
each Dask worker process one ordinary `Sandbox` per (datasets, options) serves them all, started
on first use and closed with the worker (or with the DaskSandbox that asked for it). Datasets are
read by the same path on every worker (a LocalCluster, a shared filesystem), or given by URL and
copied once per machine (remote.fetch).

A Dask worker lost mid-query: Dask runs the task again on another worker; a task that still
fails gives its job a SandboxError verdict, never a lost submission.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import logging
import queue
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from distributed import Client, as_completed
from distributed.diagnostics.plugin import WorkerPlugin

from simgen.cluster import connect
from simgen.errors import SimgenError
from simgen.grader.errors import CancelledError, SandboxError
from simgen.grader.remote import fetch, is_url, source_of
from simgen.grader.sandbox import Job, Sandbox, capped
from simgen.grader.timelimit import TimeLimit

if TYPE_CHECKING:
    import pyarrow as pa

_END = object()


# ---------------------------------------------------------------- inside a Dask worker
@dataclass(frozen=True)
class Spec:
    """What a Dask worker's sandbox is: the datasets (name, local path or URL) and Sandbox's
    options. Hashable: equal specs share one sandbox per worker process."""

    datasets: tuple[tuple[str, str], ...]
    options: tuple[tuple[str, object], ...]

    def open(self) -> Sandbox:
        local = {name: fetch(source) if is_url(source) else Path(source) for name, source in self.datasets}
        return Sandbox(local, **dict(self.options))


class _Host:
    """One Sandbox in this worker process, driven by a thread of its own: Dask's task threads
    come and go (a sandbox child dies with the thread that started it), and several tasks at a
    time share the sandbox's workers through this one `run_many`."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self._inbox: queue.Queue = queue.Queue()
        self._waiting: dict[int, concurrent.futures.Future] = {}
        self._lock = threading.Lock()
        self._ended: SimgenError | None = None
        self._box: Sandbox | None = None
        self._thread = threading.Thread(target=self._drive, name="simgen-sandbox-host", daemon=True)
        self._thread.start()

    def run(self, job: Job) -> pa.Table | SimgenError:
        answer: concurrent.futures.Future = concurrent.futures.Future()
        with self._lock:
            if self._ended is not None:
                return self._ended
            self._inbox.put((job, answer))
        return answer.result()

    def close(self) -> None:
        """Queries still running are cancelled: whoever waits for them has gone."""
        self._inbox.put(None)
        if self._box is not None:
            self._box.cancel()
        self._thread.join(timeout=60)

    def _jobs(self) -> Iterator[Job | None]:
        ids = itertools.count()
        while True:
            try:  # block a while only when no query runs: run_many waits on its workers otherwise
                item = self._inbox.get(timeout=0.2) if not self._waiting else self._inbox.get_nowait()
            except queue.Empty:
                yield None
                continue
            if item is None:
                return
            job, answer = item
            tag = next(ids)
            self._waiting[tag] = answer
            yield replace(job, tag=tag)

    def _drive(self) -> None:
        error: SimgenError = SandboxError("the sandbox on this Dask worker was closed")
        try:
            with self.spec.open() as box:
                self._box = box
                for job, outcome in box.run_many(self._jobs()):
                    self._waiting.pop(job.tag).set_result(outcome)  # type: ignore[arg-type]
        except SimgenError as failure:
            error = failure
        except Exception as failure:  # noqa: BLE001 - every waiting task still gets an answer
            error = SandboxError(f"the sandbox on this Dask worker failed ({type(failure).__name__}: {failure})")
        finally:
            with _hosts_lock:
                if _hosts.get(self.spec) is self:
                    del _hosts[self.spec]  # the next task starts a fresh one
            with self._lock:
                self._ended = error
            for answer in self._waiting.values():
                answer.set_result(error)
            while not self._inbox.empty():
                item = self._inbox.get_nowait()
                if item is not None:
                    item[1].set_result(error)


_hosts: dict[Spec, _Host] = {}
_hosts_lock = threading.Lock()


def run_job(spec: Spec, job: Job) -> pa.Table | SimgenError:
    """The Dask task: run `job` in this worker's sandbox for `spec`; the table or the error."""
    try:
        from distributed import secede

        secede()  # waiting holds no thread of Dask's pool: the sandbox runs `workers` queries at once
    except ValueError:  # not inside a Dask worker
        pass
    with _hosts_lock:
        host = _hosts.get(spec) or _hosts.setdefault(spec, _Host(spec))
    return host.run(job)


def release(spec: Spec | None = None) -> None:
    """Close this worker's sandbox for `spec` (all of them when None)."""
    with _hosts_lock:
        hosts = [h for s, h in _hosts.items() if spec is None or s == spec]
    for host in hosts:
        host.close()


class CloseSandboxes(WorkerPlugin):
    """Closes a worker's sandboxes when the worker shuts down (their temp space goes with them)."""

    idempotent = True

    def teardown(self, worker: object) -> None:
        release()


# ---------------------------------------------------------------- in the grader's process
class DaskSandbox:
    """Sandbox's interface (run_many, limit_of, datasets, cancel, close) over a Dask cluster.

    client: a distributed.Client, or a scheduler address. datasets: {name: local path or URL};
    a path that remote.fetch copied from a URL is sent as that URL, any other as its absolute
    path, which every worker must be able to read. timeout_s and the other options are Sandbox's; `workers` is the
    sandbox workers in each Dask worker process.
    """

    def __init__(self, client: Client | str, datasets: Mapping[str, Path | str], timeout_s: float = 10.0,
                 **options: object) -> None:
        self._own = isinstance(client, str)
        self.client = connect(client) if isinstance(client, str) else client
        self.datasets = list(datasets)
        self.timeout_s = timeout_s
        sources = tuple((name, source if is_url(source) else source_of(source)) for name, source in datasets.items())
        self.spec = Spec(sources, tuple(sorted({**options, "timeout_s": timeout_s}.items())))
        self._per_worker = int(options.get("workers", 1))  # type: ignore[call-overload]
        self._cancel = threading.Event()
        try:
            self.client.register_plugin(CloseSandboxes(), name="simgen-close-sandboxes")
        except BaseException:
            if self._own:
                self.client.close()
            raise

    def limit_of(self, job: Job) -> TimeLimit:
        return capped(job.limit, self.timeout_s)

    def cancel(self) -> None:
        """Stop waiting for the queries in flight: each ends as cancelled (a query already running
        on a worker finishes there, its result is dropped)."""
        self._cancel.set()

    def _capacity(self) -> int:
        """Tasks in flight at most: twice what the cluster runs at once, so a worker that finishes
        finds its next query waiting, while the rest of `jobs` stays unread."""
        threads = self.client.nthreads()
        return 2 * max(2, sum(threads.values()), len(threads) * self._per_worker)

    def run_many(self, jobs: Iterable[Job | None]) -> Iterator[tuple[Job, pa.Table | SimgenError]]:
        """As Sandbox.run_many: yields (job, table or error) as each finishes; `jobs` is read
        lazily, and its `None` means "nothing ready yet, ask again shortly"."""
        self._cancel.clear()
        source = iter(jobs)
        exhausted = False
        capacity = self._capacity()
        flight: dict = {}
        done = as_completed(loop=self.client.loop)
        while not exhausted or flight:
            while not exhausted and len(flight) < capacity:
                job = next(source, _END)
                if job is _END:
                    exhausted = True
                elif job is None:
                    break
                else:
                    self._check(job)
                    future = self.client.submit(run_job, self.spec, replace(job, tag=None), pure=False, retries=1,
                                                key=f"simgen-query-{job.dataset}-{uuid.uuid4().hex}")
                    flight[future] = job
                    done.add(future)
            if self._cancel.is_set():
                self._cancel.clear()
                self.client.cancel(list(flight))
                done.clear()
                for job in flight.values():
                    yield job, CancelledError("cancelled: the query was stopped before it finished")
                flight.clear()
                continue
            if not flight:
                if not exhausted:
                    time.sleep(0.002)  # the caller is still preparing the next job
                continue
            if not done.has_ready() and not exhausted and len(flight) < capacity:
                time.sleep(0.002)  # a job may come before a result: ask `jobs` again
                continue
            for future in done.next_batch(block=True):
                yield flight.pop(future), _outcome(future)

    def _check(self, job: Job) -> None:
        if job.dataset not in self.datasets:
            raise SandboxError(f"unknown dataset {job.dataset!r}; known: {', '.join(self.datasets)}")

    def close(self) -> None:
        """Close the sandboxes this grading started on the workers, and our own client."""
        try:
            self.client.run(release, self.spec)
        except Exception as error:  # noqa: BLE001 - a worker gone or a cluster closing: nothing left to close
            logging.getLogger("simgen").debug(f"simgen: closing the workers' sandboxes: {error}")
        if self._own:
            self.client.close()

    def __enter__(self) -> DaskSandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _outcome(future) -> pa.Table | SimgenError:
    """The task's result; a task that failed (its workers lost, twice) is the sandbox's fault."""
    if future.status == "finished":
        return future.result()
    if future.status == "cancelled":
        return CancelledError("cancelled: the query was stopped before it finished")
    error = future.exception()
    return SandboxError(f"the query's Dask task failed on the cluster ({type(error).__name__}: {error}); "
                        "it could not be run")
