"""The registry binds every table of spec.py to exactly one builder."""

import pytest

from simgen.sim.registry import BUILDERS, GLOBAL_TABLES, OWNER, Builder, bind
from simgen.spec import TABLES


def test_every_table_has_one_builder():
    assert sorted(OWNER) == sorted(t.name for t in TABLES)
    assert GLOBAL_TABLES == ("pages", "salaries", "email_daily")


def test_social_tables_are_written_before_sessions():
    order = [b.name for b in BUILDERS if b.per_chunk]
    assert order.index("social") < order.index("activity") < order.index("ab_tests")


def _fake(name, *tables):
    return Builder(name, tables, True, lambda ctx: {})


def test_unbound_table_is_named():
    with pytest.raises(ValueError, match="'b' produced by no builder"):
        bind([_fake("x", "a")], ["a", "b"])


def test_doubly_bound_table_is_named():
    with pytest.raises(ValueError, match="table 'a' is produced by two builders: 'x' and 'y'"):
        bind([_fake("x", "a"), _fake("y", "a", "b")], ["a", "b"])


def test_unknown_table_is_named():
    with pytest.raises(ValueError, match="'c', which is not a table"):
        bind([_fake("x", "a", "c")], ["a"])
