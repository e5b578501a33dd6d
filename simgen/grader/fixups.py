"""Where sqlglot's translation to DuckDB would be silently wrong, fix the tree or refuse it.

The rules that differ per dialect live in that dialect's module (simgen/grader/dialects/); this
module holds the stages that run them and the rules every dialect shares, driven by the fields of
its `DialectSpec` (decimal defaults, how a cast to an integer rounds, day-of-week numbering...).
The same sqlglot node means different things in different dialects (sqlglot's DayOfWeek is 0-6
in DuckDB but 1-7 when MySQL wrote it), so every rule asks the spec. Typed rules run on the
qualified, type-annotated tree, so they can ask "is this an integer?". A rule either rewrites the
node to a DuckDB expression with the source dialect's meaning, or raises UnsupportedError naming
the construct. tests/grader/test_dialect_gaps.py is the table of cases.
"""

from __future__ import annotations

from sqlglot import exp

from simgen.grader.dialects.base import (
    INTEGER,
    NUMERIC_NOT_INT,
    DialectSpec,
    anonymous,
    dow_plus_one,
    is_type,
    known,
    temporal,
    with_ties_to_qualify,
)
from simgen.grader.errors import UnsupportedError

# Kept importable from here: timefmt and older callers use these names.
_is, _known = is_type, known

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


def before_qualify(tree: exp.Expression, spec: DialectSpec) -> exp.Expression:
    """Structural rewrites that must happen before scopes are analysed: the shared ones, then the
    dialect's own (`spec.before_qualify`)."""
    if spec.date_part_aliases:
        for node in list(tree.find_all(exp.DateTrunc, exp.TimestampTrunc, exp.DateDiff, exp.DateAdd,
                                       exp.TimestampDiff, exp.TimestampAdd, exp.DateSub, exp.TsOrDsDiff,
                                       exp.TsOrDsAdd)):
            _normalize_date_part(node)
    tree = with_ties_to_qualify(tree)
    for rule in spec.before_qualify:
        tree = rule(tree)
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


def after_annotate(tree: exp.Expression, spec: DialectSpec) -> exp.Expression:
    """Typed rewrites; `tree` has been qualified and annotated with the dataset's schema."""
    if spec.name == "duckdb":  # the source is DuckDB itself: nothing to translate
        return tree
    nodes = list(tree.walk())
    for node in nodes:  # refusals first, while every node still carries its annotated type
        _refuse(node, spec)
    for node in reversed(nodes):  # children before parents, so a parent sees rewritten children
        replacement = _rewrite(node, spec)
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
    if isinstance(node, exp.Sum) and is_type(node.this, {exp.DType.BIGINT}):
        return False
    return is_type(node, INTEGER)


# Functions whose value is fractional in every dialect (T-SQL's VAR and STDEV return FLOAT even of
# integers; PostgreSQL's VARIANCE of an integer is NUMERIC), whatever sqlglot could annotate.
_FRACTIONAL = (exp.Variance, exp.VariancePop, exp.Stddev, exp.StddevPop, exp.StddevSamp, exp.Sqrt, exp.Ln,
               exp.Log, exp.Exp)
_FRACTIONAL_NAMES = {"var", "varp", "var_samp", "var_pop", "variance", "variance_samp", "variance_pop", "stdev",
                     "stdevp", "stddev", "stddev_samp", "stddev_pop", "sqrt", "ln", "log", "log10", "exp"}


def _surely_fractional(node: exp.Expression) -> bool:
    """Is this value certainly not an integer, whatever its unknown parts? (100.0 * x, x * 1.0,
    CAST(x AS DECIMAL)...): numeric promotion makes the whole product or sum fractional."""
    if isinstance(node, (exp.Paren, exp.Neg)):
        return _surely_fractional(node.this)
    if isinstance(node, exp.Literal) and not node.is_string:
        return any(ch in node.this for ch in ".eE")
    if isinstance(node, _FRACTIONAL) or (isinstance(node, exp.Anonymous) and node.name.lower() in _FRACTIONAL_NAMES):
        return True  # variances, standard deviations, roots and logarithms are never integers
    if isinstance(node, (exp.Mul, exp.Add, exp.Sub)):
        return _surely_fractional(node.this) or _surely_fractional(node.expression)
    if known(node) and not is_type(node, INTEGER):
        return is_type(node, NUMERIC_NOT_INT)
    return False


