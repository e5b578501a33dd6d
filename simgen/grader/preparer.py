"""Preparing submissions (parse, gate, transpile) in child processes, under limits of their own.

    with Preparer(workers=1) as preparer:
        prepared = preparer.prepare(text, dialect)     # Prepared, or raises a GradeError

sqlglot is a Python library: a hostile or merely unusual submission can make it run for minutes
or allocate without bound (150 NATURAL JOINs took 28 s; a thousand of them grew past 16 GiB),
and the grader's own process cannot stop a runaway in one of its threads. So preparing runs in
child interpreters: a child still busy at the deadline, or past its memory cap, is killed and
replaced, and only that submission fails ("limit"). A child that dies is replaced the same way.
Exactly equal texts are prepared once per batch (the children also cache by tokens).

The calling thread only waits on a pipe; any number of threads may call `prepare` at once, each
using one idle child.
"""

from __future__ import annotations

import queue
import threading
import time

from simgen.errors import SimgenError
from simgen.grader.child import Child, serve
from simgen.grader.errors import InternalError, LimitError, SandboxError
from simgen.grader.submission import Prepared

PREPARE_TIMEOUT_S = 10.0  # an ordinary query prepares in milliseconds
PREPARE_MAX_RSS = 1536 * 2**20  # a child idles at about 100 MiB
_START_TIMEOUT_S = 60.0
_POLL_S = 0.02
_CACHE_MAX = 50_000


def preparer_main(channel) -> None:
    """Entry point of a preparing child: ("prepare", text, dialect) in, ("ok", Prepared) or
    ("error", SimgenError) out, until the channel closes."""
    channel.recv()  # settings: none yet
    from simgen.grader.sql import clear_caches, prepare  # sqlglot and DuckDB load here, not in the supervisor

    prepare("SELECT 1")  # first use builds the gate's DuckDB catalogue: before the clock of any submission
    clear_caches()
    channel.send(("ready",))

    def answer(message: tuple) -> tuple[str, object]:
        _, text, dialect = message
        try:
            return "ok", prepare(text, dialect)
        except SimgenError as error:
            return "error", error
        except Exception as error:  # noqa: BLE001 - prepare already names what it can; never die silently
            return "error", InternalError(f"the grader failed while preparing this query ({type(error).__name__})")

    serve(channel, answer)


class _Slot:
    """One child and whether it has said ready."""

    def __init__(self) -> None:
        self.child = Child("simgen.grader.preparer:preparer_main", {}, role="preparing worker")
        self.ready = False

    def start(self) -> None:
        if not self.ready:
            self.child.wait_ready(_START_TIMEOUT_S)
            self.ready = True


class Preparer:
    """A pool of preparing children. They start at construction, in the background."""

    def __init__(self, workers: int = 1, timeout_s: float = PREPARE_TIMEOUT_S,
                 max_rss: int = PREPARE_MAX_RSS) -> None:
        self.workers = max(1, workers)
        self.timeout_s = timeout_s
        self.max_rss = max_rss
        self.restarts = 0
        self._idle: queue.Queue[_Slot] = queue.Queue()
        self._slots: list[_Slot] = []
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, str | None], tuple[str, object]] = {}
        self._closed = False
        for _ in range(self.workers):
            self._add(_Slot())

    def _add(self, slot: _Slot) -> None:
        with self._lock:
            self._slots.append(slot)
        self._idle.put(slot)

    def prepare(self, text: str, dialect: str | None = None) -> Prepared:
        """The prepared query, or raises the SimgenError that says why it cannot be graded."""
        key = (text, dialect)
        outcome = self._cache.get(key)
        if outcome is None:
            outcome = self._run(text, dialect)
            with self._lock:
                if len(self._cache) >= _CACHE_MAX:
                    self._cache.clear()
                self._cache[key] = outcome
        kind, value = outcome
        if kind == "ok":
            return value  # type: ignore[return-value]
        raise value  # type: ignore[misc]

    def _run(self, text: str, dialect: str | None) -> tuple[str, object]:
        slot = self._take()
        keep = slot
        try:
            slot.start()
            outcome, fresh = self._ask(slot, text, dialect)
            keep = fresh or slot
            return outcome
        except BaseException:
            keep = self._renew(slot)  # could not start, or interrupted mid-answer: never reuse it
            raise
        finally:
            self._idle.put(keep)

    def _take(self) -> _Slot:
        while True:
            if self._closed:
                raise SandboxError("the preparing workers are closed")
            try:
                return self._idle.get(timeout=0.1)
            except queue.Empty:
                continue

    def _ask(self, slot: _Slot, text: str, dialect: str | None,
             retried: bool = False) -> tuple[tuple[str, object], _Slot | None]:
        """Send one text; wait for the answer within the limits. Returns (outcome, replacement slot
        or None when `slot` is still good). A child that dies without our hand (killed from
        outside) costs one retry on a fresh child before the text is blamed."""
        channel = slot.child.channel
        try:
            channel.send(("prepare", text, dialect))
            deadline = time.monotonic() + self.timeout_s
            while not channel.poll(_POLL_S):
                if time.monotonic() > deadline:
                    return ("error", LimitError("time", f"analysing the query took longer than {self.timeout_s:g} s; "
                                                        "simplify it")), self._renew(slot)
                rss = slot.child.rss()
                if rss is not None and rss > self.max_rss:
                    return ("error", LimitError("memory", f"analysing the query needed more than "
                                                          f"{self.max_rss // 2**20:,} MiB; simplify it")), \
                        self._renew(slot)
            return channel.recv(), None
        except (EOFError, OSError):
            fresh = self._renew(slot)
            if retried:
                return ("error", InternalError("the grader's SQL analyser crashed twice on this query")), fresh
            fresh.start()
            outcome, newer = self._ask(fresh, text, dialect, retried=True)
            return outcome, newer or fresh

    def _renew(self, slot: _Slot) -> _Slot:
        slot.child.kill()
        if self._closed:
            return slot
        fresh = _Slot()
        with self._lock:
            if slot in self._slots:
                self._slots[self._slots.index(slot)] = fresh
            else:  # renewed twice in one failure: still tracked, so close() stops it
                self._slots.append(fresh)
            self.restarts += 1
        return fresh

    @property
    def pids(self) -> list[int]:
        """Process ids of the children (tests kill them)."""
        with self._lock:
            return [slot.child.process.pid for slot in self._slots]

    def close(self) -> None:
        self._closed = True
        with self._lock:
            slots, self._slots = self._slots, []
        for slot in slots:
            slot.child.kill()

    def __enter__(self) -> Preparer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
