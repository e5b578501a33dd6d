"""MySQL 8: names case-insensitive, utf8mb4_0900_ai_ci (case- and accent-insensitive) strings,
`/` exact, NULLs sort first, DAYOFWEEK Sunday = 1, `||` is logical OR."""

from __future__ import annotations

from sqlglot import exp

from simgen.grader.dialects.base import (
    TEXT,
    DialectSpec,
    anonymous,
    booleans_are_integers,
    both,
    case_insensitive_like,
    drop_from_dual,
    drop_order_by_null,
    is_type,
    temporal,
    text_dates_in_arithmetic,
    whole_units_elapsed,
)
from simgen.grader.errors import UnsupportedError


def pipes_are_or(node: exp.Expression, spec: DialectSpec) -> None:
    if is_type(node.this, TEXT) or is_type(node.expression, TEXT):
        raise UnsupportedError(f"{node.sql('mysql')} (in MySQL || is logical OR, not string concatenation)",
                               spec.name, "use CONCAT(a, b)")


def weekday(node: exp.Expression, spec: DialectSpec) -> exp.Expression | None:
    """WEEKDAY(d): Monday = 0 .. Sunday = 6."""
    args = node.expressions
    if len(args) != 1:
        return None
    return exp.Paren(this=exp.Sub(this=anonymous("ISODOW", temporal(args[0])), expression=exp.Literal.number(1)))


SPEC = DialectSpec(
    name="mysql",
    sqlglot="mysql",
    aliases=("mariadb",),
    title="MySQL",
    identifiers="insensitive",
    collation="nocase.noaccent",
    decimal_default=(10, 0),
    cast_to_int="ROUND",
    dow_function_plus_one=True,
    week_number_differs=True,
    tree_rewrites=(drop_order_by_null, drop_from_dual),
    refusals={exp.Or: pipes_are_or},
    rewrites={exp.Like: case_insensitive_like, exp.TimestampDiff: whole_units_elapsed,
              **{kind: booleans_are_integers for kind in (exp.Avg, exp.Mul, exp.Div)},
              exp.Add: both(booleans_are_integers, text_dates_in_arithmetic),
              exp.Sub: both(booleans_are_integers, text_dates_in_arithmetic),
              exp.DateAdd: text_dates_in_arithmetic, exp.DateSub: text_dates_in_arithmetic},
    functions={"weekday": weekday},
    passthrough=frozenset({"now"}),
    refused=(("`'a' || 'b'` on strings", "|| is logical OR in MySQL; use CONCAT"),
             ("WEEK(), EXTRACT(WEEK)", "Sunday-based week numbers; use ISO weeks or DATE_TRUNC")),
)
