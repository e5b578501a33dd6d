"""Grading submissions: one file (`simgen check`) or a whole folder (`simgen grade`).

Both go through `grade_all`:
  1. read and prepare every submission (parse, gate, transpile); failures are verdicts;
  2. run each distinct canonical query once per dataset in the sandbox pool;
  3. compare each result with the challenge's expected result on that dataset;
  4. a submission passes only if it passes on every dataset (the main one and the edge one).
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from simgen import challenges
from simgen.errors import SimgenError
from simgen.grader.compare import compare
from simgen.grader.expected import expected
from simgen.grader.sandbox import Job, Sandbox
from simgen.grader.sql import Prepared, prepare, read_submission
from simgen.grader.verdict import Verdict, combine


@dataclass
class Submission:
    who: str
    challenge: str
    path: Path | None = None
    text: str | None = None
    dialect: str | None = None


@dataclass
class Graded:
    submission: Submission
    verdict: Verdict
    dialect: str | None = None
    key: str | None = None  # canonical SQL hash: equal keys were executed once


@dataclass
class _Group:
    challenge: challenges.Challenge
    prepared: Prepared
    members: list[Submission] = field(default_factory=list)  # waiting for the verdict
    verdicts: dict[str, Verdict] = field(default_factory=dict)  # per dataset
    verdict: Verdict | None = None


def _prepare(sub: Submission) -> tuple[challenges.Challenge, Prepared]:
    ch = challenges.get(sub.challenge)
    text = sub.text if sub.text is not None else read_submission(sub.path)
    return ch, prepare(text, sub.dialect)


def _dataset_verdict(ch: challenges.Challenge, outcome, dataset: str, path: Path) -> Verdict:
    if isinstance(outcome, SimgenError):
        return Verdict.from_error(ch.id, outcome, dataset)
    if isinstance(outcome, Exception):  # a bug in the grader itself: report, never crash the batch
        return Verdict(ch.id, False, "error", f"internal grader error: {outcome!r}", {"dataset": dataset})
    try:
        want = _expected(ch, path)
    except SimgenError as error:  # the reference cannot run there: nothing to grade against, batch goes on
        return Verdict.from_error(ch.id, error, dataset)
    cols = ch.columns
    rel = max((c.rel_tol for c in cols), default=0.0)
    abs_ = max((c.abs_tol for c in cols), default=0.0)
    return Verdict.from_diff(ch.id, compare(outcome, want, ordered=ch.ordered, rel_tol=rel, abs_tol=abs_), dataset)


_EXPECTED: dict[tuple[str, str, Path], object] = {}


def _expected(ch: challenges.Challenge, path: Path):
    """expected() memoized per process: a batch compares against the same few tables many times."""
    key = (ch.id, ch.solution, Path(path).resolve())
    if key not in _EXPECTED:
        _EXPECTED[key] = expected(ch, path)
    return _EXPECTED[key]


def grade_all(submissions: Iterable[Submission], datasets: Mapping[str, Path], sandbox: Sandbox,
              progress: Callable[[int], None] | None = None) -> Iterator[Graded]:
    """Grade every submission; yields results as they are decided.

    A thread prepares submissions (parse, gate, transpile) while the sandbox workers run the
    queries already found, so preparing and executing overlap. Each distinct canonical query of
    a challenge runs once per dataset; every submission sharing it gets the same verdict.
    """
    prepared: queue.Queue = queue.Queue(maxsize=2048)
    done = object()

    def produce() -> None:
        try:
            for sub in submissions:
                try:
                    prepared.put((sub, *_prepare(sub)))
                except SimgenError as e:
                    prepared.put((sub, e, None))
        finally:
            prepared.put(done)

    groups: dict[tuple[str, str], _Group] = {}
    ready: deque[Graded] = deque()

    def jobs() -> Iterator[Job | None]:
        # `None` only when nothing is prepared yet: a submission that needs no query (a duplicate,
        # a refusal) is settled here without handing control back, so a free worker never waits
        # on the sandbox's poll interval while thousands of duplicates drain.
        while True:
            try:
                item = prepared.get(timeout=0.001)
            except queue.Empty:
                yield None
                continue
            if item is done:
                return
            sub, ch, prep = item
            if prep is None:  # ch is the error
                ready.append(Graded(sub, Verdict.from_error(sub.challenge, ch)))
                continue
            key = (ch.id, prep.key)
            group = groups.get(key)
            if group is None:
                group = groups[key] = _Group(ch, prep)
                group.members.append(sub)
                for name in datasets:
                    yield Job.of(prep, name, tag=key)
            elif group.verdict is not None:
                ready.append(Graded(sub, group.verdict, prep.dialect, prep.key))
            else:
                group.members.append(sub)

    def flush() -> Iterator[Graded]:
        while ready:
            g = ready.popleft()
            if progress:
                progress(1)
            yield g

    threading.Thread(target=produce, name="simgen-prepare", daemon=True).start()
    for job, outcome in sandbox.run_many(jobs()):
        yield from flush()
        group = groups[job.tag]
        group.verdicts[job.dataset] = _dataset_verdict(group.challenge, outcome, job.dataset, datasets[job.dataset])
        if len(group.verdicts) == len(datasets):
            group.verdict = combine(group.challenge.id, [group.verdicts[n] for n in datasets])
            for sub in group.members:
                ready.append(Graded(sub, group.verdict, group.prepared.dialect, group.prepared.key))
            group.members.clear()
    yield from flush()


def collect(folder: Path) -> list[Submission]:
    """SUBMISSIONS/<who>/<challenge_id>.sql, sorted; anything else is ignored."""
    subs = []
    for path in sorted(Path(folder).glob("*/*.sql")):
        subs.append(Submission(who=path.parent.name, challenge=path.stem, path=path))
    return subs
