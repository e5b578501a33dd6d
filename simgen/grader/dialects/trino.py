"""Trino (also Presto and Amazon Athena): names case-insensitive, integer / integer truncates,
NULLs sort last both ways, date_diff counts whole units elapsed, EXTRACT(DOW) and day_of_week are
ISO (Monday = 1), casts to integer round, DECIMAL is (38, 0)."""

from __future__ import annotations

from sqlglot import exp

from simgen.grader.dialects.base import (
    DialectSpec,
    anonymous,
    temporal,
    whole_units_elapsed,
)


def iso_day_of_week(node: exp.Expression, spec: DialectSpec) -> exp.Expression | None:
    if node.name.upper() in ("DAYOFWEEK", "DOW", "DAY_OF_WEEK"):
        return anonymous("ISODOW", temporal(node.expression))
    return None


SPEC = DialectSpec(
    name="trino",
    sqlglot="trino",
    aliases=("presto", "athena", "prestosql", "awsathena"),
    title="Trino / Presto / Athena",
    identifiers="insensitive",
    decimal_default=(38, 0),
    cast_to_int="ROUND",
    rewrites={exp.DateDiff: whole_units_elapsed, exp.Extract: iso_day_of_week},
    notes=("date_diff, date_add, date_trunc, date_format, day_of_week, approx_distinct",),
)
