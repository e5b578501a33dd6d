"""Where sqlglot's translation to DuckDB would be silently wrong, fix the tree or refuse it.

Each rule is keyed by source dialect, because the same sqlglot node means different things in
different dialects (sqlglot's DayOfWeek is 0-6 in DuckDB but 1-7 when MySQL wrote it). Rules
run on the qualified, type-annotated tree, so they can ask "is this an integer?". A rule either
rewrites the node to a DuckDB expression with the source dialect's meaning, or raises
UnsupportedError naming the construct. tests/grader/test_dialect_gaps.py is the table of cases.
"""

from __future__ import annotations

from sqlglot import exp

from simgen.grader.errors import UnsupportedError

_INTEGER = exp.DataType.INTEGER_TYPES
_NUMERIC_NOT_INT = exp.DataType.REAL_TYPES
_TEXT = exp.DataType.TEXT_TYPES

# Unparameterised DECIMAL/NUMERIC means a different precision in every dialect; DuckDB's is (18,3).
# PostgreSQL's is arbitrary precision: (38,10) keeps every digit a rounding to 4 places needs.
_DECIMAL_DEFAULTS = {"postgres": (38, 10), "tsql": (18, 0), "mysql": (10, 0), "spark": (10, 0), "bigquery": (38, 9)}

# Casting a fraction to an integer: how each dialect rounds (DuckDB: half-even for DOUBLE,
# half away from zero for DECIMAL, which is PostgreSQL's behaviour too).
_CAST_TO_INT = {"tsql": "TRUNC", "spark": "TRUNC", "mysql": "ROUND", "snowflake": "ROUND", "bigquery": "ROUND"}

# EXTRACT(DAYOFWEEK ...) and DAYOFWEEK(): DuckDB numbers Sunday=0..Saturday=6.
_DOW_EXTRACT_PLUS_ONE = {"bigquery", "tsql", "spark"}
_DOW_FUNCTION_PLUS_ONE = {"mysql", "spark"}
_WEEK_NUMBER_DIFFERS = {"mysql", "bigquery", "tsql"}

# T-SQL's statistical aggregates: STDEVP, VAR and VARP are DuckDB's STDDEV_POP, VAR_SAMP, VAR_POP.
_TSQL_AGGREGATES = {"stdevp": exp.StddevPop, "var": exp.Variance, "varp": exp.VariancePop}

# Dialect functions sqlglot does not know, that DuckDB has with the same meaning.
_PASSTHROUGH = {
    "postgres": {"make_date", "cardinality"},
    "spark": {"make_date", "now"},
    "mysql": {"now"},
}


def anonymous(name: str, *args: exp.Expression) -> exp.Expression:
    """A DuckDB function call built as a node (rendered verbatim by the DuckDB generator).
    Marked, so the rule that refuses unknown source-dialect functions leaves it alone."""
    node = exp.Anonymous(this=name, expressions=list(args))
    node.meta["simgen"] = True
    return node


def _is(node: exp.Expression, types: set) -> bool:
    data_type = node.type
    return data_type is not None and data_type.this in types


def _known(node: exp.Expression) -> bool:
    data_type = node.type
    return data_type is not None and data_type.this not in (exp.DType.UNKNOWN, exp.DType.NULL)


def _unit(node: exp.Expression) -> str:
    unit = node.args.get("unit")
    return unit.name.upper() if unit is not None else "DAY"


def temporal(value: exp.Expression) -> exp.Expression:
    """A copy of `value` that DuckDB's date functions accept: text (a literal like '2025-01-05',
    which the source dialect converts implicitly) is cast to TIMESTAMP."""
    if _is(value, _TEXT) or (isinstance(value, exp.Literal) and value.is_string):
        return exp.Cast(this=value.copy(), to=exp.DataType.build("TIMESTAMP"))
    return value.copy()


def _plus_one_day(value: exp.Expression) -> exp.Expression:
    return exp.Add(this=temporal(value), expression=exp.Interval(this=exp.Literal.string("1"), unit=exp.var("DAY")))


