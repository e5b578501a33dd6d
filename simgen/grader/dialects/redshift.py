"""Amazon Redshift: names case-insensitive, quoted or not (its documented default,
enable_case_sensitive_identifier off), integer / integer truncates, AVG(int) is an integer,
DECIMAL is (18, 0), CONCAT and || return NULL with a NULL, DATEDIFF counts boundaries."""

from __future__ import annotations

from sqlglot import exp

from simgen.grader.dialects.base import date_plus_days, TEMPORAL, DialectSpec, is_type, unit_of
from simgen.grader.dialects.tsql import integer_avg
from simgen.grader.errors import UnsupportedError


def concat_propagates_null(node: exp.Expression, spec: DialectSpec) -> exp.Expression | None:
    parts = list(node.expressions)
    result = parts[0].copy()
    for part in parts[1:]:
        result = exp.DPipe(this=result, expression=part.copy(), safe=True)
    return result


def week_diff(node: exp.Expression, spec: DialectSpec) -> exp.Expression | None:
    if unit_of(node) == "WEEK":
        raise UnsupportedError("DATEDIFF(week, ...)", spec.name, "count days and divide: DATEDIFF(day, a, b) / 7")
    return None


def trunc_timestamp(node: exp.Expression, spec: DialectSpec) -> exp.Expression | None:
    """TRUNC(timestamp) is the DATE of that timestamp; TRUNC(number[, n]) stays a number."""
    if is_type(node.this, TEMPORAL):
        return exp.Cast(this=node.this.copy(), to=exp.DataType.build("DATE"))
    return None


SPEC = DialectSpec(
    name="redshift",
    sqlglot="redshift",
    aliases=("amazonredshift", "aws_redshift"),
    title="Amazon Redshift",
    identifiers="insensitive",
    decimal_default=(18, 0),
    pg_numeric_typing=True,
    to_char="postgres",
    rewrites={exp.Add: date_plus_days, exp.Sub: date_plus_days, exp.Avg: integer_avg, exp.Concat: concat_propagates_null, exp.DateDiff: week_diff,
              exp.TsOrDsDiff: week_diff, exp.Trunc: trunc_timestamp},
    refused=(("DATEDIFF(week, ...)", "its week boundary is not documented precisely enough to reproduce"),),
    notes=("TOP n, NVL, GETDATE, DATEDIFF/DATEADD, LISTAGG, TO_CHAR date formats",),
)
