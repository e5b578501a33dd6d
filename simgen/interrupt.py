"""Ctrl-C while worker processes run: recorded by a handler, acted on at safe points.

Python raises KeyboardInterrupt wherever the main thread happens to be. While a process pool
runs, that is sometimes a finalizer run by the garbage collector (multiprocessing releases its
semaphores that way), where the exception is printed as "Exception ignored" and then dropped:
the run goes on as if nothing was pressed. So, while workers run, the handler only records the
request and the loop that waits on them calls `check()`, which raises in ordinary code.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

POLL_S = 0.2  # how often a waiting loop looks at the record: the worst-case Ctrl-C latency

_requested = threading.Event()


def _record(signum: int, frame: object) -> None:
    _requested.set()


def check() -> None:
    """Raise KeyboardInterrupt, once, if Ctrl-C was pressed since the last check."""
    if _requested.is_set():
        _requested.clear()
        raise KeyboardInterrupt


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def polled() -> Iterator[None]:
    """Record SIGINT instead of raising it; the caller calls `check()` where it is safe."""
    if not _main_thread():
        yield
        return
    _requested.clear()
    previous = signal.signal(signal.SIGINT, _record)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def masked() -> Iterator[None]:
    """Block SIGINT in this thread; processes started meanwhile inherit the mask through exec.

    A worker that receives Ctrl-C (a terminal signals the whole process group) while it is still
    starting would die printing a traceback; started masked, it never sees SIGINT at all. A
    signal that arrives meanwhile stays pending and is handled when the block ends.
    """
    if not _main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def ignore_in_worker() -> None:
    """Pool initializer: only the parent acts on Ctrl-C, and it stops its workers itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