def _sunday_week_trunc(value: exp.Expression) -> exp.Expression:
    """Weeks that start on Sunday (T-SQL's DATEFIRST 7): shift, truncate to Monday, shift back."""
    trunc = anonymous("DATE_TRUNC", exp.Literal.string("week"), _plus_one_day(value))
    return exp.Paren(this=exp.Sub(this=trunc, expression=exp.Interval(this=exp.Literal.string("1"), unit=exp.var("DAY"))))


# Date-part aliases of Spark, Snowflake and T-SQL that DuckDB spells differently (in DuckDB
# 'm' is a minute and 'mm' is unknown; in the others 'mm' is a month and 'mi' a minute).
_DATE_PARTS = {
    "mm": "month", "mon": "month", "mons": "month", "months": "month",
    "yy": "year", "yyyy": "year", "yyy": "year", "years": "year",
    "dd": "day", "days": "day", "q": "quarter", "qq": "quarter", "qtr": "quarter", "quarters": "quarter",
    "wk": "week", "ww": "week", "weeks": "week", "hh": "hour", "hh24": "hour", "hours": "hour",
    "mi": "minute", "n": "minute", "minutes": "minute", "ss": "second", "seconds": "second",
}


def drop_harmless_hints(tree: exp.Expression) -> exp.Expression:
    """T-SQL's OPTION (MAXRECURSION n) only relaxes SQL Server's recursion cap; the sandbox's own
    time limit bounds recursion here, so the hint is dropped rather than refused."""
    for option in list(tree.find_all(exp.QueryOption)):
        if option.name.upper() == "MAXRECURSION":
            option.pop()
    return tree


def _normalize_date_part(node: exp.Expression) -> None:
    unit = node.args.get("unit")
    if isinstance(unit, (exp.Literal, exp.Var)) and unit.name.lower() in _DATE_PARTS:
        canonical = _DATE_PARTS[unit.name.lower()]
        node.set("unit", exp.Literal.string(canonical) if isinstance(unit, exp.Literal) else exp.var(canonical.upper()))


def _tsql_generate_series(table: exp.Table) -> None:
    """T-SQL's table-valued GENERATE_SERIES names its column `value`; DuckDB's names it
    `generate_series`. Both include the stop value."""
    series = table.this.copy()
    inner = exp.select(exp.alias_(exp.column("generate_series"), "value")).from_(
        exp.Table(this=series, alias=exp.TableAlias(this=exp.to_identifier("_series"))))
    alias = table.args.get("alias") or exp.TableAlias(this=exp.to_identifier("generate_series"))
    table.replace(exp.Subquery(this=inner, alias=alias.copy()))


def before_qualify(tree: exp.Expression, dialect: str) -> exp.Expression:
    """Structural rewrites that must happen before scopes are analysed."""
    for node in list(tree.find_all(exp.DateTrunc, exp.TimestampTrunc, exp.DateDiff, exp.DateAdd,
                                   exp.TimestampDiff, exp.TimestampAdd, exp.DateSub)):
        if dialect != "duckdb":
            _normalize_date_part(node)
    if dialect == "spark":  # Spark's trunc(date, fmt) returns a DATE; DuckDB's date_trunc a TIMESTAMP
        for node in list(tree.find_all(exp.DateTrunc)):
            if not isinstance(node.parent, exp.Cast):
                node.replace(exp.Cast(this=node.copy(), to=exp.DataType.build("DATE")))
    if dialect == "tsql":
        for table in list(tree.find_all(exp.Table)):
            if isinstance(table.this, exp.GenerateSeries):
                _tsql_generate_series(table)
    for with_ in tree.find_all(exp.With):
        # T-SQL (and Snowflake, optionally) have no RECURSIVE keyword: a CTE naming itself is recursive.
        for cte in with_.expressions:
            if any(t.name.lower() == cte.alias_or_name.lower() and not t.db for t in cte.this.find_all(exp.Table)):
                with_.set("recursive", True)
    for lateral in list(tree.find_all(exp.Lateral)):
        apply = lateral.args.get("cross_apply")
        join = lateral.parent
        if apply is None or not isinstance(join, exp.Join):
            continue
        # T-SQL CROSS/OUTER APPLY: sqlglot emits JOIN LATERAL without ON, which DuckDB rejects.
        lateral.set("cross_apply", None)
        if apply:
            join.set("kind", "CROSS")
        else:
            join.set("side", "LEFT")
            join.set("on", exp.true())
    for agg in list(tree.find_all(exp.ArrayAgg)):
        limit = agg.this
        if isinstance(limit, exp.Limit):
            # BigQuery ARRAY_AGG(x ORDER BY y LIMIT n): DuckDB has no LIMIT there; slice the list.
            agg.set("this", limit.this)
            agg.replace(anonymous("LIST_SLICE", agg.copy(), exp.Literal.number(1), limit.expression.copy()))
    return tree


