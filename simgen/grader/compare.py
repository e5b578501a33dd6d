"""Compare a submission's result with the expected one, inside DuckDB, into a `Diff` a person can act on.

    diff = compare(actual, expected, ordered=False, rel_tol=1e-6, abs_tol=1e-9)
    diff.passed, diff.kind, diff.message   # True/False, "missing_rows", "missing 3 rows, e.g. (1, 'organic')"

Columns are matched by position (names compared case-insensitively). Each actual column is
normalised to its expected column's kind: integers of any width; DATE vs midnight TIMESTAMP;
DECIMAL vs DOUBLE; T-SQL BIT / 0-1 integers as booleans. Numbers that are not both integers are
compared with a tolerance |a - e| <= max(abs_tol, rel_tol * max(|a|, |e|)), never by rounding both
sides (rounding flips at a boundary). Rows are a multiset unless `ordered`.

All row work happens in DuckDB: a fingerprint (sum of row hashes) settles the common case, equal
results; otherwise rows are paired by a hash join on the exact columns (within a group, the n-th
smallest numbers pair with the n-th smallest), so at ten million rows nothing is looped in Python.

With a `key` (the columns that identify an expected row), a wrong result's missing rows are paired
with its unexpected rows of the same key (the n-th of a key with the n-th, by position), so a
person sees what they returned for a row next to what was expected, and which columns differ.
"""

from __future__ import annotations

import atexit
import shutil
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pyarrow as pa

from simgen.grader.rowfmt import format_row, format_value, pluralize
from simgen.locks import private_temp_dir

EXAMPLES = 3


