"""Delivery: the canonical stream as a producer would really deliver it, and the truth about it.

Every choice is a hash of (seed, event_id), never a draw from a shared generator, so the bytes
do not depend on how the year was sliced, and raising a fraction only adds events to the set.

* A delayed event (fraction `late_fraction`) gets a delivery time `t + d`, d uniform in
  (0, D]; on-time events are delivered at `t`. Records go out in delivery-time order, so a
  record never follows one more than D later in event time than itself (the bound).
* A duplicated event (fraction `duplicate_fraction`) is delivered a second time, with the same
  event_id, somewhere between its first delivery and `t + D` (right after it when D = 0).
* `late` marks what a consumer can see: a record whose event time is below the largest event
  time delivered before it. A watermark of (largest event time seen - D) never passes a record
  still to come.

A slice's records are delivered once their delivery time is below the slice bound (every later
event starts at or after it); the rest wait in a carry of at most D of event time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from ..sim.rng import hash_uniform
from .events import EVENT_TYPES
from .source import NEVER, Slice

LOWEST = np.iinfo(np.int64).min


@dataclass(frozen=True)
class Faults:
    seed: int = 0
    late_fraction: float = 0.0
    max_lateness_us: int = 0
    duplicate_fraction: float = 0.0


class Delivery:
    """Turns canonical slices into delivered records (offset, late, duplicate, _key, _lateness)."""

    def __init__(self, faults: Faults):
        self.f = faults
        self.carry: pa.Table | None = None
        self.max_time = LOWEST
        self.next_offset = 0

    def push(self, s: Slice) -> pa.Table:
        """Records of this slice (and earlier carry) whose delivery time is below the bound."""
        pending = self._with_faults(s.table)
        if self.carry is not None:
            pending = pa.concat_tables([self.carry, pending])
        key, t = _i64(pending["_key"]), _i64(pending["event_time"])
        order = np.lexsort((_i64(pending["duplicate"]), _i64(pending["event_id"]), t, key))
        if (np.diff(order) != 1).any():  # without faults the canonical order is the delivery order
            pending, key = pending.take(pa.array(order)), key[order]
        cut = int(np.searchsorted(key, s.bound, "left"))
        self.carry = pending.slice(cut) if cut < pending.num_rows else None
        return self._flag(pending.slice(0, cut))

    def finish(self) -> pa.Table | None:
        """Whatever is still held back: nothing follows it."""
        if self.carry is None:
            return None
        carry, self.carry = self.carry, None
        return self._flag(carry)

    def _with_faults(self, table: pa.Table) -> pa.Table:
        """The slice with its delivery times (`_key`), plus the redelivered copies."""
        ids, t = _i64(table["event_id"]), _i64(table["event_time"])
        key = t + self._delays(ids)
        table = table.append_column("_key", pa.array(key))
        table = table.append_column("duplicate", pa.array(np.zeros(ids.size, bool)))
        return self._with_redeliveries(table, ids, t, key) if self.f.duplicate_fraction > 0 else table

    def _delays(self, ids: np.ndarray) -> np.ndarray:
        """0 for an on-time event; uniform in (0, D] microseconds for the delayed share."""
        if self.f.late_fraction <= 0:
            return np.zeros(ids.size, np.int64)
        d = self.f.max_lateness_us
        delay = np.minimum(1 + (hash_uniform(self.f.seed, "stream.delay", ids) * d).astype(np.int64), d)
        return np.where(hash_uniform(self.f.seed, "stream.late", ids) < self.f.late_fraction, delay, 0)

    def _with_redeliveries(self, table: pa.Table, ids: np.ndarray, t: np.ndarray, key: np.ndarray) -> pa.Table:
        """Copies of the duplicated share, delivered between the first delivery and t + D."""
        dup = np.flatnonzero(hash_uniform(self.f.seed, "stream.duplicate", ids) < self.f.duplicate_fraction)
        room = t[dup] + self.f.max_lateness_us - key[dup]
        wait = np.minimum((hash_uniform(self.f.seed, "stream.redelivery", ids[dup]) * (room + 1)).astype(np.int64), room)
        copies = table.take(pa.array(dup))
        copies = _replace(copies, "_key", pa.array(key[dup] + wait))
        copies = _replace(copies, "duplicate", pa.array(np.ones(dup.size, bool)))
        return pa.concat_tables([table, copies])

    def _flag(self, out: pa.Table) -> pa.Table:
        t = _i64(out["event_time"])
        before = np.maximum.accumulate(np.concatenate([[self.max_time], t]))
        self.max_time = int(before[-1])
        before = before[:-1]
        late = t < before
        lateness = np.zeros(t.size, np.int64)
        lateness[late] = before[late] - t[late]  # never before - t where `before` is still LOWEST
        n = out.num_rows
        out = out.append_column("late", pa.array(late))
        out = out.append_column("_lateness", pa.array(lateness))
        out = out.append_column("offset", pa.array(np.arange(self.next_offset, self.next_offset + n, dtype=np.int64)))
        self.next_offset += n
        return out


def _replace(table: pa.Table, name: str, values: pa.Array) -> pa.Table:
    return table.set_column(table.schema.get_field_index(name), name, values)


def _i64(col) -> np.ndarray:
    return np.asarray(col.cast(pa.int64()), dtype=np.int64) if len(col) else np.empty(0, np.int64)


@dataclass
class Tally:
    """Counts over delivered records: what the truth file reports."""

    events: int = 0
    late: int = 0
    duplicates: int = 0
    by_type: list[int] = field(default_factory=lambda: [0] * len(EVENT_TYPES))
    max_lateness_us: int = 0
    first_time: int = NEVER
    max_time: int = LOWEST
    first_offset: int | None = None
    last_offset: int | None = None

    def add(self, piece: pa.Table) -> None:
        if not piece.num_rows:
            return
        dup = np.asarray(piece["duplicate"])
        kinds = np.asarray(piece["_kind"])[~dup]
        self.by_type = list(np.add(self.by_type, np.bincount(kinds, minlength=len(EVENT_TYPES))).tolist())
        t = _i64(piece["event_time"])
        offsets = np.asarray(piece["offset"])
        self.events += piece.num_rows
        self.late += int(np.asarray(piece["late"]).sum())
        self.duplicates += int(dup.sum())
        self.max_lateness_us = max(self.max_lateness_us, int(np.asarray(piece["_lateness"]).max()))
        self.first_time = min(self.first_time, int(t.min()))
        self.max_time = max(self.max_time, int(t.max()))
        self.first_offset = int(offsets[0]) if self.first_offset is None else self.first_offset
        self.last_offset = int(offsets[-1])

    def copy(self) -> Tally:
        return Tally(**{**self.__dict__, "by_type": list(self.by_type)})