def after_annotate(tree: exp.Expression, dialect: str) -> exp.Expression:
    """Typed rewrites; `tree` has been qualified and annotated with the dataset's schema."""
    if dialect == "duckdb":
        return tree
    nodes = list(tree.walk())
    for node in nodes:  # refusals first, while every node still carries its annotated type
        _refuse(node, dialect)
    for node in reversed(nodes):  # children before parents, so a parent sees rewritten children
        replacement = _rewrite(node, dialect)
        if replacement is not None and replacement is not node:
            if node is tree:
                tree = replacement
            else:
                node.replace(replacement)
    return tree


def _pg_integer(node: exp.Expression) -> bool:
    """Is this an integer in PostgreSQL? sqlglot says INT for EXTRACT/DATE_PART (numeric/double in
    PostgreSQL) and for SUM of a BIGINT (numeric in PostgreSQL), which would make `/` truncate."""
    if isinstance(node, (exp.Paren, exp.Neg)):
        return _pg_integer(node.this)
    if isinstance(node, exp.Window):
        return _pg_integer(node.this)
    if isinstance(node, (exp.Add, exp.Sub, exp.Mul, exp.Mod)):
        return _pg_integer(node.this) and _pg_integer(node.expression)
    if isinstance(node, (exp.Extract, exp.Avg)) or type(node).__name__ in ("DatePart", "Epoch"):
        return False
    if isinstance(node, exp.Anonymous) and node.name.lower() in ("date_part", "extract"):
        return False
    if isinstance(node, exp.Sum) and _is(node.this, {exp.DType.BIGINT}):
        return False
    return _is(node, _INTEGER)


def _surely_fractional(node: exp.Expression) -> bool:
    """Is this value certainly not an integer, whatever its unknown parts? (100.0 * x, x * 1.0,
    CAST(x AS DECIMAL)...): numeric promotion makes the whole product or sum fractional."""
    if isinstance(node, (exp.Paren, exp.Neg)):
        return _surely_fractional(node.this)
    if isinstance(node, exp.Literal) and not node.is_string:
        return any(ch in node.this for ch in ".eE")
    if isinstance(node, (exp.Mul, exp.Add, exp.Sub)):
        return _surely_fractional(node.this) or _surely_fractional(node.expression)
    if _known(node) and not _is(node, _INTEGER):
        return _is(node, _NUMERIC_NOT_INT)
    return False


def _refuse(node: exp.Expression, dialect: str) -> None:
    if isinstance(node, exp.Div) and node.args.get("typed") and dialect == "postgres":
        if _known(node.this) and _known(node.expression) and not (_pg_integer(node.this) and _pg_integer(node.expression)):
            node.set("typed", False)  # numeric division in PostgreSQL: DuckDB's / gives the same value
            return
    if isinstance(node, exp.Div) and node.args.get("typed"):
        if _surely_fractional(node.this) or _surely_fractional(node.expression):
            node.set("typed", False)  # a fractional operand: no dialect truncates this division
            return
        if not (_known(node.this) and _known(node.expression)):
            raise UnsupportedError(
                f"division {node.sql(dialect)} whose operand types cannot be determined", dialect,
                "in this dialect integer / integer truncates; cast an operand (CAST(a AS DECIMAL) / b, or a * 1.0 / b)",
            )
    if isinstance(node, exp.Or) and dialect == "mysql":
        if _is(node.this, _TEXT) or _is(node.expression, _TEXT):
            raise UnsupportedError(f"{node.sql('mysql')} (in MySQL || is logical OR, not string concatenation)",
                                   dialect, "use CONCAT(a, b)")