@dataclass
class Diff:
    """The outcome of a comparison. `kind` is one of ok, wrong_columns, wrong_types, missing_rows,
    extra_rows, wrong_values, wrong_order; examples are rows as tuples, in the expected columns.

    With a key, `changed` of the `missing` (and `extra`) rows are paired by key; `pairs` shows some,
    each {"key": [...], "expected": (...), "actual": (...), "differs": [column indices]}, and the
    missing and extra examples are only rows whose key the other side lacks (a paired row is
    shown once, as a pair)."""

    passed: bool
    kind: str
    message: str
    expected_rows: int = 0
    actual_rows: int = 0
    missing: int = 0
    extra: int = 0
    missing_examples: list[tuple] = field(default_factory=list)
    extra_examples: list[tuple] = field(default_factory=list)
    first_difference: dict | None = None  # ordered: {"row": n, "expected": (...), "actual": (...)}
    columns: list[str] = field(default_factory=list)
    key: list[str] = field(default_factory=list)
    changed: int = 0
    pairs: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-ready details for a verdict."""
        return {
            "kind": self.kind, "expected_rows": self.expected_rows, "actual_rows": self.actual_rows,
            "missing": self.missing, "extra": self.extra, "columns": self.columns,
            "missing_examples": [list(map(_jsonable, r)) for r in self.missing_examples],
            "extra_examples": [list(map(_jsonable, r)) for r in self.extra_examples],
            "first_difference": None if self.first_difference is None else {
                "row": self.first_difference["row"],
                "expected": [_jsonable(v) for v in self.first_difference["expected"] or ()],
                "actual": [_jsonable(v) for v in self.first_difference["actual"] or ()],
            },
            "key": self.key, "changed": self.changed,
            "pairs": [{"key": [_jsonable(v) for v in p["key"]], "expected": [_jsonable(v) for v in p["expected"]],
                       "actual": [_jsonable(v) for v in p["actual"]], "differs": list(p["differs"])}
                      for p in self.pairs],
        }


def _jsonable(value: object) -> object:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


# --- column kinds ---------------------------------------------------------------------------------

def _kind(data_type: pa.DataType) -> str:
    if pa.types.is_null(data_type):
        return "null"
    if pa.types.is_boolean(data_type):
        return "bool"
    if pa.types.is_integer(data_type):
        return "int"
    if pa.types.is_floating(data_type) or pa.types.is_decimal(data_type):
        return "float"
    if pa.types.is_date(data_type):
        return "date"
    if pa.types.is_timestamp(data_type):
        return "timestamp"
    if pa.types.is_string(data_type) or pa.types.is_large_string(data_type) or pa.types.is_string_view(data_type):
        return "text"
    return "other"


_WORDS = {"int": "an integer", "float": "a number", "bool": "a boolean", "date": "a date",
          "timestamp": "a timestamp", "text": "text", "other": "a value"}


def _column_plan(index: int, name: str, expected: pa.DataType, actual: pa.DataType) -> tuple[str, str, str] | str:
    """(expected SQL, actual SQL, compare mode) for one column, or a wrong_types message.

    mode: "exact" (hashable, compared with IS NOT DISTINCT FROM) or "tol" (numbers with tolerance).
    """
    e, a = _kind(expected), _kind(actual)
    ec, ac = f'e."c{index}"', f'a."c{index}"'
    if a == "null":
        return ec, f"CAST({ac} AS {_sql_type(expected)})", "tol" if e == "float" else "exact"
    if e == "null":
        return ec, ac, "exact"
    if e == "int" and a == "int":
        return f"CAST({ec} AS HUGEINT)", f"CAST({ac} AS HUGEINT)", "exact"
    if e in ("int", "float") and a in ("int", "float"):
        return f"CAST({ec} AS DOUBLE)", f"CAST({ac} AS DOUBLE)", "tol"
    if e == "bool" and a == "bool":
        return ec, ac, "exact"
    if e == "bool" and a == "int":  # T-SQL BIT, MySQL TINYINT(1), or a 0/1 CASE
        return ec, f"({ac} <> 0)", "exact"
    if e in ("date", "timestamp") and a in ("date", "timestamp"):
        if e == a == "date":
            return ec, ac, "exact"
        return f"CAST({ec} AS TIMESTAMP)", f"CAST({ac} AS TIMESTAMP)", "exact"
    if e == a == "text":
        return ec, ac, "exact"
    if e == "other" or a == "other":
        return f"CAST({ec} AS VARCHAR)", f"CAST({ac} AS VARCHAR)", "exact"
    return (f"column {index + 1} ({name!r}) holds {_WORDS[a]} ({actual}); expected {_WORDS[e]} ({expected})")


def _sql_type(data_type: pa.DataType) -> str:
    kind = _kind(data_type)
    return {"int": "BIGINT", "float": "DOUBLE", "bool": "BOOLEAN", "date": "DATE", "timestamp": "TIMESTAMP",
            "text": "VARCHAR"}.get(kind, "VARCHAR")


def _prepare_arrow(table: pa.Table) -> pa.Table:
    """Positional column names plus a 1-based `pos` (scans need not keep row order), time zones
    dropped to UTC wall time, string views made plain strings."""
    arrays = []
    for column in table.columns:
        data_type = column.type
        if pa.types.is_timestamp(data_type) and data_type.tz is not None:
            column = column.cast(pa.timestamp(data_type.unit))
        elif pa.types.is_string_view(data_type) or pa.types.is_large_string(data_type):
            column = column.cast(pa.string())
        arrays.append(column)
    position = pa.array(np.arange(1, table.num_rows + 1, dtype=np.int64))
    return pa.table([position, *arrays], names=["pos", *[f"c{i}" for i in range(len(arrays))]])


# --- the comparison -------------------------------------------------------------------------------

_local = threading.local()


def _connection() -> duckdb.DuckDBPyConnection:
    """A private in-memory DuckDB for comparisons: it sees only the two tables we register."""
    conn = getattr(_local, "conn", None)
    if conn is None:
        # DuckDB's default temp_directory is '.tmp' in the current directory: spill somewhere private.
        spill, _ = private_temp_dir("simgen-compare-")  # locked for life: swept by a later run if we are killed
        atexit.register(shutil.rmtree, spill, True)
        conn = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False,
                                      "temp_directory": spill})
        conn.execute("SET enable_external_access = false")
        _local.conn = conn
    return conn


def compare(actual: pa.Table, expected: pa.Table, ordered: bool = False, rel_tol: float = 1e-6,
            abs_tol: float = 1e-9, key: Sequence[str] = (), examples: int = EXAMPLES) -> Diff:
    """Compare two results; see the module docstring for the rules. `key` names expected columns
    (case-insensitively); `examples` caps the example rows and pairs (messages show at most 3).

    >>> import pyarrow as pa
    >>> compare(pa.table({"X": [1, 2]}), pa.table({"x": [2, 1]}), ordered=False).kind
    'ok'
    """
    names = list(expected.column_names)
    key_idx = _key_indices(names, key)
    base = dict(expected_rows=expected.num_rows, actual_rows=actual.num_rows, columns=names,
                key=[names[i] for i in key_idx])
    if actual.num_columns != expected.num_columns:
        return Diff(False, "wrong_columns",
                    f"expected {pluralize(len(names), 'column')} ({', '.join(names)}), "
                    f"got {actual.num_columns} ({', '.join(actual.column_names)})", **base)
    for i, (want, got) in enumerate(zip(names, actual.column_names)):
        if want.lower() != got.lower():
            return Diff(False, "wrong_columns",
                        f"column {i + 1} is named {got!r}; expected {want!r} (columns: {', '.join(names)})", **base)
    plans = []
    for i, name in enumerate(names):
        plan = _column_plan(i, name, expected.schema.field(i).type, actual.schema.field(i).type)
        if isinstance(plan, str):
            return Diff(False, "wrong_types", plan, **base)
        plans.append(plan)
    if _identical(actual, expected, ordered):
        return Diff(True, "ok", f"ok: {pluralize(base['expected_rows'], 'row')} as expected", **base)
    conn = _connection().cursor()  # own registrations; DuckDB 2.0 refuses new work beside an unfinished result
    conn.register("e_raw", _prepare_arrow(expected))
    conn.register("a_raw", _prepare_arrow(actual))
    try:
        return _compare_rows(conn, plans, ordered, (rel_tol, abs_tol), base, key_idx, max(0, int(examples)))
    finally:
        conn.close()


def _key_indices(names: list[str], key: Sequence[str]) -> list[int]:
    """Positions of the key columns; a name that is not an expected column is a caller's bug."""
    lower = [n.lower() for n in names]
    missing = [k for k in key if k.lower() not in lower]
    if missing:
        raise ValueError(f"key columns {missing} are not among the expected columns {names}")
    return [lower.index(k.lower()) for k in key]


