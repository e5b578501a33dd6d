"""compare(): column rules, type normalisation, tolerance, multiset vs order, and the messages."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pyarrow as pa
import pytest

from simgen.grader.compare import compare

EXPECTED = pa.table({"user_id": pa.array([1, 2, 3], pa.int64()), "channel": ["organic", "email", "social"],
                     "rate": [0.25, 0.5, 0.125]})


def test_same_rows_in_another_order_pass_unordered_but_not_ordered():
    shuffled = EXPECTED.take([2, 0, 1])
    assert compare(shuffled, EXPECTED, ordered=False).passed
    diff = compare(shuffled, EXPECTED, ordered=True)
    assert (diff.passed, diff.kind) == (False, "wrong_order")
    assert diff.first_difference["row"] == 1
    assert "row 1 is (3, 'social', 0.125), expected (1, 'organic', 0.25)" in diff.message


def test_names_are_case_insensitive_and_positional():
    renamed = EXPECTED.rename_columns(["USER_ID", "Channel", "RATE"])
    assert compare(renamed, EXPECTED).passed
    swapped = EXPECTED.select(["channel", "user_id", "rate"])
    diff = compare(swapped, EXPECTED)
    assert diff.kind == "wrong_columns" and "column 1 is named 'channel'; expected 'user_id'" in diff.message


def test_wrong_number_of_columns():
    diff = compare(EXPECTED.select(["user_id", "channel"]), EXPECTED)
    assert diff.kind == "wrong_columns"
    assert diff.message.startswith("expected 3 columns (user_id, channel, rate), got 2")


def test_missing_and_extra_rows_with_examples():
    missing = compare(EXPECTED.slice(0, 1), EXPECTED)
    assert (missing.kind, missing.missing, missing.extra) == ("missing_rows", 2, 0)
    assert missing.message.startswith("missing 2 rows (expected 3 rows, got 1), e.g. (2, 'email', 0.5)")
    extra = compare(pa.concat_tables([EXPECTED, EXPECTED.slice(0, 1)]), EXPECTED)
    assert (extra.kind, extra.extra) == ("extra_rows", 1)
    assert extra.extra_examples == [(1, "organic", 0.25)]


def test_duplicates_matter_in_a_multiset():
    doubled = pa.concat_tables([EXPECTED.slice(0, 1)] * 2 + [EXPECTED.slice(1, 1)])
    diff = compare(doubled, EXPECTED)
    assert (diff.kind, diff.missing, diff.extra) == ("wrong_values", 1, 1)


def test_exact_columns_pair_as_a_multiset_nulls_included():
    # No column needs a tolerance, so rows are counted per distinct value on each side.
    expected = pa.table({"id": [1, 1, 2, None, 3], "s": ["a", "a", "b", None, "c"]})
    actual = pa.table({"id": [None, 2, 1, 2, 3], "s": [None, "b", "a", "b", "c"]})
    diff = compare(actual, expected)
    assert (diff.kind, diff.missing, diff.extra) == ("wrong_values", 1, 1)
    assert diff.missing_examples == [(1, "a")] and diff.extra_examples == [(2, "b")]
    short = compare(pa.table({"id": [7]}), pa.table({"id": [7, 7, 7, 8]}))
    assert (short.kind, short.missing, short.extra) == ("missing_rows", 3, 0)
    assert short.missing_examples == [(7,), (8,)]  # one example per missing row value, by position


def test_numbers_use_relative_tolerance_never_rounding():
    near = EXPECTED.set_column(2, "rate", pa.array([0.25 * (1 + 1e-9), 0.5, 0.125]))
    assert compare(near, EXPECTED, rel_tol=1e-6).passed
    # 0.12549 and 0.12551 round to different 4-decimal values but are within tolerance of each other.
    expected = pa.table({"x": [0.12549]})
    assert compare(pa.table({"x": [0.12551]}), expected, rel_tol=1e-3).passed
    far = EXPECTED.set_column(2, "rate", pa.array([0.26, 0.5, 0.125]))
    diff = compare(far, EXPECTED, rel_tol=1e-6)
    assert diff.kind == "wrong_values" and "(1, 'organic', 0.26)" in diff.message


def test_integers_are_exact_and_widths_do_not_matter():
    narrow = EXPECTED.set_column(0, "user_id", pa.array([1, 2, 3], pa.int16()))
    assert compare(narrow, EXPECTED).passed
    off = EXPECTED.set_column(0, "user_id", pa.array([1, 2, 4], pa.int32()))
    assert not compare(off, EXPECTED).passed


@pytest.mark.parametrize(("actual", "expected"), [
    (pa.array([datetime(2025, 1, 5)]), pa.array([date(2025, 1, 5)])),
    (pa.array([date(2025, 1, 5)]), pa.array([datetime(2025, 1, 5)])),
    (pa.array([Decimal("12.50")]), pa.array([12.5])),
    (pa.array([12.5]), pa.array([Decimal("12.50")], pa.decimal128(6, 2))),
    (pa.array([12]), pa.array([12.0])),
    (pa.array([1, 0], pa.int8()), pa.array([True, False])),  # T-SQL BIT
    (pa.array([None], pa.null()), pa.array([None], pa.int32())),  # SELECT NULL
    (pa.array(["a"], pa.large_string()), pa.array(["a"])),
    (pa.array([datetime(2025, 1, 5, 9)], pa.timestamp("us", tz="UTC")), pa.array([datetime(2025, 1, 5, 9)])),
])
def test_types_are_normalised_to_the_expected_type(actual, expected):
    assert compare(pa.table({"v": actual}), pa.table({"v": expected})).passed


def test_a_non_midnight_timestamp_is_not_a_date():
    diff = compare(pa.table({"d": [datetime(2025, 1, 5, 1)]}), pa.table({"d": [date(2025, 1, 5)]}))
    assert diff.kind == "wrong_values"


def test_wrong_types_name_the_column():
    diff = compare(pa.table({"user_id": ["1"]}), pa.table({"user_id": [1]}))
    assert diff.kind == "wrong_types"
    assert diff.message == "column 1 ('user_id') holds text (string); expected an integer (int64)"


def test_nulls_and_nans_compare_equal_to_themselves():
    table = pa.table({"x": pa.array([None, float("nan"), 1.0]), "s": [None, "a", "b"]})
    assert compare(table, table).passed
    assert not compare(pa.table({"x": [None, 2.0, 1.0], "s": [None, "a", "b"]}), table).passed
    one_null = compare(pa.table({"x": [None]}, schema=pa.schema([("x", pa.float64())])), pa.table({"x": [1.5]}))
    assert (one_null.kind, one_null.missing, one_null.extra) == ("wrong_values", 1, 1)


def test_empty_results():
    empty = EXPECTED.slice(0, 0)
    assert compare(empty, empty).passed
    assert compare(empty, EXPECTED).kind == "missing_rows"


def test_large_results_are_compared_inside_duckdb():
    n = 1_000_000
    expected = pa.table({"id": pa.array(range(n)), "v": pa.array([i / 7 for i in range(n)])})
    actual = pa.table({"id": pa.array(range(n - 1, -1, -1)), "v": pa.array([(n - 1 - i) / 7 * (1 + 1e-12) for i in range(n)])})
    assert compare(actual, expected, ordered=False).passed
    broken = actual.set_column(1, "v", pa.concat_arrays([pa.array([-1.0]), actual.column(1).combine_chunks()[1:]]))
    diff = compare(broken, expected, ordered=False)
    assert (diff.kind, diff.missing, diff.extra) == ("wrong_values", 1, 1)
    assert diff.missing_examples == [(n - 1, pytest.approx((n - 1) / 7))]


def test_diff_to_dict_is_json_ready():
    details = compare(EXPECTED.slice(0, 1), EXPECTED).to_dict()
    assert details["missing"] == 2 and details["missing_examples"][0] == [2, "email", 0.5]


# --- rows paired by key ---------------------------------------------------------------------------

def _rows(**columns) -> pa.Table:
    return pa.table({name: pa.array(values) for name, values in columns.items()})


def test_a_changed_value_is_paired_by_key_with_the_column_that_differs():
    actual = EXPECTED.set_column(1, "channel", pa.array(["organic", "paid_search", "social"]))
    diff = compare(actual, EXPECTED, key=["user_id"])
    assert (diff.kind, diff.missing, diff.extra, diff.changed, diff.key) == ("wrong_values", 1, 1, 1, ["user_id"])
    assert diff.pairs == [{"key": [2], "expected": (2, "email", 0.5), "actual": (2, "paid_search", 0.5),
                           "differs": [1]}]
    assert "1 row differs (key user_id; expected 3 rows, got 3)" in diff.message
    assert "user_id 2: channel expected 'email', got 'paid_search'" in diff.message
    assert "unexpected" not in diff.message  # every wrong row is explained by its pair


def test_rows_only_on_one_side_come_after_the_pairs():
    actual = pa.concat_tables([EXPECTED.slice(0, 1), _rows(user_id=pa.array([2, 9], pa.int64()), channel=["x", "y"],
                                                           rate=[0.5, 0.5])])
    diff = compare(actual, EXPECTED, key=["user_id"])
    assert (diff.missing, diff.extra, diff.changed) == (2, 2, 1)
    assert diff.missing_examples[0] == (3, "social", 0.125)  # its key 3 is nowhere in the submission
    assert diff.extra_examples[0] == (9, "y", 0.5)
    assert "missing 1 row, e.g. (3, 'social', 0.125)" in diff.message
    assert "1 unexpected row, e.g. (9, 'y', 0.5)" in diff.message


def test_a_key_present_twice_pairs_the_first_with_the_first():
    expected = _rows(id=[1, 2], s=["a", "b"])
    actual = _rows(id=[2, 1, 1], s=["b", "x", "y"])
    diff = compare(actual, expected, key=["id"])
    assert (diff.missing, diff.extra, diff.changed) == (1, 2, 1)
    assert [(p["expected"], p["actual"]) for p in diff.pairs] == [((1, "a"), (1, "x"))]
    assert diff.extra_examples[0] == (1, "y")  # the second row of key 1 has no partner


def test_a_null_key_pairs_with_a_null_key():
    expected = _rows(id=[None, 1], s=["a", "b"])
    actual = _rows(id=[1, None], s=["b", "z"])
    diff = compare(actual, expected, key=["id"])
    assert diff.changed == 1 and diff.pairs[0]["key"] == [None]
    assert "id NULL: s expected 'a', got 'z'" in diff.message


def test_a_number_within_tolerance_is_not_among_the_differing_columns():
    actual = EXPECTED.set_column(1, "channel", pa.array(["organic", "email", "video"])) \
                     .set_column(2, "rate", pa.array([0.25, 0.5, 0.125 * (1 + 1e-9)]))
    diff = compare(actual, EXPECTED, rel_tol=1e-6, key=["user_id"])
    assert diff.changed == 1 and diff.pairs[0]["differs"] == [1]
    far = actual.set_column(2, "rate", pa.array([0.25, 0.5, 0.2]))
    assert compare(far, EXPECTED, rel_tol=1e-6, key=["user_id"]).pairs[0]["differs"] == [1, 2]


def test_an_ordered_result_still_names_its_first_difference():
    actual = EXPECTED.set_column(2, "rate", pa.array([0.25, 0.75, 0.125]))
    diff = compare(actual, EXPECTED, ordered=True, key=["user_id"])
    assert diff.first_difference["row"] == 2 and diff.changed == 1
    assert diff.pairs[0]["differs"] == [2]


def test_without_a_key_nothing_is_paired():
    actual = EXPECTED.set_column(1, "channel", pa.array(["organic", "paid_search", "social"]))
    keyed, plain = compare(actual, EXPECTED, key=["user_id"]), compare(actual, EXPECTED)
    assert (plain.changed, plain.pairs, plain.key) == (0, [], [])
    assert (plain.kind, plain.missing, plain.extra) == (keyed.kind, keyed.missing, keyed.extra)
    assert plain.message.startswith("1 expected row not found and 1 row not expected")


def test_examples_can_ask_for_more_rows_than_a_message_shows():
    expected = _rows(id=list(range(10)), s=["a"] * 10)
    actual = _rows(id=list(range(10)), s=["b"] * 10)
    diff = compare(actual, expected, key=["id"], examples=20)
    assert diff.changed == 10 and len(diff.pairs) == 10
    assert [p["key"] for p in diff.pairs] == [[i] for i in range(10)]
    assert diff.message.count("expected 'a', got 'b'") == 3
    details = diff.to_dict()
    assert details["pairs"][0] == {"key": [0], "expected": [0, "a"], "actual": [0, "b"], "differs": [1]}
    assert (details["key"], details["changed"]) == (["id"], 10)


def test_an_unknown_key_column_is_refused():
    with pytest.raises(ValueError, match="nope"):
        compare(EXPECTED, EXPECTED, key=["nope"])