def _rewrite(node: exp.Expression, dialect: str) -> exp.Expression | None:
    if isinstance(node, exp.DataType) and node.parent is not None:
        return _data_type(node, dialect)
    if isinstance(node, (exp.Cast, exp.TryCast)) and dialect in _CAST_TO_INT:
        if node.to.this in _INTEGER and _is(node.this, _NUMERIC_NOT_INT):
            node.set("this", anonymous(_CAST_TO_INT[dialect], node.this.copy()))
        return None
    if isinstance(node, exp.Extract):
        part = node.name.upper()
        if part in ("DAYOFWEEK", "DOW", "WEEKDAY", "DW") and dialect in _DOW_EXTRACT_PLUS_ONE:
            return exp.Paren(this=exp.Add(this=anonymous("DAYOFWEEK", temporal(node.expression)), expression=exp.Literal.number(1)))
        if part in ("WEEK", "WK", "WW") and dialect in _WEEK_NUMBER_DIFFERS:
            raise UnsupportedError(f"{node.sql(dialect)} (week numbering starts on Sunday here, not ISO)", dialect,
                                   "use ISO weeks (ISOWEEK / ISO_WEEK) or DATE_TRUNC")
        return None
    if isinstance(node, exp.DayOfWeek) and dialect in _DOW_FUNCTION_PLUS_ONE:
        return exp.Paren(this=exp.Add(this=anonymous("DAYOFWEEK", temporal(node.this)), expression=exp.Literal.number(1)))
    if isinstance(node, (exp.Week, exp.WeekOfYear)) and dialect in _WEEK_NUMBER_DIFFERS and isinstance(node, exp.Week):
        raise UnsupportedError(f"{node.sql(dialect)} (non-ISO week numbering)", dialect, "use ISO weeks or DATE_TRUNC")
    if isinstance(node, (exp.DateTrunc, exp.TimestampTrunc)) and dialect == "tsql" and _unit(node) == "WEEK":
        return _sunday_week_trunc(node.this)
    if isinstance(node, exp.DateDiff) and _unit(node) == "WEEK" and dialect in ("tsql", "snowflake"):
        # Both count week boundaries crossed (Sunday in T-SQL, Monday in Snowflake); DuckDB counts days // 7.
        def trunc(value: exp.Expression) -> exp.Expression:
            if dialect == "tsql":
                return _sunday_week_trunc(value)
            return anonymous("DATE_TRUNC", exp.Literal.string("week"), temporal(value))
        return anonymous("DATE_DIFF", exp.Literal.string("week"), trunc(node.expression), trunc(node.this))
    if isinstance(node, exp.TimestampDiff) and dialect in ("mysql", "bigquery", "spark"):
        # These count whole units elapsed; DuckDB's DATE_DIFF counts boundaries, DATE_SUB whole units.
        start, end = (node.expression, node.this)
        return anonymous("DATE_SUB", exp.Literal.string(_unit(node).lower()), temporal(start), temporal(end))
    if isinstance(node, (exp.ToChar, exp.TimeToStr)) and dialect in ("snowflake", "postgres"):
        return _to_char(node, dialect)
    if isinstance(node, exp.Add) and dialect == "tsql" and _is(node.this, _TEXT) and _is(node.expression, _TEXT):
        return exp.DPipe(this=node.this.copy(), expression=node.expression.copy(), safe=True)
    if isinstance(node, exp.Avg) and dialect == "tsql" and _is(node.this, _INTEGER):
        # SQL Server's AVG of an integer column is an integer (truncated).
        target = node.parent if isinstance(node.parent, exp.Window) else node
        target.replace(exp.Cast(this=anonymous("TRUNC", target.copy()), to=exp.DataType.build("BIGINT")))
        return None
    if isinstance(node, exp.Round) and dialect == "postgres" and node.args.get("decimals") is None:
        inner = node.this
        if _is(inner, {exp.DType.DOUBLE, exp.DType.FLOAT}) and isinstance(inner, (exp.Column, exp.Cast)):
            return anonymous("ROUND_EVEN", inner.copy(), exp.Literal.number(0))  # round(float8) is rint
        return None
    if isinstance(node, (exp.Like, exp.ILike)) and dialect in ("mysql", "tsql") and isinstance(node, exp.Like):
        # Case-insensitive default collations: LIKE ignores case there.
        return exp.ILike(this=node.this.copy(), expression=node.expression.copy())
    if isinstance(node, exp.Anonymous):
        return _anonymous(node, dialect)
    return None


