"""Randomness that does not depend on how the work is split.

Two kinds, both pure functions of the seed:

* `stream(seed, table, column, chunk)`: a numpy Generator for one column of one chunk.
  Chunk boundaries are fixed by the data (a constant number of members), never by the
  worker count, so the same chunk draws the same numbers on any machine and any --jobs.
* `hash_uniform(seed, key, *ids)`: a counter-based value per id (splitmix64 of the ids).
  Used where two chunks must agree on a value without talking to each other: both ends
  of a friendship that crosses a chunk boundary compute the same event times from the
  pair's ids alone.
"""

from __future__ import annotations

import hashlib

import numpy as np



def _name_key(*parts: str | int) -> list[int]:
    """Stable 32-bit words for a tuple of names (Python's hash() is salted per process)."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=16).digest()
    return [int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4)]


def stream(seed: int, table: str, column: str, chunk: int = 0) -> np.random.Generator:
    """The random stream for one (seed, table, column, chunk).

    >>> a = stream(0, "sessions", "ts", 3).integers(0, 10**9, 3)
    >>> b = stream(0, "sessions", "ts", 3).integers(0, 10**9, 3)
    >>> bool((a == b).all())
    True
    """
    seq = np.random.SeedSequence(entropy=[int(seed) & 0xFFFFFFFF, int(seed) >> 32, *_name_key(table, column, chunk)])
    return np.random.Generator(np.random.PCG64(seq))


def _splitmix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finalizer; a new array. uint64 arithmetic wraps, and in place saves passes."""
    x = x + np.uint64(0x9E3779B97F4A7C15)
    t = x >> np.uint64(30)
    x ^= t
    x *= np.uint64(0xBF58476D1CE4E5B9)
    np.right_shift(x, np.uint64(27), out=t)
    x ^= t
    x *= np.uint64(0x94D049BB133111EB)
    np.right_shift(x, np.uint64(31), out=t)
    x ^= t
    return x


def hash_u64(seed: int, key: str, *ids: np.ndarray | int) -> np.ndarray:
    """A 64-bit hash per element of the broadcast ids, keyed by (seed, key).

    Each id is mixed in at its own shape, so with ids shaped (n, 1), (n, 1), (1, k) only the last
    round runs on n x k elements.
    """
    words = _name_key(seed, key)
    h = np.uint64((words[0] << 32) | words[1])
    with np.errstate(over="ignore"):
        out = _splitmix64(np.asarray([h], dtype=np.uint64))
        for i in ids:
            out = _splitmix64(out ^ np.asarray(i).astype(np.uint64))
    return out.reshape(np.broadcast(*[np.asarray(i) for i in ids]).shape)


def hash_uniform(seed: int, key: str, *ids: np.ndarray | int) -> np.ndarray:
    """Uniform [0, 1) doubles, one per element of the ids: the same ids give the same values anywhere."""
    return (hash_u64(seed, key, *ids) >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))
