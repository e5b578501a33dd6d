"""Chunk tasks on a Dask cluster: the same functions as on local processes, on other machines.

    simgen --users 1B --scheduler tcp://scheduler:8786 --out s3://bucket/simgen-1b

The driver stays where the command runs: it gathers the first pass's plan and submits one task
per chunk, each carrying its own slice of the plan (at most two tasks per worker thread in
flight, so a billion members never means ten thousand tasks or results waiting in memory). A worker lost
mid-task is the scheduler's business: the task runs again elsewhere (a chunk is a pure function
of the seed, so the bytes are the same), and `retries` covers a task that raised. Nothing
assumes a filesystem shared with the driver: parts come back in the results, or the workers
write them to an object store themselves (simgen/sim/sinks.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from ..cluster import ClusterError, connect
from ..errors import SimgenError

T = TypeVar("T")
R = TypeVar("R")


class DaskExecutor:
    """map(fn, items, *shared) over a cluster's workers, results paired with their index."""

    shares_files = False  # its workers may be other machines

    def __init__(self, client_or_address, retries: int = 2, per_thread: int = 2) -> None:
        self.own = isinstance(client_or_address, str)
        self.client = connect(client_or_address) if self.own else client_or_address
        self.retries = retries
        self.per_thread = per_thread

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[int, R]]:
        from distributed import as_completed

        threads = max(1, sum(self.client.nthreads().values()))
        source = enumerate(items)
        index: dict[object, int] = {}
        pending = as_completed(loop=self.client.loop)

        def submit(count: int) -> None:
            for _ in range(count):
                nxt = next(source, None)
                if nxt is None:
                    return
                i, item = nxt
                future = self.client.submit(fn, item, pure=False, retries=self.retries,
                                            key=f"simgen-{getattr(fn, '__name__', 'task')}-{i}-{os.urandom(4).hex()}")
                index[future] = i
                pending.add(future)

        submit(self.per_thread * threads)
        try:
            for future in pending:
                i = index.pop(future)
                if future.status == "error":
                    error = future.exception()
                    if isinstance(error, SimgenError):
                        raise error
                    raise ClusterError(f"a chunk task failed on the cluster ({type(error).__name__}: {error})")
                result = future.result()
                future.release()
                yield i, result
                submit(1)
        except BaseException:
            for future in list(index):
                future.cancel()
            raise

    def close(self) -> None:
        if self.own:
            self.client.close()
