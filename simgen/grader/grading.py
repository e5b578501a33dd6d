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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from typing import TYPE_CHECKING

from simgen import challenges
from simgen.errors import SimgenError, UsageError
from simgen.grader import timelimit
from simgen.grader.errors import InternalError, SandboxError, SubmissionError
from simgen.grader.preparer import Preparer
from simgen.grader.sandbox import Job, Sandbox
from simgen.grader.submission import Prepared, read_submission
from simgen.grader.verdict import Verdict, combine
from simgen.dataset import Dataset

if TYPE_CHECKING:
    from simgen.grader.timelimit import TimeLimit

# DuckDB, Arrow and sqlglot (comparing, expected results, dialect names) are imported where they
# are used: `simgen check` starts its workers first, so their start overlaps these imports.


@dataclass
class Submission:
    who: str
    challenge: str
    path: Path | None = None
    text: str | None = None
    dialect: str | None = None
    refused: str | None = None  # why the file must not be read (see `collect`)


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


def declared_dialect(explicit: str | None, text: str | None) -> str | None:
    """The dialect a submission asks for (the argument, else its `-- dialect:` header), found
    without preparing it, so a refused submission's report row still names it. A name that is
    not a known dialect is returned as written."""
    from simgen.grader.dialects import header_dialect, normalize_dialect

    named = explicit or (header_dialect(text) if text else None)
    if not named:
        return None
    try:
        return normalize_dialect(named)
    except SimgenError:
        return named


def _prepare(sub: Submission, preparer: Preparer) -> tuple[Submission, object, Prepared | None, str | None]:
    """(sub, challenge, prepared, dialect), or (sub, the error, None, declared dialect): never
    raises, so no submission is lost to an exception on the way."""
    text = None
    try:
        ch = challenges.get(sub.challenge)
        if sub.refused:
            raise SubmissionError(sub.refused)
        text = sub.text if sub.text is not None else read_submission(sub.path)
        prepared = preparer.prepare(text, sub.dialect)
        return sub, ch, prepared, prepared.dialect
    except SimgenError as error:
        return sub, error, None, declared_dialect(sub.dialect, text)
    except Exception as error:  # noqa: BLE001 - a grader bug costs this submission, not the batch
        return sub, InternalError(f"the grader failed while reading this submission ({type(error).__name__}: "
                                  f"{error})"), None, declared_dialect(sub.dialect, text)


def _dataset_verdict(ch: challenges.Challenge, outcome, dataset: str, path: Path, examples: int) -> Verdict:
    if isinstance(outcome, SimgenError):
        return Verdict.from_error(ch.id, outcome, dataset)
    try:
        if isinstance(outcome, Exception):
            raise outcome
        from simgen.grader.compare import compare

        want = _expected(ch, path)
        cols = ch.columns
        rel = max((c.rel_tol for c in cols), default=0.0)
        abs_ = max((c.abs_tol for c in cols), default=0.0)
        diff = compare(outcome, want, ordered=ch.ordered, rel_tol=rel, abs_tol=abs_, key=ch.key, examples=examples)
    except SimgenError as error:  # the reference cannot run there: nothing to grade against, batch goes on
        return Verdict.from_error(ch.id, error, dataset)
    except Exception as error:  # noqa: BLE001 - a bug in the grader itself: one verdict, never a crash
        return Verdict.from_error(ch.id, InternalError(f"the grader failed while comparing this result "
                                                       f"({type(error).__name__}: {error})"), dataset)
    return Verdict.from_diff(ch.id, diff, dataset)


_EXPECTED: dict[tuple[str, str, Path], object] = {}
_LIMITS: dict[tuple[str, str, Path], TimeLimit | None] = {}


def time_limit(ch: challenges.Challenge, path: Path, timeout_s: float | None) -> TimeLimit | None:
    """The time limit of `ch` on the dataset at `path` (see timelimit.py): --timeout when given,
    else derived from the reference's time there, which computing the expected result measures.
    None when the reference cannot run there (that verdict comes with the comparison)."""
    if timeout_s is not None:
        return timelimit.fixed(timeout_s)
    key = (ch.id, ch.solution, Path(path).resolve())
    if key not in _LIMITS:
        try:
            _expected(ch, path)
        except SimgenError:
            _LIMITS[key] = None
        else:
            from simgen.grader.expected import reference_seconds

            _LIMITS[key] = timelimit.derive(reference_seconds(ch, path), ch.time_multiple, ch.time_floor_s)
    return _LIMITS[key]


def _expected(ch: challenges.Challenge, path: Path):
    """expected() memoized per process: a batch compares against the same few tables many times."""
    key = (ch.id, ch.solution, Path(path).resolve())
    if key not in _EXPECTED:
        from simgen.grader.expected import expected

        _EXPECTED[key] = expected(ch, path)
    return _EXPECTED[key]


