"""SQLite: names case-insensitive, integer / integer truncates (x / 0 is NULL), LIKE ignores ASCII
case, dates are ISO text read by date()/strftime()/julianday(), CAST to INTEGER truncates. Its
dynamic typing compares a number with text by storage class, not by value: such comparisons are
refused rather than given DuckDB's implicit cast."""

from __future__ import annotations

import re

from sqlglot import exp

from simgen.grader.dialects.base import (
    TEXT,
    DialectSpec,
    anonymous,
    booleans_are_integers,
    both,
    case_insensitive_like,
    is_type,
    temporal,
)
from simgen.grader.errors import UnsupportedError

_NUMBERS = exp.DataType.NUMERIC_TYPES


def mixed_comparison(node: exp.Expression, spec: DialectSpec) -> None:
    """A number compared with text: SQLite orders every number before every text value."""
    left, right = node.this, node.expression
    if (is_type(left, _NUMBERS) and is_type(right, TEXT)) or (is_type(left, TEXT) and is_type(right, _NUMBERS)):
        raise UnsupportedError(f"{node.sql('sqlite')} (SQLite compares a number with text by type, not value)",
                               spec.name, "CAST the text to a number, or the number to TEXT")


def julianday(node: exp.Expression, spec: DialectSpec) -> exp.Expression | None:
    """julianday(x): days since noon, 24 November 4714 BC, with the time as a fraction."""
    args = node.expressions
    if len(args) != 1:
        raise UnsupportedError("julianday() with modifiers", spec.name, "apply date arithmetic outside julianday()")
    seconds = anonymous("EPOCH", exp.Cast(this=args[0].copy(), to=exp.DataType.build("TIMESTAMP")))
    return exp.Paren(this=exp.Add(this=exp.Div(this=seconds, expression=exp.Literal.number("86400.0")),
                                  expression=exp.Literal.number("2440587.5")))


_MODIFIER_UNITS = {"day": "DAY", "days": "DAY", "month": "MONTH", "months": "MONTH", "year": "YEAR",
                   "years": "YEAR", "hour": "HOUR", "hours": "HOUR", "minute": "MINUTE", "minutes": "MINUTE"}


def date_function(node: exp.Expression, spec: DialectSpec) -> exp.Expression | None:
    """date(x[, '+N days' | 'start of month' ...]): the modifiers SQLite documents, applied in order."""
    args = node.expressions if isinstance(node, exp.Anonymous) else [node.this, *node.expressions]
    value: exp.Expression = exp.Cast(this=temporal(args[0]), to=exp.DataType.build("TIMESTAMP"))
    for modifier in args[1:]:
        if not (isinstance(modifier, exp.Literal) and modifier.is_string):
            raise UnsupportedError("date() with a computed modifier", spec.name, "write the modifier as a literal")
        text = modifier.name.strip().lower()
        if text.startswith("start of "):
            unit = text.removeprefix("start of ").strip()
            if unit not in ("month", "year", "day"):
                raise UnsupportedError(f"date() modifier {modifier.name!r}", spec.name)
            value = anonymous("DATE_TRUNC", exp.Literal.string(unit), value)
            continue
        parts = text.split()
        if len(parts) != 2 or parts[1] not in _MODIFIER_UNITS:
            raise UnsupportedError(f"date() modifier {modifier.name!r}", spec.name,
                                   "use '+N days', '-N months', '+N years' or 'start of month'")
        try:
            amount = int(parts[0])
        except ValueError:
            raise UnsupportedError(f"date() modifier {modifier.name!r}", spec.name) from None
        step = exp.Interval(this=exp.Literal.string(str(abs(amount))), unit=exp.var(_MODIFIER_UNITS[parts[1]]))
        value = (exp.Sub if amount < 0 else exp.Add)(this=value, expression=step)
    return exp.Cast(this=value, to=exp.DataType.build("DATE"))


def null_on_zero(node: exp.Expression, spec: DialectSpec) -> exp.Expression | None:
    """x / 0 is NULL in SQLite (DuckDB raises an error)."""
    divisor = node.expression
    if not (isinstance(divisor, exp.Anonymous) and divisor.name.upper() == "NULLIF"):
        guarded = anonymous("NULLIF", divisor.copy(), exp.Literal.number(0))
        guarded.type = divisor.type  # the DuckDB generator decides `//` vs `/` from the operand types
        node.set("expression", guarded)
    return None


def typed_date(node: exp.Expression, spec: DialectSpec) -> exp.Expression | None:
    if len(node.expressions) >= 1 or node.this is not None:
        return date_function(node, spec)
    return None


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _is_date_call(node: exp.Expression) -> bool:
    return isinstance(node, exp.Date) or (isinstance(node, exp.Anonymous) and node.name.lower() == "date")


def iso_text_spine(tree: exp.Expression) -> exp.Expression:
    """`WITH RECURSIVE dates(day) AS (SELECT '2025-01-01' UNION ALL SELECT date(day, '+1 day') ...)`:
    SQLite has no date type, so the anchor's text and date()'s text are the same kind of value.
    In DuckDB the text anchor would fix the column as VARCHAR; reading it as date('2025-01-01')
    keeps every comparison (ISO text orders as dates do) and gives the column its DATE meaning."""
    for cte in tree.find_all(exp.CTE):
        union = cte.this
        if not isinstance(union, exp.Union) or not isinstance(union.this, exp.Select) \
                or not isinstance(union.expression, exp.Select):
            continue
        anchor, step = union.this.expressions, union.expression.expressions
        for first, recursive in zip(anchor, step):
            value = first.this if isinstance(first, exp.Alias) else first
            following = recursive.this if isinstance(recursive, exp.Alias) else recursive
            if isinstance(value, exp.Literal) and value.is_string and _ISO_DATE.match(value.this) \
                    and _is_date_call(following):
                value.replace(exp.Date(this=value.copy()))
    return tree


SPEC = DialectSpec(
    name="sqlite",
    sqlglot="sqlite",
    aliases=("sqlite3",),
    title="SQLite",
    identifiers="insensitive",
    decimal_default=(38, 10),
    cast_to_int="TRUNC",
    before_qualify=(iso_text_spine,),
    refusals={exp.EQ: mixed_comparison, exp.NEQ: mixed_comparison, exp.GT: mixed_comparison,
              exp.GTE: mixed_comparison, exp.LT: mixed_comparison, exp.LTE: mixed_comparison},
    rewrites={exp.Like: case_insensitive_like, exp.Div: both(booleans_are_integers, null_on_zero),
              **{kind: booleans_are_integers for kind in (exp.Avg, exp.Add, exp.Sub, exp.Mul)}},
    functions={"julianday": julianday, "date": date_function},
    refused=(("a number compared with text", "SQLite orders every number before every text value"),
             ("date() modifiers other than ±N days/months/years and 'start of'", "translated modifier by modifier")),
    notes=("integer / integer truncates; x / 0 is NULL", "LIKE ignores case", "julianday(), date(x, modifiers), strftime()"),
)