def _identical(actual: pa.Table, expected: pa.Table, ordered: bool) -> bool:
    """Fast path for the common case, an exact match of same-typed columns: Arrow's C++ sort and
    equality, no DuckDB round trip. Anything else (types differ, tolerance needed) goes to DuckDB."""
    if actual.num_rows != expected.num_rows or actual.num_rows > 200_000:
        return False
    if [f.type for f in actual.schema] != [f.type for f in expected.schema]:
        return False
    if any(_kind(f.type) == "other" for f in expected.schema):
        return False
    names = [f"c{i}" for i in range(expected.num_columns)]
    left, right = actual.rename_columns(names), expected.rename_columns(names)
    if not ordered and left.num_rows > 1:
        keys = [(name, "ascending") for name in names]
        left, right = left.sort_by(keys), right.sort_by(keys)
    return left.equals(right)


def _close(i: int, rel_tol: float, abs_tol: float) -> str:
    """Column i of e and a equal within tolerance, as SQL (never NULL)."""
    x, y = f'e."k{i}"', f'a."k{i}"'
    # DuckDB orders NaN above everything and NaN = NaN, so NaN is handled before the arithmetic.
    return (f"coalesce(({x} IS NULL AND {y} IS NULL) OR (isnan({x}) AND isnan({y})) OR ({x} = {y} AND NOT isnan({x})) OR "
            f"(NOT isnan({x}) AND NOT isnan({y}) AND "
            f"abs({x} - {y}) <= greatest({abs_tol!r}, {rel_tol!r} * greatest(abs({x}), abs({y})))), FALSE)")


