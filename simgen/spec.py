"""The data contract as data: every table's columns, Arrow types and volume rule.

Generators produce columns in exactly this order and these types; the writer casts to the
schema declared here, and the tests compare DuckDB's view of the files against it. Nothing
else in the package spells a column type.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pyarrow as pa

WINDOW_START = date(2025, 1, 1)
WINDOW_END = date(2025, 12, 31)  # inclusive
DAYS = (WINDOW_END - WINDOW_START).days + 1  # 365

# Arrow type -> the DuckDB type name it reads back as (used by contract tests and the grader).
_DUCKDB = {
    pa.int64(): "BIGINT",
    pa.int32(): "INTEGER",
    pa.int16(): "SMALLINT",
    pa.float64(): "DOUBLE",
    pa.bool_(): "BOOLEAN",
    pa.string(): "VARCHAR",
    pa.date32(): "DATE",
    pa.timestamp("us"): "TIMESTAMP",
    pa.decimal128(6, 2): "DECIMAL(6,2)",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    nullable: bool = False
    dictionary: bool = False  # low-cardinality: dictionary-encode in Parquet

    @property
    def duckdb_type(self) -> str:
        return _DUCKDB[self.type]


@dataclass(frozen=True)
class Table:
    """One table of the contract.

    `grain` says how the engine produces it: "member" tables are made chunk by chunk of
    members (each part holds the rows owned by that chunk's members); "global" tables are
    small and made once.
    """

    name: str
    columns: tuple[Column, ...]
    volume: str
    grain: str = "member"

    @property
    def schema(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, c.type, nullable=c.nullable) for c in self.columns])

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _c(name: str, type_: pa.DataType, nullable: bool = False) -> Column:
    return Column(name, type_, nullable, dictionary=name in _LOW_CARDINALITY)


_LOW_CARDINALITY = {"country", "timezone", "plan", "device", "channel", "experiment_id", "variant", "category", "department",
                    "title", "cohort"}


I64, I32, I16, F64 = pa.int64(), pa.int32(), pa.int16(), pa.float64()
STR, DATE, TS, BOOL = pa.string(), pa.date32(), pa.timestamp("us"), pa.bool_()
PRICE = pa.decimal128(6, 2)

TABLES: tuple[Table, ...] = (
    Table("users", (
        _c("user_id", I64), _c("name", STR), _c("email", STR), _c("country", STR),
        _c("signup_date", DATE), _c("plan", STR), _c("device", STR), _c("birth_year", I16),
        _c("timezone", STR),
    ), "N"),
    Table("sessions", (
        _c("session_id", I64), _c("user_id", I64), _c("session_ts", TS), _c("device", STR),
        _c("duration_s", I32), _c("watch_minutes", F64),
    ), "~12 N"),
    Table("attribution", (
        _c("session_id", I64), _c("channel", STR), _c("conversion", BOOL),
    ), "one per session"),
    Table("friends", (_c("user_id", I64), _c("friend_id", I64)), "~10 N"),
    Table("friends_added", (_c("user_a", I64), _c("user_b", I64), _c("added_at", TS)), "one per friendship start"),
    Table("friends_removed", (_c("user_a", I64), _c("user_b", I64), _c("removed_at", TS)), "one per friendship end"),
    Table("pages", (_c("page_id", I64), _c("name", STR), _c("category", STR)), "~N/100, min 100", "global"),
    Table("page_likes", (_c("user_id", I64), _c("page_id", I64), _c("liked_at", TS)), "~8 N"),
    Table("block_list", (_c("user_id", I64), _c("blocked_id", I64)), "~0.2 N"),
    Table("ab_tests", (
        _c("experiment_id", STR), _c("user_id", I64), _c("variant", STR), _c("assigned_at", TS),
        _c("unit_id", I64),
    ), "one per (experiment, member)"),
    Table("subscriptions", (
        _c("subscription_id", I64), _c("user_id", I64), _c("plan", STR), _c("sub_dt", DATE),
        _c("cancel_dt", DATE, nullable=True), _c("monthly_price", PRICE),
    ), "~0.8 N"),
    Table("salaries", (
        _c("employee_id", I64), _c("name", STR), _c("department", STR), _c("title", STR),
        _c("salary", I32, nullable=True), _c("hired_on", DATE),
    ), "N/1000 within [500, 100000]", "global"),
    Table("email_daily", (
        _c("day", DATE), _c("cohort", STR), _c("sends", I32), _c("conversions", I32),
    ), "365 x cohorts", "global"),
)

TABLE_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}


def table(name: str) -> Table:
    try:
        return TABLE_BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown table {name!r}; known: {', '.join(TABLE_BY_NAME)}") from None
