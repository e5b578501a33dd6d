"""Ctrl-C, SIGTERM and SIGHUP while worker processes run: recorded by a handler, acted on at safe
points.

Python raises KeyboardInterrupt wherever the main thread happens to be. While a process pool
runs, that is sometimes a finalizer run by the garbage collector (multiprocessing releases its
semaphores that way), where the exception is printed as "Exception ignored" and then dropped:
the run goes on as if nothing was pressed. So, while workers run, the handler only records the
request and the loop that waits on them calls `check()`, which raises in ordinary code.

SIGTERM and SIGHUP kill a process outright unless someone asks otherwise: `stoppable()` (the
command line's choice, not a library's) turns them into `Terminated`, a KeyboardInterrupt, so
every clean-up that runs on Ctrl-C runs on them too. Workers leave the three signals to their
parent, which stops them itself, and die with it if it is killed outright (`worker_init`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator

POLL_S = 0.2  # how often a waiting loop looks at the record: the worst-case Ctrl-C latency

_STOPS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))

_requested = threading.Event()
_signum = 0  # the first signal recorded since the record was last cleared
_raisers: dict[int, Callable] = {}  # what each recorded signal did before it was recorded
_stopping = False  # a stop was raised: later signals must not cut its clean-up short


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP: stop as cleanly as on Ctrl-C; the exit status is 128 + the signal."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def exit_code(exc: KeyboardInterrupt) -> int:
    """130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP."""
    return exc.exit_code if isinstance(exc, Terminated) else 128 + signal.SIGINT


def _terminate(signum: int, frame: object) -> None:
    """Raise Terminated, or KeyboardInterrupt for SIGINT, once. `timeout` signals its command and
    then the whole group, a service manager every process of the run (the workers pass theirs
    on): a second signal raised in the middle of the first one's clean-up would leave debris."""
    global _stopping
    if _stopping:
        return
    _stopping = True
    raise KeyboardInterrupt if signum == signal.SIGINT else Terminated(signum)


def _record(signum: int, frame: object) -> None:
    global _signum
    if not _requested.is_set():
        _signum = signum
        _requested.set()


def check() -> None:
    """Raise, once, what the first signal recorded since the last check would have raised:
    KeyboardInterrupt for Ctrl-C, Terminated (or the caller's own handler) for SIGTERM/SIGHUP."""
    if _requested.is_set():
        signum = pending()
        _requested.clear()
        handler = _raisers.get(signum)
        if callable(handler):
            handler(signum, None)  # raises (default_int_handler, _terminate, a caller's own)...
        elif signum == signal.SIGINT:
            raise KeyboardInterrupt  # ...or returns: a stop is already under way


def pending() -> int:
    """The signal recorded and not yet acted on (0 if none): one that arrived while a step that
    must not be cut short (the rename into place) ran."""
    return _signum if _requested.is_set() else 0


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def stoppable() -> Iterator[None]:
    """SIGTERM and SIGHUP raise Terminated (as SIGINT raises KeyboardInterrupt) instead of killing,
    once: further signals are ignored while the run cleans up."""
    global _stopping
    if not _main_thread():
        yield
        return
    _stopping = False
    previous = {s: signal.signal(s, _terminate) for s in _STOPS}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


@contextlib.contextmanager
def polled() -> Iterator[None]:
    """Record SIGINT (and SIGTERM/SIGHUP where a handler was asked for) instead of raising it;
    the caller calls `check()` where it is safe. A SIGTERM or SIGHUP left at its default still
    kills the process: only the application decides that those signals mean "stop cleanly"."""
    if not _main_thread():
        yield
        return
    if signal.getsignal(signal.SIGINT) is not _record:  # not nested in another polled()
        _requested.clear()
    previous = {}
    for s in _STOPS:
        handler = signal.getsignal(s)
        if s == signal.SIGINT or callable(handler):
            previous[s] = signal.signal(s, _record)
            if handler is not _record:
                _raisers[s] = handler
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


@contextlib.contextmanager
def masked() -> Iterator[None]:
    """Block SIGINT, SIGTERM and SIGHUP in this thread; processes started meanwhile inherit the
    mask through exec.

    A worker that receives Ctrl-C (a terminal signals the whole process group) while it is still
    starting would die printing a traceback; started masked, it never sees SIGINT at all. A
    signal that arrives meanwhile stays pending and is handled when the block ends.
    """
    if not _main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, set(_STOPS))
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def worker_init(parent: int) -> None:
    """Pool initializer: only the parent acts on Ctrl-C, SIGTERM and SIGHUP, and it stops its
    workers itself; a worker dies with its parent.

    SIGINT and SIGHUP are ignored. SIGTERM cannot simply be ignored: the pool itself terminates
    its workers with it when one of them dies. A thread takes SIGTERM (blocked since the worker
    started, see `masked`) and ends the worker when the parent sent it. From anyone else (the
    whole process group was signalled, or someone signalled this worker) it is passed on to the
    parent, which stops the whole run cleanly: a worker killed in the middle of sending its result
    could leave the pool's reader blocked for ever.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    die_with_parent(parent)
    if not hasattr(signal, "sigwaitinfo"):
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})  # before any thread starts

    def take_sigterm() -> None:
        while True:
            info = signal.sigwaitinfo({signal.SIGTERM})
            if info.si_pid == parent or os.getppid() != parent:
                os._exit(128 + signal.SIGTERM)
            with contextlib.suppress(OSError):
                os.kill(parent, signal.SIGTERM)

    threading.Thread(target=take_sigterm, name="simgen-sigterm", daemon=True).start()


def die_with_parent(parent: int) -> None:
    """Ask Linux to SIGKILL this process when its parent dies, so a kill -9 of a run leaves no
    worker behind (a no-op elsewhere: there a worker ends when its parent's pipe closes)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    # Linux sends it when the thread that started the worker ends: the pool starts its workers
    # from the thread that submits, the main thread, which lives as long as the run.

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)