def _compare_rows(conn: duckdb.DuckDBPyConnection, plans: list[tuple[str, str, str]], ordered: bool,
                  tolerance: tuple[float, float], base: dict, key_idx: list[int], examples: int) -> Diff:
    n = len(plans)
    e_cols = ", ".join(f'{p[0]} AS "k{i}"' for i, p in enumerate(plans))
    a_cols = ", ".join(f'{p[1]} AS "k{i}"' for i, p in enumerate(plans))
    exact = [i for i, p in enumerate(plans) if p[2] == "exact"]
    loose = [i for i, p in enumerate(plans) if p[2] == "tol"]
    norm = (f"WITH e AS (SELECT e.pos, {e_cols} FROM e_raw AS e), "
            f"a AS (SELECT a.pos, {a_cols} FROM a_raw AS a)")
    cols = ", ".join(f'"k{i}"' for i in range(n))
    row_hash = f"hash(pos, {cols})" if ordered else f"hash({cols})"
    fingerprint = conn.execute(
        f"{norm} SELECT (SELECT sum({row_hash}::HUGEINT) FROM e), (SELECT sum({row_hash}::HUGEINT) FROM a)"
    ).fetchall()[0]
    if base["expected_rows"] == base["actual_rows"] and fingerprint[0] == fingerprint[1]:
        return Diff(True, "ok", f"ok: {pluralize(base['expected_rows'], 'row')} as expected", **base)

    # One condition per column, the comparison's own rule: `differs` of a pair uses the same ones.
    conds = [f'e."k{i}" IS NOT DISTINCT FROM a."k{i}"' if p[2] == "exact" else _close(i, *tolerance)
             for i, p in enumerate(plans)]
    same = " AND ".join(conds) or "TRUE"
    if loose:
        missing_pos, extra_pos = _unmatched_loose(conn, norm, exact, loose, same, examples)
    else:
        missing_pos, extra_pos = _unmatched_exact(conn, norm, n, examples)
    first = None
    if ordered:
        rows = conn.execute(
            f"{norm} SELECT coalesce(e.pos, a.pos) FROM e FULL OUTER JOIN a ON e.pos = a.pos "
            f"WHERE e.pos IS NULL OR a.pos IS NULL OR NOT ({same}) ORDER BY 1 LIMIT 1").fetchall()
        if rows:
            position = int(rows[0][0])
            first = {"row": position, "expected": _rows_at(conn, "e_raw", [position])[0],
                     "actual": _rows_at(conn, "a_raw", [position])[0]}
    missing, extra = missing_pos[0], extra_pos[0]
    changed, pairs = 0, []
    if key_idx and missing and extra:
        changed, missing_pos, extra_pos, pairs = _pair_by_key(
            conn, _paired_sql(norm, exact, loose, same), conds, key_idx, examples)
    details = dict(base, missing=missing, extra=extra, missing_examples=_rows_at(conn, "e_raw", missing_pos[1]),
                   extra_examples=_rows_at(conn, "a_raw", extra_pos[1]), first_difference=first,
                   changed=changed, pairs=_pair_rows(conn, pairs, key_idx))
    if missing == 0 and extra == 0:
        if first is None:
            return Diff(True, "ok", f"ok: {pluralize(base['expected_rows'], 'row')} as expected (numbers within tolerance)", **details)
        return Diff(False, "wrong_order",
                    f"the rows are right but in the wrong order: row {first['row']:,} is "
                    f"{format_row(first['actual'])}, expected {format_row(first['expected'])}", **details)
    return Diff(False, *_describe(details), **details)


Unmatched = tuple[tuple[int, list[int]], tuple[int, list[int]]]  # (count, example positions) missing, extra


def _unmatched_exact(conn: duckdb.DuckDBPyConnection, norm: str, n: int, examples: int) -> Unmatched:
    """Every column compares exactly: the multiset difference is a count per distinct row on each
    side, joined (two aggregations and a hash join; no sort). A row value short on one side is
    missing (or extra) that many times; its first position stands for it as an example."""
    cols = ", ".join(f'"k{i}"' for i in range(n))
    on = " AND ".join(f'e."k{i}" IS NOT DISTINCT FROM a."k{i}"' for i in range(n))
    short_e, short_a = "coalesce(e.n, 0) - coalesce(a.n, 0)", "coalesce(a.n, 0) - coalesce(e.n, 0)"
    row = conn.execute(
        f"{norm}, ec AS (SELECT {cols}, count(*) AS n, min(pos) AS pos FROM e GROUP BY {cols}), "
        f"ac AS (SELECT {cols}, count(*) AS n, min(pos) AS pos FROM a GROUP BY {cols}) "
        f"SELECT coalesce(sum(greatest({short_e}, 0)), 0), "
        f"(list(e.pos ORDER BY e.pos) FILTER (WHERE {short_e} > 0))[1:{examples}], "
        f"coalesce(sum(greatest({short_a}, 0)), 0), "
        f"(list(a.pos ORDER BY a.pos) FILTER (WHERE {short_a} > 0))[1:{examples}] "
        f"FROM ec AS e FULL OUTER JOIN ac AS a ON {on}").fetchall()[0]
    return (int(row[0]), list(row[1] or [])), (int(row[2]), list(row[3] or []))


