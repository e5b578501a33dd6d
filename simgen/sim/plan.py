"""The plan a chunk needs from every other chunk: community starts, and the bridges (friendships
across chunks) proposed anywhere, sorted both ways so a chunk finds the ones touching it by
binary search.

The first pass computes it in the driver; the executor decides how it reaches the chunk tasks
(executor.share): passed as it is within one process, spilled to .npy files that local worker
processes map read-only (one copy on disk, none per task), or scattered once to every worker of
a Dask cluster. Chunk tasks only call `starts` and `relevant_bridges`, whichever form they get.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .sets import distinct_rows

_ARRAYS = ("starts", "bridges_by_lo", "bridges_by_hi")


@dataclass
class Plan:
    starts: np.ndarray
    bridges_by_lo: np.ndarray
    bridges_by_hi: np.ndarray

    @classmethod
    def of(cls, starts: np.ndarray, bridges: np.ndarray) -> Plan:
        bridges = distinct_rows(bridges)
        return cls(starts, bridges, bridges[np.argsort(bridges[:, 1], kind="stable")])

    def relevant_bridges(self, lo: int, hi: int) -> np.ndarray:
        """The bridges with an end among members [lo, hi), each once."""
        by_lo, by_hi = self.bridges_by_lo, self.bridges_by_hi
        a = by_lo[np.searchsorted(by_lo[:, 0], lo): np.searchsorted(by_lo[:, 0], hi)]
        b = by_hi[np.searchsorted(by_hi[:, 1], lo): np.searchsorted(by_hi[:, 1], hi)]
        return distinct_rows(np.concatenate([a, b]))

    def spill(self, folder: Path) -> PlanFiles:
        """Write the arrays as .npy files in `folder`; the result reads them back mapped."""
        from .writer import save_npy

        folder.mkdir(parents=True, exist_ok=True)
        for name in _ARRAYS:
            save_npy(folder / f"{name}.npy", getattr(self, name))
        return PlanFiles(str(folder))


@dataclass(frozen=True)
class PlanFiles:
    """A spilled Plan: pickles as a folder name; each task maps the files read-only."""

    folder: str

    @property
    def starts(self) -> np.ndarray:
        return np.asarray(np.load(Path(self.folder) / "starts.npy", mmap_mode="r"))

    def relevant_bridges(self, lo: int, hi: int) -> np.ndarray:
        load = lambda name: np.load(Path(self.folder) / f"{name}.npy", mmap_mode="r")  # noqa: E731
        return Plan(np.empty(0, np.int64), load("bridges_by_lo"), load("bridges_by_hi")).relevant_bridges(lo, hi)
