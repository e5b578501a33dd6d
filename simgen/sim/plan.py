"""The plan a chunk needs from every other chunk: the community starts around it and the bridges
(friendships across chunks) touching it.

The first pass gathers every chunk's proposals in the driver (`Plan.of`); each write task then
uses only its own slice (`Plan.slice`, about 0.7 MB per 100,000 members), cut by binary search,
never the whole plan. A task for a cluster carries its slice (a task's input stays the same size
at a billion members as at a million); local worker processes share one copy of the plan spilled
to .npy files (`Plan.spill`), map it read-only and cut their slice themselves, so what crosses
the process pool's pipes stays a few hundred bytes per task (a multi-megabyte item there can
leave the pool's shutdown waiting on a half-sent item after a signal).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .graph import community_of
from .sets import distinct_rows


@dataclass(frozen=True)
class ChunkSlice:
    """What one chunk task needs: `starts` holds every community start inside the chunk and the
    start of every community a bridge reaches outside it (so graph.community_of gives the same
    answer as on the whole list, for every id the chunk asks about), `bridges` the bridges
    with an end in the chunk, each once."""

    starts: np.ndarray
    bridges: np.ndarray


@dataclass(frozen=True)
class Plan:
    starts: np.ndarray
    bridges_by_lo: np.ndarray
    bridges_by_hi: np.ndarray

    @classmethod
    def of(cls, starts: np.ndarray, bridges: np.ndarray) -> Plan:
        bridges = distinct_rows(bridges)
        return cls(starts, bridges, bridges[np.argsort(bridges[:, 1], kind="stable")])

    def slice(self, lo: int, hi: int) -> ChunkSlice:
        """The slice of members [lo, hi)."""
        by_lo, by_hi = self.bridges_by_lo, self.bridges_by_hi
        a = by_lo[np.searchsorted(by_lo[:, 0], lo): np.searchsorted(by_lo[:, 0], hi)]
        b = by_hi[np.searchsorted(by_hi[:, 1], lo): np.searchsorted(by_hi[:, 1], hi)]
        bridges = distinct_rows(np.concatenate([a, b]))
        own = self.starts[np.searchsorted(self.starts, lo): np.searchsorted(self.starts, hi)]
        ends = bridges.ravel()
        far = ends[(ends < lo) | (ends >= hi)]
        return ChunkSlice(np.union1d(own, community_of(self.starts, far)).astype(np.int64), bridges)

    def spill(self, folder: Path) -> PlanFiles:
        """The arrays as .npy files in `folder`, for local workers to map."""
        from .writer import save_npy

        folder.mkdir(parents=True, exist_ok=True)
        for name in _ARRAYS:
            save_npy(folder / f"{name}.npy", getattr(self, name))
        return PlanFiles(str(folder))


_ARRAYS = ("starts", "bridges_by_lo", "bridges_by_hi")


@dataclass(frozen=True)
class PlanFiles:
    """A spilled Plan: pickles as a folder name; a task maps the files and cuts its slice."""

    folder: str

    def slice(self, lo: int, hi: int) -> ChunkSlice:
        load = lambda name: np.load(Path(self.folder) / f"{name}.npy", mmap_mode="r")  # noqa: E731
        return Plan(*(load(name) for name in _ARRAYS)).slice(lo, hi)