_MISSING = "SELECT epos AS pos FROM j WHERE epos IS NOT NULL AND (apos IS NULL OR NOT same)"
_EXTRA = "SELECT apos AS pos FROM j WHERE apos IS NOT NULL AND (epos IS NULL OR NOT same)"


def _paired_sql(norm: str, exact: list[int], loose: list[int], same: str) -> str:
    """CTEs ending in `j(epos, apos, same)`: within a group of equal exact columns, the n-th
    smallest numbers of each side pair up (with no numbers, the n-th by position)."""
    key = ", ".join(f'"k{i}"' for i in exact)
    order = ", ".join([f'"k{i}" NULLS FIRST' for i in loose] + ["pos"])
    partition = f"PARTITION BY {key}" if key else ""
    on = "".join(f' AND e."k{i}" IS NOT DISTINCT FROM a."k{i}"' for i in exact)
    return (f"{norm}, er AS (SELECT *, row_number() OVER ({partition} ORDER BY {order}) AS rn FROM e), "
            f"ar AS (SELECT *, row_number() OVER ({partition} ORDER BY {order}) AS rn FROM a), "
            f"j AS (SELECT e.pos AS epos, a.pos AS apos, ({same}) AS same FROM er AS e FULL OUTER JOIN ar AS a "
            f"ON e.rn = a.rn{on})")


def _unmatched_loose(conn: duckdb.DuckDBPyConnection, norm: str, exact: list[int], loose: list[int],
                     same: str, examples: int) -> Unmatched:
    """Some numbers compare with a tolerance, so equal rows cannot be hashed: they pair by rank
    (`_paired_sql`)."""
    rows = conn.execute(
        f"{_paired_sql(norm, exact, loose, same)}, m AS ({_MISSING}), x AS ({_EXTRA}) "
        f"SELECT (SELECT count(*) FROM m), (SELECT list(pos ORDER BY pos)[1:{examples}] FROM m), "
        f"(SELECT count(*) FROM x), (SELECT list(pos ORDER BY pos)[1:{examples}] FROM x)"
    ).fetchall()[0]
    return (int(rows[0]), list(rows[1] or [])), (int(rows[2]), list(rows[3] or []))


def _pair_by_key(conn: duckdb.DuckDBPyConnection, paired: str, conds: list[str], key_idx: list[int],
                 examples: int) -> tuple[int, tuple[int, list[int]], tuple[int, list[int]], list[tuple]]:
    """Pair the unmatched rows of `paired` (`_paired_sql`) by key: (pair count, missing and extra
    (count, example positions of the rows whose key the other side lacks: a paired row is shown
    once, as a pair), example pairs as (epos, apos, differs))."""
    key = ", ".join(f'"k{i}"' for i in key_idx)
    on = " AND ".join(f'mk."k{i}" IS NOT DISTINCT FROM xk."k{i}"' for i in key_idx)
    differs = ("[d FOR d IN [" + ", ".join(f"CASE WHEN {c} THEN NULL ELSE {i} END" for i, c in enumerate(conds))
               + "] IF d IS NOT NULL]")
    numbered = "SELECT pos, {key}, row_number() OVER (PARTITION BY {key} ORDER BY pos) AS kn FROM {side} " \
               "WHERE pos IN (SELECT pos FROM {unmatched})"
    row = conn.execute(
        f"{paired}, m AS ({_MISSING}), x AS ({_EXTRA}), "
        f"mk AS ({numbered.format(key=key, side='e', unmatched='m')}), "
        f"xk AS ({numbered.format(key=key, side='a', unmatched='x')}), "
        f"p AS (SELECT mk.pos AS epos, xk.pos AS apos FROM mk JOIN xk ON mk.kn = xk.kn AND {on}), "
        f"ex AS (SELECT p.epos, p.apos, {differs} AS differs FROM (SELECT * FROM p ORDER BY epos LIMIT {examples}) AS p "
        f"JOIN e ON e.pos = p.epos JOIN a ON a.pos = p.apos) "
        f"SELECT (SELECT count(*) FROM p), (SELECT count(*) FROM m), "
        f"(SELECT list(m.pos ORDER BY m.pos)[1:{examples}] FROM m LEFT JOIN p ON p.epos = m.pos WHERE p.epos IS NULL), "
        f"(SELECT count(*) FROM x), "
        f"(SELECT list(x.pos ORDER BY x.pos)[1:{examples}] FROM x LEFT JOIN p ON p.apos = x.pos WHERE p.apos IS NULL), "
        f"(SELECT list([epos, apos] ORDER BY epos) FROM ex), (SELECT list(differs ORDER BY epos) FROM ex)"
    ).fetchall()[0]
    pairs = [(int(e), int(a), list(d)) for (e, a), d in zip(row[5] or [], row[6] or [])]
    return int(row[0]), (int(row[1]), list(row[2] or [])), (int(row[3]), list(row[4] or [])), pairs