def _data_type(node: exp.DataType, dialect: str) -> exp.Expression | None:
    kind = node.this
    params = node.expressions
    if dialect == "tsql" and kind == exp.DType.BIT:
        return exp.DataType.build("BOOLEAN")
    if dialect == "tsql" and kind in (exp.DType.FLOAT, exp.DType.DOUBLE):
        # T-SQL FLOAT is FLOAT(53), 64-bit; only FLOAT(1..24) is 32-bit.
        bits = int(params[0].name) if params and params[0].name.isdigit() else 53
        return exp.DataType.build("REAL" if bits <= 24 else "DOUBLE")
    if dialect == "tsql" and kind == exp.DType.MONEY:
        return exp.DataType.build("DECIMAL(19, 4)")
    if kind in (exp.DType.DECIMAL, exp.DType.BIGDECIMAL) and not params and dialect in _DECIMAL_DEFAULTS:
        precision, scale = _DECIMAL_DEFAULTS[dialect]
        return exp.DataType.build(f"DECIMAL({precision}, {scale})")
    return None


def _to_char(node: exp.Expression, dialect: str) -> exp.Expression | None:
    from simgen.grader.timefmt import to_char

    fmt = node.args.get("format")
    if fmt is None:
        return None
    if not isinstance(fmt, exp.Literal) or not fmt.is_string:
        raise UnsupportedError("TO_CHAR with a computed format", dialect, "write the format as a string literal")
    value = node.this
    if _is(value, exp.DataType.NUMERIC_TYPES):
        raise UnsupportedError(f"TO_CHAR of a number ({node.sql(dialect)})", dialect, "use ROUND() and CAST(... AS VARCHAR)")
    if isinstance(node, exp.TimeToStr) and "simgen_format" not in node.meta:
        raise UnsupportedError(f"TO_CHAR format {fmt.name!r}", dialect, "the original format could not be recovered")
    original = node.meta.get("simgen_format", fmt.name)
    return to_char(temporal(value), original, dialect)


def _anonymous(node: exp.Anonymous, dialect: str) -> exp.Expression | None:
    name = node.name.lower()
    args = node.expressions
    if node.meta.get("simgen"):
        return None
    if name in _PASSTHROUGH.get(dialect, set()):
        return None
    if dialect == "tsql" and name in _TSQL_AGGREGATES and len(args) == 1:
        return _TSQL_AGGREGATES[name](this=args[0].copy())
    if name == "every" and dialect in ("postgres", "spark"):
        return exp.LogicalAnd(this=args[0].copy())
    if name == "weekday" and dialect == "mysql" and len(args) == 1:
        return exp.Paren(this=exp.Sub(this=anonymous("ISODOW", temporal(args[0])), expression=exp.Literal.number(1)))
    if name == "eomonth" and dialect == "tsql" and len(args) == 1:
        return anonymous("LAST_DAY", exp.Cast(this=args[0].copy(), to=exp.DataType.build("DATE")))
    if name == "bround" and dialect == "spark":
        return anonymous("ROUND_EVEN", args[0].copy(), args[1].copy() if len(args) > 1 else exp.Literal.number(0))
    if name in ("trunc", "truncate") and dialect == "snowflake" and len(args) == 2 and isinstance(args[1], exp.Literal) and args[1].is_string:
        return anonymous("DATE_TRUNC", exp.Literal.string(args[1].name.lower()), args[0].copy())
    if name in ("trunc", "truncate") and dialect == "snowflake":
        return anonymous("TRUNC", *[a.copy() for a in args])
    raise UnsupportedError(
        f"function {node.name}()", dialect,
        "it has no verified DuckDB equivalent with the same meaning; use a standard function",
    )
