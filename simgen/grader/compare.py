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
"""

from __future__ import annotations

import atexit
import shutil
import threading
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pyarrow as pa

from simgen.grader.rowfmt import format_row, pluralize
from simgen.locks import private_temp_dir

EXAMPLES = 3


@dataclass
class Diff:
    """The outcome of a comparison. `kind` is one of ok, wrong_columns, wrong_types, missing_rows,
    extra_rows, wrong_values, wrong_order; examples are rows as tuples, in the expected columns."""

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
            abs_tol: float = 1e-9) -> Diff:
    """Compare two results; see the module docstring for the rules.

    >>> import pyarrow as pa
    >>> compare(pa.table({"X": [1, 2]}), pa.table({"x": [2, 1]}), ordered=False).kind
    'ok'
    """
    names = list(expected.column_names)
    base = dict(expected_rows=expected.num_rows, actual_rows=actual.num_rows, columns=names)
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
        return _compare_rows(conn, plans, ordered, rel_tol, abs_tol, base)
    finally:
        conn.close()


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


def _compare_rows(conn: duckdb.DuckDBPyConnection, plans: list[tuple[str, str, str]], ordered: bool,
                  rel_tol: float, abs_tol: float, base: dict) -> Diff:
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

    def close(i: int) -> str:
        x, y = f'e."k{i}"', f'a."k{i}"'
        # DuckDB orders NaN above everything and NaN = NaN, so NaN is handled before the arithmetic.
        return (f"coalesce(({x} IS NULL AND {y} IS NULL) OR (isnan({x}) AND isnan({y})) OR ({x} = {y} AND NOT isnan({x})) OR "
                f"(NOT isnan({x}) AND NOT isnan({y}) AND "
                f"abs({x} - {y}) <= greatest({abs_tol!r}, {rel_tol!r} * greatest(abs({x}), abs({y})))), FALSE)")

    same = " AND ".join([f'e."k{i}" IS NOT DISTINCT FROM a."k{i}"' for i in exact] + [close(i) for i in loose]) or "TRUE"
    if loose:
        missing_pos, extra_pos = _unmatched_loose(conn, norm, exact, loose, same)
    else:
        missing_pos, extra_pos = _unmatched_exact(conn, norm, n)
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
    missing_examples = _rows_at(conn, "e_raw", missing_pos[1])
    extra_examples = _rows_at(conn, "a_raw", extra_pos[1])
    details = dict(base, missing=missing, extra=extra, missing_examples=missing_examples,
                   extra_examples=extra_examples, first_difference=first)
    if missing == 0 and extra == 0:
        if first is None:
            return Diff(True, "ok", f"ok: {pluralize(base['expected_rows'], 'row')} as expected (numbers within tolerance)", **details)
        return Diff(False, "wrong_order",
                    f"the rows are right but in the wrong order: row {first['row']:,} is "
                    f"{format_row(first['actual'])}, expected {format_row(first['expected'])}", **details)
    return Diff(False, *_describe(missing, extra, missing_examples, extra_examples, base), **details)


Unmatched = tuple[tuple[int, list[int]], tuple[int, list[int]]]  # (count, example positions) missing, extra


def _unmatched_exact(conn: duckdb.DuckDBPyConnection, norm: str, n: int) -> Unmatched:
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
        f"(list(e.pos ORDER BY e.pos) FILTER (WHERE {short_e} > 0))[1:{EXAMPLES}], "
        f"coalesce(sum(greatest({short_a}, 0)), 0), "
        f"(list(a.pos ORDER BY a.pos) FILTER (WHERE {short_a} > 0))[1:{EXAMPLES}] "
        f"FROM ec AS e FULL OUTER JOIN ac AS a ON {on}").fetchall()[0]
    return (int(row[0]), list(row[1] or [])), (int(row[2]), list(row[3] or []))


def _unmatched_loose(conn: duckdb.DuckDBPyConnection, norm: str, exact: list[int], loose: list[int],
                     same: str) -> Unmatched:
    """Some numbers compare with a tolerance, so equal rows cannot be hashed: within a group of
    equal exact columns, the n-th smallest numbers of each side pair up."""
    key = ", ".join(f'"k{i}"' for i in exact)
    order = ", ".join([f'"k{i}" NULLS FIRST' for i in loose] + ["pos"])
    partition = f"PARTITION BY {key}" if key else ""
    on = "".join(f' AND e."k{i}" IS NOT DISTINCT FROM a."k{i}"' for i in exact)
    paired = (f"{norm}, er AS (SELECT *, row_number() OVER ({partition} ORDER BY {order}) AS rn FROM e), "
              f"ar AS (SELECT *, row_number() OVER ({partition} ORDER BY {order}) AS rn FROM a), "
              f"j AS (SELECT e.pos AS epos, a.pos AS apos, ({same}) AS same FROM er AS e FULL OUTER JOIN ar AS a "
              f"ON e.rn = a.rn{on})")
    missing_sql = "SELECT epos FROM j WHERE epos IS NOT NULL AND (apos IS NULL OR NOT same)"
    extra_sql = "SELECT apos FROM j WHERE apos IS NOT NULL AND (epos IS NULL OR NOT same)"
    rows = conn.execute(
        f"{paired} SELECT (SELECT count(*) FROM ({missing_sql})), "
        f"(SELECT list(epos ORDER BY epos)[1:{EXAMPLES}] FROM ({missing_sql})), "
        f"(SELECT count(*) FROM ({extra_sql})), (SELECT list(apos ORDER BY apos)[1:{EXAMPLES}] FROM ({extra_sql}))"
    ).fetchall()[0]
    return (int(rows[0]), list(rows[1] or [])), (int(rows[2]), list(rows[3] or []))


def _rows_at(conn: duckdb.DuckDBPyConnection, table: str, positions: list[int]) -> list[tuple | None]:
    """The rows at these 1-based positions, in the order asked, in one query."""
    wanted = [int(p) for p in positions if p]
    found: dict[int, tuple] = {}
    if wanted:
        for row in conn.execute(f"SELECT * FROM {table} WHERE pos IN ({', '.join(map(str, wanted))})").fetchall():
            found[int(row[0])] = tuple(row[1:])
    return [found.get(int(p)) if p else None for p in positions]


def _describe(missing: int, extra: int, missing_examples: list, extra_examples: list, base: dict) -> tuple[str, str]:
    def examples(rows: list) -> str:
        return "; ".join(format_row(r) for r in rows)

    counts = f"(expected {pluralize(base['expected_rows'], 'row')}, got {base['actual_rows']:,})"
    if extra == 0:
        return "missing_rows", f"missing {pluralize(missing, 'row')} {counts}, e.g. {examples(missing_examples)}"
    if missing == 0:
        return "extra_rows", f"{pluralize(extra, 'unexpected row')} {counts}, e.g. {examples(extra_examples)}"
    return "wrong_values", (f"{pluralize(missing, 'expected row')} not found and {pluralize(extra, 'row')} not "
                            f"expected {counts}; missing e.g. {examples(missing_examples)}; "
                            f"unexpected e.g. {examples(extra_examples)}")
