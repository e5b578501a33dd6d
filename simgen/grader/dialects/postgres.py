"""PostgreSQL: unquoted names fold to lower case, integer / integer truncates (but SUM(bigint),
EXTRACT and date_part are numeric), NUMERIC is arbitrary precision, round(float8) is half-even,
TO_CHAR formats are PostgreSQL's."""

from __future__ import annotations

from sqlglot import exp

from simgen.grader.dialects.base import date_plus_days, DialectSpec, anonymous, every, is_type


def round_float8(node: exp.Expression, spec: DialectSpec) -> exp.Expression | None:
    """round(double precision) rounds half to even (it is rint); round(numeric) half away."""
    if node.args.get("decimals") is not None:
        return None
    inner = node.this
    if is_type(inner, {exp.DType.DOUBLE, exp.DType.FLOAT}) and isinstance(inner, (exp.Column, exp.Cast)):
        return anonymous("ROUND_EVEN", inner.copy(), exp.Literal.number(0))
    return None


SPEC = DialectSpec(
    name="postgres",
    sqlglot="postgres",
    aliases=("postgresql", "pg", "psql"),
    title="PostgreSQL",
    identifiers="lower",
    # NUMERIC without a precision is arbitrary: (38,10) keeps every digit a rounding to 4 places needs.
    decimal_default=(38, 10),
    pg_numeric_typing=True,
    to_char="postgres",
    rewrites={exp.Add: date_plus_days, exp.Sub: date_plus_days, exp.Round: round_float8},
    functions={"every": every},
    passthrough=frozenset({"make_date", "cardinality"}),
    refused=(("TO_CHAR of a number; a date format element not in the table", "translated element by element, never guessed"),),
)
