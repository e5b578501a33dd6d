"""Random streams and counter-based hashes: reproducible, independent, split-invariant."""

import numpy as np
from hypothesis import given, strategies as st

from simgen.sim.rng import hash_uniform, stream


def test_streams_are_reproducible_and_distinct():
    a = stream(0, "sessions", "time", 4).random(5)
    assert np.array_equal(a, stream(0, "sessions", "time", 4).random(5))
    for other in (stream(1, "sessions", "time", 4), stream(0, "sessions", "device", 4), stream(0, "sessions", "time", 5)):
        assert not np.array_equal(a, other.random(5))


@given(st.lists(st.integers(0, 2**40), min_size=1, max_size=50), st.integers(0, 49))
def test_hash_of_an_id_does_not_depend_on_its_neighbours(ids, cut):
    """What chunk boundaries do: hashing a slice gives the same values as hashing the whole."""
    ids = np.array(ids)
    whole = hash_uniform(7, "k", ids)
    cut = min(cut, ids.size)
    assert np.array_equal(np.concatenate([hash_uniform(7, "k", ids[:cut]), hash_uniform(7, "k", ids[cut:])]), whole)


def test_hash_uniform_is_uniform_and_pair_sensitive():
    u = hash_uniform(0, "x", np.arange(200_000))
    assert 0 <= u.min() and u.max() < 1
    assert abs(u.mean() - 0.5) < 0.005
    counts = np.histogram(u, bins=10, range=(0, 1))[0]
    assert counts.min() > 19_000  # each decile within 5% of 20,000
    assert hash_uniform(0, "x", 3, 5) != hash_uniform(0, "x", 5, 3)
