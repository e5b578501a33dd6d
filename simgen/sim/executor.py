"""The one seam where work is spread: `map(fn, items)` over chunks.

    InProcess()            one chunk after another in this process (--jobs 1, and tests)
    LocalProcesses(jobs)   a pool of local worker processes (the default)
    DaskExecutor(address)  the workers of a Dask cluster (simgen/sim/dask_executor.py)

Results come back in completion order paired with their item index, so callers can show
progress as chunks finish and still aggregate in a fixed order (determinism). Items are pulled
from `items` only as workers free up, so a generator of tasks is never materialized whole.
`shares_files` says whether tasks can write into the driver's local folders (a cluster's workers
may be on other machines).
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import resource_tracker
from typing import Protocol, TypeVar

from .. import interrupt
from ..errors import SimgenError

T = TypeVar("T")
R = TypeVar("R")


class WorkerDied(SimgenError):
    """A worker process vanished mid-task."""


class Executor(Protocol):
    shares_files: bool

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[int, R]]: ...


class InProcess:
    """Runs chunks one after another in this process (--jobs 1, and tests)."""

    shares_files = True

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[int, R]]:
        for i, item in enumerate(items):
            yield i, fn(item)


class LocalProcesses:
    """A pool of worker processes, at most `jobs` chunks in flight (bounded memory)."""

    shares_files = True

    def __init__(self, jobs: int):
        self.jobs = jobs

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[int, R]]:
        ctx = mp.get_context("spawn")  # no fork: the parent may hold threads (Arrow, rich)
        with interrupt.masked():
            # The pool's semaphores start multiprocessing's resource tracker. It ignores SIGINT and
            # SIGTERM but not SIGHUP: started unmasked, a hang-up of the process group kills it and
            # every later release prints a traceback. Started masked, SIGHUP never reaches it.
            if os.name == "posix":
                resource_tracker.ensure_running()
        with interrupt.polled():
            with ProcessPoolExecutor(max_workers=self.jobs, mp_context=ctx,
                                     initializer=interrupt.worker_init, initargs=(os.getpid(),)) as pool:
                try:
                    yield from self._run(pool, fn, items)
                except BaseException:
                    # Queued chunks never start; running ones finish (about a chunk's time). A
                    # worker terminated mid-reply would leave the pool's reader thread blocked.
                    pool.shutdown(wait=True, cancel_futures=True)
                    raise
        interrupt.check()

    def _run(self, pool: ProcessPoolExecutor, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[int, R]]:
        pending = {}
        it = enumerate(items)

        def submit(i: int, item: T) -> None:
            with interrupt.masked():  # submit may start a worker, from this (the main) thread
                pending[pool.submit(fn, item)] = i

        for i, item in it:
            submit(i, item)
            if len(pending) >= self.jobs:
                break
        while pending:
            done, _ = wait(pending, timeout=interrupt.POLL_S, return_when=FIRST_COMPLETED)
            interrupt.check()
            for fut in done:
                i = pending.pop(fut)
                try:
                    result = fut.result()
                except BrokenProcessPool:
                    raise WorkerDied("a worker process died (killed, or out of memory?); "
                                     "nothing was written. Try fewer --jobs.") from None
                yield i, result
                nxt = next(it, None)
                if nxt is not None:
                    submit(*nxt)


def make(jobs: int, scheduler: str | None = None) -> Executor:
    """The executor for `--jobs` / `--scheduler`: a Dask cluster when an address is given."""
    if scheduler:
        from .dask_executor import DaskExecutor

        return DaskExecutor(scheduler)
    return InProcess() if jobs <= 1 else LocalProcesses(jobs)
