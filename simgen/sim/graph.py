"""The friend graph: communities, bridges, and the history of every friendship.

* Communities are runs of consecutive user_ids (people who joined around the same time and
  invited each other), heavy-tailed in size, cut per chunk so none crosses a chunk boundary.
  A community's id is its first user_id.
* Most friendships are proposed inside a community (dense clusters); a few "bridges" join
  members anywhere. Bridges are proposed by the chunk of one end and collected by the plan,
  so both chunks of a crossing friendship see it.
* A friendship's whole history (how many spells, whether it is current, each event's time
  and direction) is a counter-based hash of the pair, so the two chunks of a crossing pair
  write consistent rows without talking to each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..profile import Profile
from .calendar import US_PER_DAY, US_PER_S, WINDOW_END_US
from .plant import Block
from .rng import hash_u64, hash_uniform, stream
from .sets import distinct_pairs

MAX_EVENTS = 6


def community_starts(seed: int, profile: Profile, chunk: int, lo: int, hi: int, block: Block) -> np.ndarray:
    """First user_id of each community among members [lo, hi)."""
    rng = stream(seed, "friends", "community", chunk)
    n = hi - lo
    mean = profile.community_size_mean
    draws = int(n / mean * 1.3) + 16
    sizes = 3 + np.floor(rng.lognormal(np.log(mean - 3) - 0.5 * 0.9**2, 0.9, draws)).astype(np.int64)
    while sizes.sum() < n:  # rare: top up deterministically from the same stream
        sizes = np.concatenate([sizes, 3 + np.floor(rng.lognormal(np.log(mean - 3), 0.9, draws)).astype(np.int64)])
    starts = lo + np.concatenate([[0], np.cumsum(sizes)[:-1]])
    starts = starts[starts < hi]
    if lo <= block.start < hi:
        inside = (starts > block.start) & (starts < block.stop)
        starts = np.union1d(starts[~inside], [block.start, block.stop] if block.stop < hi else [block.start])
    return starts.astype(np.int64)


def community_of(starts: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Community id (first member) of each id, given the sorted starts of all relevant communities."""
    return starts[np.searchsorted(starts, ids, side="right") - 1]


def bridge_stubs(seed: int, profile: Profile, chunk: int, lo: int, hi: int, n_users: int,
                 block: Block) -> np.ndarray:
    """Bridges proposed by members [lo, hi): an (m, 2) array of (low id, high id) pairs."""
    rng = stream(seed, "friends", "bridges", chunk)
    m = rng.poisson(profile.bridges_per_member / 2 * (hi - lo))
    u = rng.integers(lo, hi, m)
    v = rng.integers(1, n_users + 1, m)
    keep = (u != v) & ~block.contains(u) & ~block.contains(v)
    u, v = u[keep], v[keep]
    return np.stack([np.minimum(u, v), np.maximum(u, v)], axis=1).astype(np.int64)


def intra_pairs(seed: int, profile: Profile, chunk: int, ids: np.ndarray, comm: np.ndarray,
                comm_size: np.ndarray, block: Block) -> tuple[np.ndarray, np.ndarray]:
    """Friendships proposed inside communities: heavy-tailed proposals per member."""
    rng = stream(seed, "friends", "intra", chunk)
    sigma = 0.8
    mu = np.log(profile.intra_stubs_mean) - sigma**2 / 2
    k = np.floor(rng.lognormal(mu, sigma, ids.size) + 0.5).astype(np.int64)
    k = np.minimum(k, comm_size - 1)
    k[block.contains(ids)] = 0
    src = np.repeat(np.arange(ids.size), k)
    size = comm_size[src]
    offset = ids[src] - comm[src]
    step = 1 + (rng.random(src.size) * (size - 1)).astype(np.int64)
    dst = comm[src] + (offset + step) % size
    a, b = ids[src], dst
    return distinct_pairs(np.minimum(a, b), np.maximum(a, b))


@dataclass
class PairHistory:
    """The life of each friendship pair (lo < hi)."""

    lo: np.ndarray
    hi: np.ndarray
    n_events: np.ndarray  # 1..MAX_EVENTS; odd = currently friends
    times: np.ndarray  # (pairs, MAX_EVENTS) microseconds, strictly increasing per pair

    @property
    def current(self) -> np.ndarray:
        return self.n_events % 2 == 1


def pair_history(seed: int, profile: Profile, lo: np.ndarray, hi: np.ndarray, start_day: np.ndarray,
                 cycles: np.ndarray | None = None, current: np.ndarray | None = None) -> PairHistory:
    """Events of each pair from hashes of the pair: the same in every chunk.

    `start_day` is the later signup day of the two members: no event happens before both joined.
    `cycles`/`current` override the drawn history (used by the planted block).
    """
    if cycles is None:
        p = np.cumsum(profile.cycle_probs)
        u = hash_uniform(seed, "pair.cycles", lo, hi)
        cycles = 1 + (u > p[0]).astype(np.int64) + (u > p[1]).astype(np.int64)
    if current is None:
        current = hash_uniform(seed, "pair.current", lo, hi) < profile.current_prob
    n_events = 2 * cycles - current.astype(np.int64)
    start = start_day.astype(np.int64) * US_PER_DAY
    span_s = (WINDOW_END_US - start) // US_PER_S - MAX_EVENTS - 1
    j = np.arange(MAX_EVENTS)
    rows, slots = np.nonzero(j[None, :] < n_events[:, None])  # hash only the slots in use (~30%)
    u = np.full((lo.size, MAX_EVENTS), 2.0)  # unused slots sort last
    u[rows, slots] = hash_uniform(seed, "pair.time", lo[rows], hi[rows], slots)
    u.sort(axis=1)
    secs = np.floor(u * span_s[:, None]).astype(np.int64)
    secs = np.maximum.accumulate(secs - j, axis=1) + j  # strictly increasing seconds
    return PairHistory(lo, hi, n_events, start[:, None] + secs * US_PER_S)


def events(seed: int, h: PairHistory, owned: np.ndarray) -> dict[str, np.ndarray]:
    """Flatten the histories of the owned pairs into add and remove rows.

    Each event names the pair in either order, as the member who acted first: a hash bit
    per (pair, event) decides, so (a, b) and (b, a) both occur for one pair.
    """
    lo, hi, n, t = h.lo[owned], h.hi[owned], h.n_events[owned], h.times[owned]
    rows, slots = np.nonzero(np.arange(MAX_EVENTS)[None, :] < n[:, None])  # pair by pair, in time order
    lo, hi = lo[rows], hi[rows]
    flip = (hash_u64(seed, "pair.direction", lo, hi, slots) & np.uint64(1)).astype(bool)
    return {"a": np.where(flip, hi, lo), "b": np.where(flip, lo, hi), "ts": t[rows, slots], "is_add": slots % 2 == 0}