def grade_all(submissions: Iterable[Submission], datasets: Mapping[str, Path], sandbox: Sandbox,
              progress: Callable[[int], None] | None = None, preparer: Preparer | None = None,
              timeout_s: float | None = None, examples: int = 3) -> Iterator[Graded]:
    """Grade every submission; yields exactly one result per submission, as each is decided.

    Threads hand submissions to the preparing workers (parse, gate, transpile, in child
    processes under their own limits) while the sandbox workers run the queries already found, so
    preparing and executing overlap. Each distinct canonical query of a challenge runs once per
    dataset; every submission sharing it gets the same verdict. Whatever fails on the way (a
    submission, the grader, the sandbox itself) becomes a verdict, never a lost submission.

    Each query's time limit fits its challenge and dataset (timelimit.py): `timeout_s` (the
    CLI's --timeout) overrides that rule; the sandbox's own timeout_s caps either. `examples`:
    how many example rows (and rows paired by key) a wrong verdict carries; the practice page
    shows more than a terminal.
    """
    own = preparer is None
    preparer = preparer or Preparer()
    prepared: queue.Queue = queue.Queue(maxsize=2048)
    done = object()
    stop = threading.Event()
    source = iter(submissions)
    lock = threading.Lock()

    def produce() -> None:
        try:
            while not stop.is_set():
                with lock:
                    sub = next(source, None)
                if sub is None:
                    return
                hand_over(_prepare(sub, preparer))
        finally:
            hand_over(done)

    def hand_over(item: object) -> None:
        while not stop.is_set():  # once the consumer is gone, nobody reads the queue again
            try:
                prepared.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    groups: dict[tuple[str, str], _Group] = {}
    ready: deque[Graded] = deque()
    producers = [threading.Thread(target=produce, name=f"simgen-prepare-{i}", daemon=True)
                 for i in range(preparer.workers)]

    def jobs() -> Iterator[Job | None]:
        # `None` only when nothing is prepared yet: a submission that needs no query (a duplicate,
        # a refusal) is settled here without handing control back, so a free worker never waits
        # on the sandbox's poll interval while thousands of duplicates drain.
        running = len(producers)
        while running:
            try:
                item = prepared.get(timeout=0.001)
            except queue.Empty:
                yield None
                continue
            if item is done:
                running -= 1
                continue
            sub, ch, prep, dialect = item
            if prep is None:  # ch is the error
                ready.append(Graded(sub, Verdict.from_error(sub.challenge, ch), dialect))
                continue
            key = (ch.id, prep.key)
            group = groups.get(key)
            if group is None:
                group = groups[key] = _Group(ch, prep)
                group.members.append(sub)
                for name in datasets:
                    yield Job.of(prep, name, tag=key, limit=time_limit(ch, datasets[name], timeout_s))
            elif group.verdict is not None:
                ready.append(Graded(sub, group.verdict, prep.dialect, prep.key))
            else:
                group.members.append(sub)

    def settle(job: Job, outcome: object) -> None:
        group = groups[job.tag]
        group.verdicts[job.dataset] = _dataset_verdict(group.challenge, outcome, job.dataset, datasets[job.dataset],
                                                       examples)
        if len(group.verdicts) == len(datasets):
            group.verdict = combine(group.challenge.id, [group.verdicts[n] for n in datasets])
            for sub in group.members:
                ready.append(Graded(sub, group.verdict, group.prepared.dialect, group.prepared.key))
            group.members.clear()

    def flush() -> Iterator[Graded]:
        while ready:
            g = ready.popleft()
            if progress:
                progress(1)
            yield g

    for thread in producers:
        thread.start()
    stream = jobs()
    try:
        try:
            for job, outcome in sandbox.run_many(stream):
                settle(job, outcome)
                yield from flush()  # now, not when the next query ends: a slow one would hold it back
        except SandboxError as error:
            # The sandbox itself is gone (its workers cannot start again): every query still
            # pending or still to come gets this verdict, so the report still has every submission.
            for key, group in list(groups.items()):
                for name in datasets:
                    if group.verdict is None and name not in group.verdicts:
                        settle(Job("", name, tag=key), error)
            for job in stream:
                yield from flush()
                if job is not None and job.tag in groups and job.dataset not in groups[job.tag].verdicts:
                    settle(job, error)
        yield from flush()
    finally:
        stop.set()
        for thread in producers:
            thread.join()
        if own:
            preparer.close()


def collect(folder: Path) -> list[Submission]:
    """SUBMISSIONS/<who>/<challenge_id>.sql, sorted; anything else is ignored.

    A symbolic link that leads out of the folder (the file or its <who> folder) is never read: it
    gets a "cannot grade" verdict. Followed, a link to a reference solution would pass and a link
    to /etc/passwd would put its first line in the report."""
    root = Path(folder).resolve()
    subs = []
    for path in sorted(Path(folder).glob("*/*.sql")):
        sub = Submission(who=path.parent.name, challenge=path.stem, path=path)
        if not path.resolve().is_relative_to(root):
            sub.refused = f"{path} is a link to a file outside {folder}; links out of the submissions folder are not read"
        subs.append(sub)
    return subs


