"""The stream loop: canonical slices -> delivery -> pacing -> sink, and the truth it writes.

    run(Path("data/default"), StreamOptions(format="jsonl", late_fraction=0.05, max_lateness_s=60))

Only the CLI turns outcomes and exceptions into exit codes; this module raises SimgenError
for what a person must fix, KeyboardInterrupt (or Terminated) when stopped, and returns an
Outcome otherwise (a reader that went away is an ordinary end, not an error).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa

from ..dataset import Dataset
from .delivery import Delivery, Faults, Tally
from .encode import ENCODERS
from .events import EVENT_TYPES
from .pace import Pacer
from .sinks import SUMMARY, PipeClosed, RollingFiles, Stdout
from .source import NEVER, SLICE_ROWS, ensure_runs, slices

ROLL_EVENTS = 100_000
MAX_LATENESS_S = 7 * 86_400  # the carry of held-back events grows with the bound
FORMATS = tuple(ENCODERS)


class Terminated(KeyboardInterrupt):
    """SIGTERM: stop as cleanly as on Ctrl-C."""


@dataclass(frozen=True)
class StreamOptions:
    format: str = "jsonl"
    out: Path | None = None  # None: standard output
    rate: float | None = None  # events per second
    speed: float | None = None  # simulated seconds per wall second
    max_events: int | None = None
    until: datetime | None = None  # UTC, exclusive
    late_fraction: float = 0.0
    max_lateness_s: float = 0.0
    duplicate_fraction: float = 0.0
    roll_events: int = ROLL_EVENTS
    roll_seconds: float | None = None
    truth: Path | None = None  # also write the summary here
    slice_rows: int = SLICE_ROWS  # memory per slice; never changes the bytes


@dataclass
class Outcome:
    status: str  # "complete" or "pipe_closed"
    summary: dict


def parse_duration(text: str) -> float:
    """Seconds from '90', '1.5s', '250ms', '5m', '2h', '1d'.

    >>> parse_duration("2h")
    7200.0
    """
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*", str(text))
    if not m:
        raise ValueError(f"{text!r} is not a duration; use e.g. 30s, 250ms, 5m, 2h or 1d")
    return float(m.group(1)) * {"ms": 1e-3, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2) or "s"]


def micros(when: datetime) -> int:
    """Microseconds since the epoch of a UTC time (naive means UTC, as in the data contract)."""
    return int(when.replace(tzinfo=when.tzinfo or timezone.utc).timestamp() * 1_000_000)


def iso_micros(us: int) -> str:
    when = datetime.fromtimestamp(us / 1_000_000, timezone.utc)
    return when.isoformat(timespec="seconds" if us % 1_000_000 == 0 else "microseconds").replace("+00:00", "Z")


def run(data: Path, opts: StreamOptions, log: Callable[[str], None] = lambda _: None,
        stdout: BinaryIO | None = None) -> Outcome:
    """Stream the dataset in `data` as the options say; see the module docstring."""
    ds = Dataset.open(data, require=("seed", "users", "simgen_version", "tables"))
    encoder = ENCODERS[opts.format]()
    files = RollingFiles(opts.out, encoder, opts.roll_events, opts.roll_seconds) if opts.out else None
    runs = ensure_runs(ds, log)
    faults = Faults(ds.seed, opts.late_fraction, round(opts.max_lateness_s * 1e6), opts.duplicate_fraction)
    until = micros(opts.until) if opts.until else NEVER
    sink = files
    status = "complete"
    try:
        with _terminate_as_interrupt():
            sink = sink or Stdout(encoder, stdout)
            pacer = Pacer(opts.rate, opts.speed, sink.poll)
            for piece in _limit(pacer.pace(_delivered(runs, Delivery(faults), until, opts.slice_rows)), opts.max_events):
                sink.write(piece)
            sink.close()
    except PipeClosed:
        status = "pipe_closed"
    except KeyboardInterrupt:
        if sink is not None:
            sink.abort()
            _write_summaries(opts, _summary(ds, opts, sink.published, sink, False))
        raise
    summary = _summary(ds, opts, sink.published if sink else Tally(), sink, status == "complete")
    _write_summaries(opts, summary)
    return Outcome(status, summary)


def _delivered(runs: Path, delivery: Delivery, until: int, slice_rows: int) -> Iterator[pa.Table]:
    for s in slices(runs, until, slice_rows):
        out = delivery.push(s)
        if out.num_rows:
            yield out
    rest = delivery.finish()
    if rest is not None:
        yield rest


def _limit(pieces: Iterable[pa.Table], max_events: int | None) -> Iterator[pa.Table]:
    """Stop after `max_events` records, without pulling one more piece than needed."""
    if max_events is None:
        yield from pieces
        return
    left = max_events
    if left <= 0:
        return
    for p in pieces:
        yield p.slice(0, left)
        left -= min(left, p.num_rows)
        if not left:
            return


def _summary(ds: Dataset, opts: StreamOptions, tally: Tally, sink, complete: bool) -> dict:
    """The truth about the records delivered (for a stopped run: the records now visible)."""
    seen = tally.events > 0
    options = {k: (str(v) if isinstance(v, (Path, datetime)) else v) for k, v in asdict(opts).items()
               if k not in ("out", "truth", "slice_rows")}
    lateness_us = round(opts.max_lateness_s * 1e6)
    return {
        "complete": complete,
        "dataset": {"path": str(ds.root), "seed": ds.seed, "users": ds.users,
                    "profile": ds.profile, "simgen_version": ds.simgen_version},
        "options": options,
        "events": tally.events,
        "unique_events": tally.events - tally.duplicates,
        "late_events": tally.late,
        "duplicate_events": tally.duplicates,
        "events_by_type": dict(zip(EVENT_TYPES, tally.by_type)),
        "first_offset": tally.first_offset,
        "last_offset": tally.last_offset,
        "first_event_time": iso_micros(tally.first_time) if seen else None,
        "max_event_time": iso_micros(tally.max_time) if seen else None,
        "max_observed_lateness_s": tally.max_lateness_us / 1e6,
        "watermark_safe_time": iso_micros(tally.max_time - lateness_us) if seen else None,
        "files": list(getattr(sink, "files", [])) if opts.out else None,
    }


def _write_summaries(opts: StreamOptions, summary: dict) -> None:
    targets = ([opts.out / SUMMARY] if opts.out else []) + ([opts.truth] if opts.truth else [])
    for path in targets:
        tmp = path.parent / f".{path.name}.tmp"
        tmp.write_text(json.dumps(summary, indent=2) + "\n")
        os.replace(tmp, path)


def _raise_terminated(signum, frame) -> None:
    raise Terminated


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM raises Terminated (a KeyboardInterrupt), so a killed stream cleans up too."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