def _pair_rows(conn: duckdb.DuckDBPyConnection, pairs: list[tuple], key_idx: list[int]) -> list[dict]:
    """The example pairs as whole rows (two queries, whatever their number)."""
    wanted = _rows_at(conn, "e_raw", [p[0] for p in pairs])
    got = _rows_at(conn, "a_raw", [p[1] for p in pairs])
    return [{"key": [e[i] for i in key_idx], "expected": e, "actual": a, "differs": p[2]}
            for p, e, a in zip(pairs, wanted, got)]


def _rows_at(conn: duckdb.DuckDBPyConnection, table: str, positions: list[int]) -> list[tuple | None]:
    """The rows at these 1-based positions, in the order asked, in one query."""
    wanted = [int(p) for p in positions if p]
    found: dict[int, tuple] = {}
    if wanted:
        for row in conn.execute(f"SELECT * FROM {table} WHERE pos IN ({', '.join(map(str, wanted))})").fetchall():
            found[int(row[0])] = tuple(row[1:])
    return [found.get(int(p)) if p else None for p in positions]


# --- messages -------------------------------------------------------------------------------------

def _examples(rows: list) -> str:
    return "; ".join(format_row(r) for r in rows[:EXAMPLES])


def _describe(d: dict) -> tuple[str, str]:
    """(kind, message) for rows that differ; `d` holds a Diff's fields."""
    missing, extra = d["missing"], d["extra"]
    counts = f"(expected {pluralize(d['expected_rows'], 'row')}, got {d['actual_rows']:,})"
    if d["changed"]:
        return "wrong_values", _describe_pairs(d, counts)
    if extra == 0:
        return "missing_rows", f"missing {pluralize(missing, 'row')} {counts}, e.g. {_examples(d['missing_examples'])}"
    if missing == 0:
        return "extra_rows", f"{pluralize(extra, 'unexpected row')} {counts}, e.g. {_examples(d['extra_examples'])}"
    return "wrong_values", (f"{pluralize(missing, 'expected row')} not found and {pluralize(extra, 'row')} not "
                            f"expected {counts}; missing e.g. {_examples(d['missing_examples'])}; "
                            f"unexpected e.g. {_examples(d['extra_examples'])}")


def _describe_pairs(d: dict, counts: str) -> str:
    """'2 rows differ (key user_id) (...), e.g. user_id 7: channel expected 'a', got 'b'', then
    the rows only missing and only unexpected (their examples come first in the lists)."""
    changed = d["changed"]
    shown = "; ".join(_pair_text(p, d["key"], d["columns"]) for p in d["pairs"][:EXAMPLES])
    parts = [f"{pluralize(changed, 'row')} {'differs' if changed == 1 else 'differ'} (key {', '.join(d['key'])}; "
             f"{counts[1:]}, e.g. {shown}"]
    only_missing, only_extra = d["missing"] - changed, d["extra"] - changed
    if only_missing:
        parts.append(f"missing {pluralize(only_missing, 'row')}, e.g. {_examples(d['missing_examples'][:only_missing])}")
    if only_extra:
        parts.append(f"{pluralize(only_extra, 'unexpected row')}, e.g. {_examples(d['extra_examples'][:only_extra])}")
    return "; ".join(parts)


def _pair_text(pair: dict, key: list[str], columns: list[str]) -> str:
    """user_id 69436: channel expected 'organic', got 'paid_search'"""
    where = ", ".join(f"{name} {format_value(v)}" for name, v in zip(key, pair["key"]))
    what = " and ".join(f"{columns[i]} expected {format_value(pair['expected'][i])}, "
                        f"got {format_value(pair['actual'][i])}" for i in pair["differs"])
    if not what:  # equal within tolerance yet unpaired by rank: show both rows whole
        what = f"expected {format_row(pair['expected'])}, got {format_row(pair['actual'])}"
    return f"{where}: {what}"