# ---------------------------------------------------------------- one submission (`simgen check`, simgen.check)
DEFAULT_DATASETS = {"main": Path("data/default"), "edge": Path("data/edge")}


class NoDataset(UsageError):
    """No dataset was given and none of the default ones (data/default, data/edge) exists."""


def resolve_datasets(data: Path | str | Sequence[Path | str] | None = None) -> dict[str, Path]:
    """The datasets to grade on, by name: the ones given (a path or several), or by default the
    main and edge datasets of `make run` (data/default and data/edge, where present).

    Each must be a simgen dataset: its manifest is read and checked (simgen.dataset.Dataset),
    so a wrong folder is a DatasetError naming it, before any worker starts. A URL (file://,
    s3://...) is copied to the local cache first (remote.fetch, its files checked against the
    manifest): expected results are computed here, from local files; a cluster's workers are
    sent the URL (remote.source_of).

    >>> resolve_datasets(["data/default", "data/edge"])  # doctest: +SKIP
    {'default': PosixPath('data/default'), 'edge': PosixPath('data/edge')}
    """
    from simgen.grader.remote import fetch, is_url, url_name

    if isinstance(data, (str, Path)):
        data = [data]
    given = [p if is_url(p) else Path(p) for p in data or ()]
    if given:
        names = [url_name(p) if isinstance(p, str) else p.name or str(p) for p in given]
        if len(set(names)) < len(names):
            names = [str(p) for p in given]
        found = {name: fetch(p) if isinstance(p, str) else p for name, p in zip(names, given)}
    else:
        found = {k: v for k, v in DEFAULT_DATASETS.items() if (v / "manifest.json").is_file()}
        if not found:
            raise NoDataset("no dataset found in data/default or data/edge: run `make run`, "
                            "or give one (--data DIR, or data=... in Python)")
    for path in found.values():
        Dataset.open(path)
    return found


@contextmanager
def workers(datasets: Mapping[str, Path], jobs: int = 1, timeout_s: float | None = None,
            memory: str = "auto", scheduler: str | None = None) -> Iterator[tuple[Preparer, Sandbox]]:
    """The preparing workers and the sandbox, started together (in the background): the first
    query waits for them, so their start overlaps reading and preparing the submissions.

    Without `timeout_s` (the CLI's --timeout) each query gets its challenge's limit (grade_all)
    and the sandbox's own limit is only the grader's maximum. With `scheduler` (a Dask
    scheduler's address) the queries run on that cluster (cluster.DaskSandbox), `jobs` sandbox
    workers in each Dask worker; preparing stays here."""
    limit = timeout_s if timeout_s is not None else timelimit.MAX_S
    with Preparer(workers=max(1, jobs // 2)) as preparer:
        if scheduler:
            try:
                from simgen.grader.cluster import DaskSandbox
            except ImportError:
                raise UsageError("grading on a Dask cluster needs Dask: pip install 'simgen[dask]'") from None
            box = DaskSandbox(scheduler, datasets, timeout_s=limit, memory_limit=memory, workers=jobs)
        else:
            box = Sandbox(datasets, timeout_s=limit, memory_limit=memory, workers=jobs, wait=False)
        with box:
            yield preparer, box  # type: ignore[misc]


def check(challenge: str, *, path: Path | None = None, text: str | None = None, dialect: str | None = None,
          data: Path | str | Sequence[Path | str] | None = None, timeout_s: float | None = None,
          memory: str = "auto") -> Graded:
    """Grade one submission (a file or its text) on every dataset; never raises for anything a
    person can get wrong (an unknown challenge or dialect, no dataset, a missing file, a bad
    query): that is a "cannot grade" verdict with a message. The one place `simgen check` and
    `simgen.check` grade through."""
    sub = Submission("you", challenge, path=path, text=text, dialect=dialect)
    try:
        if text is None:  # first: `simgen check DIR` is about the directory, not a challenge named DIR
            _check_file(Path(path))
        challenges.get(challenge)
        datasets = resolve_datasets(data)
        with workers(datasets, 1, timeout_s, memory) as (preparer, box):  # they start while we go on
            if dialect:
                from simgen.grader.dialects import normalize_dialect

                sub.dialect = normalize_dialect(dialect)
            (graded,) = list(grade_all([sub], datasets, box, preparer=preparer, timeout_s=timeout_s))
        return graded
    except SimgenError as error:
        return Graded(sub, Verdict.from_error(challenge, error), declared_dialect(dialect, text))
    except Exception as error:  # noqa: BLE001 - a bug in simgen: still a verdict a person can read
        return Graded(sub, Verdict.from_error(challenge, InternalError(
            f"the grader failed ({type(error).__name__}: {error})")), declared_dialect(dialect, text))


def _check_file(path: Path) -> None:
    if path.is_dir():
        raise SubmissionError(f"{path} is a directory: give one .sql file, e.g. {path}/<challenge_id>.sql "
                              f"(to grade a folder of submissions, use `simgen grade {path}`)")
    if not path.is_file():
        raise SubmissionError(f"no such submission file: {path}")
