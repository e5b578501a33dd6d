"""T-SQL (SQL Server): names case-insensitive (default CI collation, strings too), integer /
integer truncates, AVG(int) is an int, casts truncate, `+` concatenates strings, BIT is boolean,
FLOAT is 64-bit and REAL 32-bit, weeks start on Sunday (DATEFIRST 7), DATEDIFF counts boundaries."""

from __future__ import annotations

from sqlglot import exp
from sqlglot.tokens import TokenType

from simgen.grader.dialects.base import (
    INTEGER,
    TEXT,
    DialectSpec,
    anonymous,
    case_insensitive_like,
    is_type,
    sunday_week_trunc,
    unit_of,
)

# T-SQL's statistical aggregates: STDEVP, VAR and VARP are DuckDB's STDDEV_POP, VAR_SAMP, VAR_POP.
_AGGREGATES = {"stdevp": exp.StddevPop, "var": exp.Variance, "varp": exp.VariancePop}


def real_as_float24(text: str, tokens: list) -> str:
    """T-SQL REAL is 32-bit and FLOAT 64-bit, but sqlglot parses both to the same node; spell the
    type REAL as FLOAT(24) in the text (only where a type is expected) so the two stay apart."""
    edits = []
    for i, token in enumerate(tokens):
        if token.token_type != TokenType.FLOAT or token.text.upper() != "REAL" or i == 0:
            continue
        before = tokens[i - 1]
        is_cast = before.token_type == TokenType.ALIAS
        is_convert = (before.token_type == TokenType.L_PAREN and i >= 2
                      and tokens[i - 2].text.upper() in ("CONVERT", "TRY_CONVERT"))
        if is_cast or is_convert:
            edits.append((token.start, token.end + 1))
    for start, end in reversed(edits):
        text = text[:start] + "FLOAT(24)" + text[end:]
    return text


def generate_series_value(tree: exp.Expression) -> exp.Expression:
    """T-SQL's table-valued GENERATE_SERIES names its column `value`; DuckDB's names it
    `generate_series`. Both include the stop value."""
    for table in list(tree.find_all(exp.Table)):
        if not isinstance(table.this, exp.GenerateSeries):
            continue
        series = table.this.copy()
        inner = exp.select(exp.alias_(exp.column("generate_series"), "value")).from_(
            exp.Table(this=series, alias=exp.TableAlias(this=exp.to_identifier("_series"))))
        alias = table.args.get("alias") or exp.TableAlias(this=exp.to_identifier("generate_series"))
        table.replace(exp.Subquery(this=inner, alias=alias.copy()))
    return tree


def data_type(node: exp.Expression, spec: DialectSpec) -> exp.Expression | None:
    if node.parent is None:
        return None
    kind = node.this
    params = node.expressions
    if kind == exp.DType.BIT:
        return exp.DataType.build("BOOLEAN")
    if kind in (exp.DType.FLOAT, exp.DType.DOUBLE):
        # T-SQL FLOAT is FLOAT(53), 64-bit; only FLOAT(1..24) is 32-bit.
        bits = int(params[0].name) if params and params[0].name.isdigit() else 53
        return exp.DataType.build("REAL" if bits <= 24 else "DOUBLE")
    if kind == exp.DType.MONEY:
        return exp.DataType.build("DECIMAL(19, 4)")
    return None


def week_trunc(node: exp.Expression, spec: DialectSpec) -> exp.Expression | None:
    return sunday_week_trunc(node.this) if unit_of(node) == "WEEK" else None


def week_boundaries(node: exp.Expression, spec: DialectSpec) -> exp.Expression | None:
    """DATEDIFF(week, a, b) counts Sunday boundaries crossed; DuckDB counts days // 7."""
    if unit_of(node) != "WEEK":
        return None
    return anonymous("DATE_DIFF", exp.Literal.string("week"), sunday_week_trunc(node.expression),
                     sunday_week_trunc(node.this))


def plus_concatenates(node: exp.Expression, spec: DialectSpec) -> exp.Expression | None:
    if is_type(node.this, TEXT) and is_type(node.expression, TEXT):
        return exp.DPipe(this=node.this.copy(), expression=node.expression.copy(), safe=True)
    return None


def integer_avg(node: exp.Expression, spec: DialectSpec) -> exp.Expression | None:
    """SQL Server's AVG of an integer column is an integer (truncated)."""
    if is_type(node.this, INTEGER):
        target = node.parent if isinstance(node.parent, exp.Window) else node
        target.replace(exp.Cast(this=anonymous("TRUNC", target.copy()), to=exp.DataType.build("BIGINT")))
    return None


def aggregate(node: exp.Expression, spec: DialectSpec) -> exp.Expression | None:
    args = node.expressions
    if len(args) != 1:
        return None
    return _AGGREGATES[node.name.lower()](this=args[0].copy())


def eomonth(node: exp.Expression, spec: DialectSpec) -> exp.Expression | None:
    args = node.expressions
    if len(args) != 1:
        return None
    return anonymous("LAST_DAY", exp.Cast(this=args[0].copy(), to=exp.DataType.build("DATE")))


SPEC = DialectSpec(
    name="tsql",
    sqlglot="tsql",
    aliases=("sqlserver", "sql_server", "mssql", "t-sql", "transact-sql", "azuresql"),
    title="SQL Server (T-SQL)",
    identifiers="insensitive",
    collation="nocase",
    decimal_default=(18, 0),
    cast_to_int="TRUNC",
    dow_extract_plus_one=True,
    week_number_differs=True,
    text_rewrites=(real_as_float24,),
    before_qualify=(generate_series_value,),
    rewrites={
        exp.DataType: data_type,
        exp.DateTrunc: week_trunc,
        exp.TimestampTrunc: week_trunc,
        exp.DateDiff: week_boundaries,
        exp.Add: plus_concatenates,
        exp.Avg: integer_avg,
        exp.Like: case_insensitive_like,
    },
    functions={**{name: aggregate for name in _AGGREGATES}, "eomonth": eomonth},
    refused=(("DATEPART(week ...)", "Sunday-based week numbers; use ISO_WEEK or DATETRUNC"),
             ("integer division whose operand types are unknown", "cast an operand to DECIMAL")),
)
