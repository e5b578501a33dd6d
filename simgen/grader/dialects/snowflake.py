"""Snowflake: unquoted names fold to UPPER case (the dataset's tables count as created unquoted,
so `"SALARY"` matches and `"salary"` does not), `/` exact, casts round half away from zero,
DAYOFWEEK 0-6, DATEDIFF(week) counts Monday boundaries, TO_CHAR keeps its format."""

from __future__ import annotations

from sqlglot import exp

from simgen.grader.dialects.base import DialectSpec, anonymous, temporal, unit_of


def week_boundaries(node: exp.Expression, spec: DialectSpec) -> exp.Expression | None:
    """DATEDIFF(week, a, b) counts Monday boundaries crossed; DuckDB counts days // 7."""
    if unit_of(node) != "WEEK":
        return None

    def trunc(value: exp.Expression) -> exp.Expression:
        return anonymous("DATE_TRUNC", exp.Literal.string("week"), temporal(value))

    return anonymous("DATE_DIFF", exp.Literal.string("week"), trunc(node.expression), trunc(node.this))


def trunc(node: exp.Expression, spec: DialectSpec) -> exp.Expression | None:
    """TRUNC(date, 'month') truncates a date; TRUNC(number[, scale]) a number."""
    args = node.expressions
    if len(args) == 2 and isinstance(args[1], exp.Literal) and args[1].is_string:
        return anonymous("DATE_TRUNC", exp.Literal.string(args[1].name.lower()), args[0].copy())
    return anonymous("TRUNC", *[a.copy() for a in args])


SPEC = DialectSpec(
    name="snowflake",
    sqlglot="snowflake",
    title="Snowflake",
    identifiers="upper",
    cast_to_int="ROUND",
    to_char="snowflake",
    rewrites={exp.DateDiff: week_boundaries},
    functions={"trunc": trunc, "truncate": trunc},
    refused=(("TO_CHAR of a number", "number formats are not translated; use ROUND and CAST"),),
)