def _refuse(node: exp.Expression, spec: DialectSpec) -> None:
    dialect = spec.name
    if isinstance(node, exp.Div) and node.args.get("typed") and spec.pg_numeric_typing:
        if known(node.this) and known(node.expression) and not (_pg_integer(node.this) and _pg_integer(node.expression)):
            node.set("typed", False)  # numeric division in PostgreSQL: DuckDB's / gives the same value
            return
    if isinstance(node, exp.Div) and node.args.get("typed"):
        if _surely_fractional(node.this) or _surely_fractional(node.expression):
            node.set("typed", False)  # a fractional operand: no dialect truncates this division
            return
        if not (known(node.this) and known(node.expression)):
            raise UnsupportedError(
                f"division {node.sql(spec.sqlglot)} whose operand types cannot be determined", dialect,
                "in this dialect integer / integer truncates; cast an operand (CAST(a AS DECIMAL) / b, or a * 1.0 / b)",
            )
    rule = spec.rule(spec.refusals, node)
    if rule is not None:
        rule(node, spec)


def _rewrite(node: exp.Expression, spec: DialectSpec) -> exp.Expression | None:
    if isinstance(node, exp.Anonymous):
        return _anonymous(node, spec)
    rule = spec.rule(spec.rewrites, node)
    if rule is not None:
        replacement = rule(node, spec)
        if replacement is not None:
            return replacement
    if isinstance(node, exp.DataType) and node.parent is not None:
        return _decimal_default(node, spec)
    if isinstance(node, (exp.Cast, exp.TryCast)) and spec.cast_to_int:
        if node.to.this in INTEGER and is_type(node.this, NUMERIC_NOT_INT):
            node.set("this", anonymous(spec.cast_to_int, node.this.copy()))
        return None
    if isinstance(node, exp.Extract):
        part = node.name.upper()
        if part in ("DAYOFWEEK", "DOW", "WEEKDAY", "DW") and spec.dow_extract_plus_one:
            return dow_plus_one(node.expression)
        if part in ("WEEK", "WK", "WW") and spec.week_number_differs:
            raise UnsupportedError(f"{node.sql(spec.sqlglot)} (week numbering starts on Sunday here, not ISO)",
                                   spec.name, "use ISO weeks (ISOWEEK / ISO_WEEK) or DATE_TRUNC")
        return None
    if isinstance(node, exp.DayOfWeek) and spec.dow_function_plus_one:
        return dow_plus_one(node.this)
    if isinstance(node, exp.Week) and spec.week_number_differs:
        raise UnsupportedError(f"{node.sql(spec.sqlglot)} (non-ISO week numbering)", spec.name,
                               "use ISO weeks or DATE_TRUNC")
    if isinstance(node, (exp.ToChar, exp.TimeToStr)) and spec.to_char:
        return _to_char(node, spec)
    return None


def _decimal_default(node: exp.DataType, spec: DialectSpec) -> exp.Expression | None:
    """Unparameterised DECIMAL/NUMERIC means a different precision in every dialect; DuckDB's is (18,3)."""
    if node.this in (exp.DType.DECIMAL, exp.DType.BIGDECIMAL) and not node.expressions and spec.decimal_default:
        precision, scale = spec.decimal_default
        return exp.DataType.build(f"DECIMAL({precision}, {scale})")
    return None


def _to_char(node: exp.Expression, spec: DialectSpec) -> exp.Expression | None:
    from simgen.grader.timefmt import to_char

    dialect = spec.name
    fmt = node.args.get("format")
    if fmt is None:
        return None
    if not isinstance(fmt, exp.Literal) or not fmt.is_string:
        raise UnsupportedError("TO_CHAR with a computed format", dialect, "write the format as a string literal")
    value = node.this
    if is_type(value, exp.DataType.NUMERIC_TYPES):
        raise UnsupportedError(f"TO_CHAR of a number ({node.sql(spec.sqlglot)})", dialect,
                               "use ROUND() and CAST(... AS VARCHAR)")
    if isinstance(node, exp.TimeToStr) and "simgen_format" not in node.meta:
        raise UnsupportedError(f"TO_CHAR format {fmt.name!r}", dialect, "the original format could not be recovered")
    original = node.meta.get("simgen_format", fmt.name)
    return to_char(temporal(value), original, spec.to_char, dialect)


def _anonymous(node: exp.Anonymous, spec: DialectSpec) -> exp.Expression | None:
    name = node.name.lower()
    if node.meta.get("simgen"):
        return None
    if name in spec.passthrough:
        return None
    rule = spec.functions.get(name)
    if rule is not None:
        replacement = rule(node, spec)
        if replacement is not None:
            return replacement
    raise UnsupportedError(
        f"function {node.name}()", spec.name,
        "it has no verified DuckDB equivalent with the same meaning; use a standard function",
    )
