"""Rate control: when each record may leave, and waiting for it.

Each record gets a due time in seconds from the first write:
* `--rate R`: record n is due at n / R (a steady R events per second);
* `--speed S`: a record is due (delivery time - anchor) / S, the anchor being the later of the
  first delivery time and the start of the simulated window, so the history before 2025
  arrives as a backfill and the year then plays S times faster than real time;
* neither: everything is due at once (as fast as the sink takes it).
Pieces leave in groups of records due within the next few milliseconds; while waiting, the
sink is polled so a time-based roll happens even when no record is due.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone

import numpy as np
import pyarrow as pa

from ..spec import WINDOW_START

PIECE_ROWS = 65_536
TICK_S = 0.02  # records due within this much of now leave together
MAX_SLEEP_S = 0.25  # poll the sink at least this often while waiting
WINDOW_START_US = int(datetime(WINDOW_START.year, WINDOW_START.month, WINDOW_START.day,
                               tzinfo=timezone.utc).timestamp() * 1_000_000)


class Pacer:
    def __init__(self, rate: float | None = None, speed: float | None = None,
                 poll: Callable[[], None] = lambda: None):
        self.rate, self.speed, self.poll = rate, speed, poll
        self.start: float | None = None
        self.sent = 0
        self.anchor: int | None = None

    def pace(self, tables: Iterable[pa.Table]) -> Iterator[pa.Table]:
        """Split delivered tables into pieces and yield each when it is due."""
        for table in tables:
            if self.start is None:
                self.start = time.monotonic()
            due = self._due(table)
            pos = 0
            while pos < table.num_rows:
                now = time.monotonic() - self.start
                end = min(int(np.searchsorted(due, now + TICK_S, "right")), pos + PIECE_ROWS)
                if end <= pos:
                    self.poll()
                    time.sleep(min(due[pos] - now, MAX_SLEEP_S))
                    continue
                yield table.slice(pos, end - pos)
                self.sent += end - pos
                pos = end

    def _due(self, table: pa.Table) -> np.ndarray:
        n = table.num_rows
        if self.rate:
            return (self.sent + np.arange(n)) / self.rate
        if self.speed and n:
            key = np.asarray(table["_key"].cast(pa.int64()))
            if self.anchor is None:
                self.anchor = max(int(key[0]), WINDOW_START_US)
            return np.maximum(key - self.anchor, 0) / 1e6 / self.speed
        return np.zeros(n)
