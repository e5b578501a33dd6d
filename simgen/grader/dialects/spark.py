"""Spark SQL: names case-insensitive, `/` always fractional, casts to integer truncate,
DAYOFWEEK Sunday = 1, trunc(date, fmt) returns a DATE, TIMESTAMPDIFF counts whole units."""

from __future__ import annotations

from sqlglot import exp

from simgen.grader.dialects.base import (
    DialectSpec,
    anonymous,
    every,
    whole_units_elapsed,
)


def trunc_is_a_date(tree: exp.Expression) -> exp.Expression:
    """Spark's trunc(date, fmt) returns a DATE; DuckDB's date_trunc a TIMESTAMP."""
    for node in list(tree.find_all(exp.DateTrunc)):
        if not isinstance(node.parent, exp.Cast):
            node.replace(exp.Cast(this=node.copy(), to=exp.DataType.build("DATE")))
    return tree


def bround(node: exp.Expression, spec: DialectSpec) -> exp.Expression | None:
    args = node.expressions
    return anonymous("ROUND_EVEN", args[0].copy(), args[1].copy() if len(args) > 1 else exp.Literal.number(0))


SPEC = DialectSpec(
    name="spark",
    sqlglot="spark",
    aliases=("sparksql", "spark_sql"),
    title="Spark SQL",
    identifiers="insensitive",
    decimal_default=(10, 0),
    cast_to_int="TRUNC",
    dow_extract_plus_one=True,
    dow_function_plus_one=True,
    before_qualify=(trunc_is_a_date,),
    rewrites={exp.TimestampDiff: whole_units_elapsed},
    functions={"every": every, "bround": bround},
    passthrough=frozenset({"make_date", "now"}),
)
