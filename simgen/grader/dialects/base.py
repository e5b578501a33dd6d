"""What one source dialect is, as data: `DialectSpec`, plus the small tree helpers its rules share.

A dialect module (`simgen/grader/dialects/<name>.py`) defines one `SPEC = DialectSpec(...)`. The
preparation pipeline in sql.py is a fixed sequence of stages; each stage asks the spec:

    text_rewrites     (text, tokens) -> text, before parsing (e.g. T-SQL REAL -> FLOAT(24))
    tree_rewrites     tree -> tree, right after parsing, before the gate (idioms that are no-ops
                      or that sqlglot parses into a construct the gate would refuse)
    identifiers       how names resolve: "insensitive", "lower" or "upper" (unquoted names fold)
    before_qualify    tree -> tree, structural rewrites that scopes must see
    refusals          {expression type: rule(node, spec)} raising UnsupportedError
    rewrites          {expression type: rule(node, spec) -> replacement or None}, on the typed tree
    functions         {lower-case function name sqlglot does not know: rule(node, spec)}
    collation         the default collation strings compare with (None: binary)

Everything else (decimal defaults, how a cast to an integer rounds, day-of-week numbering) is a
plain field read by the shared rules in fixups.py. A rule either rewrites to a DuckDB expression
with the source dialect's meaning or raises UnsupportedError naming the construct: never a
silent change of meaning.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlglot import exp

from simgen.grader.errors import UnsupportedError

Rule = Callable[[exp.Expression, "DialectSpec"], "exp.Expression | None"]
TreeRule = Callable[[exp.Expression], exp.Expression]
TextRule = Callable[[str, list], str]



@dataclass(frozen=True)
class DialectSpec:
    """Everything the grader knows about one source dialect.

    >>> DialectSpec("demo", "duckdb").identifiers
    'insensitive'
    """

    name: str
    sqlglot: str
    aliases: tuple[str, ...] = ()
    title: str = ""
    # Name resolution. "insensitive": quoted or not, `Salary` is `salary` (MySQL, T-SQL CI, ...).
    # "lower"/"upper": unquoted names fold to that case, quoted names must match exactly, and the
    # dataset's tables count as created unquoted (PostgreSQL `"Salary"` fails; Oracle `"SALARY"` works).
    identifiers: str = "insensitive"
    collation: str | None = None
    # DECIMAL/NUMERIC written without (p, s): the precision and scale the dialect means.
    decimal_default: tuple[int, int] | None = None
    # CAST(fraction AS INT): "TRUNC" or "ROUND" (half away from zero); None: DuckDB's own.
    cast_to_int: str | None = None
    # EXTRACT(DAYOFWEEK) / DAYOFWEEK() numbering Sunday = 1 instead of DuckDB's 0.
    dow_extract_plus_one: bool = False
    dow_function_plus_one: bool = False
    # WEEK numbering that starts on Sunday (refused: not ISO, not DuckDB's).
    week_number_differs: bool = False
    # Normalise date-part spellings ('mm' = month, 'mi' = minute): every dialect but DuckDB.
    date_part_aliases: bool = True
    # PostgreSQL-family typing of `/`: SUM(bigint), EXTRACT and date_part are numeric, not integer.
    pg_numeric_typing: bool = False
    # TO_CHAR(date, format) flavour the dialect's formats are read in ("postgres", "snowflake").
    to_char: str | None = None
    text_rewrites: tuple[TextRule, ...] = ()
    tree_rewrites: tuple[TreeRule, ...] = ()
    before_qualify: tuple[TreeRule, ...] = ()
    refusals: Mapping[type, Rule] = field(default_factory=dict)
    rewrites: Mapping[type, Rule] = field(default_factory=dict)
    functions: Mapping[str, Rule] = field(default_factory=dict)
    # Function names sqlglot does not know that DuckDB has with the same meaning.
    passthrough: frozenset[str] = frozenset()
    # For the README's dialect table: (construct, why) refused by name.
    refused: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()

    def rule(self, table: Mapping[type, Rule], node: exp.Expression) -> Rule | None:
        """The rule for `node`'s class or its nearest base class that has one."""
        for cls in type(node).__mro__:
            found = table.get(cls)
            if found is not None:
                return found
            if cls is exp.Expression:
                return None
        return None


# --- helpers the rules share ---------------------------------------------------------------------

INTEGER = exp.DataType.INTEGER_TYPES
NUMERIC_NOT_INT = exp.DataType.REAL_TYPES
TEXT = exp.DataType.TEXT_TYPES
TEMPORAL = exp.DataType.TEMPORAL_TYPES


def anonymous(name: str, *args: exp.Expression) -> exp.Expression:
    """A DuckDB function call built as a node (rendered verbatim by the DuckDB generator).
    Marked, so the rule that refuses unknown source-dialect functions leaves it alone."""
    node = exp.Anonymous(this=name, expressions=list(args))
    node.meta["simgen"] = True
    return node


def is_type(node: exp.Expression, types: set) -> bool:
    data_type = node.type
    return data_type is not None and data_type.this in types


def known(node: exp.Expression) -> bool:
    data_type = node.type
    return data_type is not None and data_type.this not in (exp.DType.UNKNOWN, exp.DType.NULL)


def unit_of(node: exp.Expression) -> str:
    unit = node.args.get("unit")
    return unit.name.upper() if unit is not None else "DAY"


def temporal(value: exp.Expression) -> exp.Expression:
    """A copy of `value` that DuckDB's date functions accept: text (a literal like '2025-01-05',
    which the source dialect converts implicitly) is cast to TIMESTAMP."""
    if is_type(value, TEXT) or (isinstance(value, exp.Literal) and value.is_string):
        return exp.Cast(this=value.copy(), to=exp.DataType.build("TIMESTAMP"))
    return value.copy()


def days(n: str | int = "1") -> exp.Interval:
    return exp.Interval(this=exp.Literal.string(str(n)), unit=exp.var("DAY"))


def sunday_week_trunc(value: exp.Expression) -> exp.Expression:
    """Weeks that start on Sunday (T-SQL's DATEFIRST 7): shift, truncate to Monday, shift back."""
    shifted = exp.Add(this=temporal(value), expression=days())
    trunc = anonymous("DATE_TRUNC", exp.Literal.string("week"), shifted)
    return exp.Paren(this=exp.Sub(this=trunc, expression=days()))


def dow_plus_one(value: exp.Expression) -> exp.Expression:
    """Sunday = 1 .. Saturday = 7 (MySQL, Spark, BigQuery, T-SQL): DuckDB's DAYOFWEEK + 1."""
    return exp.Paren(this=exp.Add(this=anonymous("DAYOFWEEK", temporal(value)), expression=exp.Literal.number(1)))


def refuse(construct: str, dialect: str, hint: str = "") -> UnsupportedError:
    return UnsupportedError(construct, dialect, hint)


def drop_order_by_null(tree: exp.Expression) -> exp.Expression:
    """MySQL's `GROUP BY ... ORDER BY NULL` asks for no sort (a no-op for the result): drop it.
    DuckDB would refuse ORDER BY a non-integer literal."""
    for order in list(tree.find_all(exp.Order)):
        keys = order.expressions
        if keys and all(isinstance(k, exp.Ordered) and isinstance(k.this, exp.Null) for k in keys):
            order.pop()
    return tree


# --- rules several dialects share (registered by their modules) ---------------------------------

def case_insensitive_like(node: exp.Expression, spec: DialectSpec) -> exp.Expression | None:
    """Case-insensitive default collations (MySQL, SQL Server): LIKE ignores case there."""
    if type(node) is exp.Like:
        return exp.ILike(this=node.this.copy(), expression=node.expression.copy())
    return None


def date_plus_days(node: exp.Expression, spec: DialectSpec) -> exp.Expression | None:
    """PostgreSQL/Redshift `date + n` / `date - n` add days and stay a DATE, for any integer n (a
    generate_series() value included, which DuckDB makes BIGINT and will not add to a DATE)."""
    left, right = node.this, node.expression
    # A column of generate_series() is untyped here; a non-integer there makes the cast fail loudly.
    maybe_integer = is_type(right, INTEGER) or (not known(right) and not isinstance(right, (exp.Interval, exp.Literal)))
    if is_type(left, {exp.DType.DATE}) and maybe_integer and not is_type(right, {exp.DType.INT}):
        node = node.copy()
        node.set("expression", exp.Cast(this=right.copy(), to=exp.DataType.build("INT")))
        return node
    return None


def whole_units_elapsed(node: exp.Expression, spec: DialectSpec) -> exp.Expression | None:
    """TIMESTAMPDIFF that counts whole units elapsed (MySQL, BigQuery, Spark); DuckDB's DATE_DIFF
    counts boundaries crossed and its DATE_SUB whole units."""
    start, end = node.expression, node.this
    return anonymous("DATE_SUB", exp.Literal.string(unit_of(node).lower()), temporal(start), temporal(end))


def every(node: exp.Expression, spec: DialectSpec) -> exp.Expression | None:
    """EVERY(x) is BOOL_AND(x) (PostgreSQL, Spark)."""
    return exp.LogicalAnd(this=node.expressions[0].copy())


def drop_from_dual(tree: exp.Expression) -> exp.Expression:
    """`SELECT ... FROM dual` (Oracle, MySQL): the one-row table is DuckDB's FROM-less SELECT."""
    for select in list(tree.find_all(exp.Select)):
        source = select.args.get("from_") or select.args.get("from")
        table = source.this if source is not None else None
        if (isinstance(table, exp.Table) and table.name.lower() == "dual" and not table.db
                and not table.args.get("alias") and not select.args.get("joins")):
            source.pop()
    return tree


def with_ties_to_qualify(tree: exp.Expression) -> exp.Expression:
    """`FETCH FIRST n ROWS WITH TIES` / T-SQL `TOP n WITH TIES`: DuckDB has no WITH TIES (and
    sqlglot would drop it silently), so keep the rows whose RANK() over the query's ORDER BY is at
    most n. ORDER BY keys that name a select alias are replaced by the aliased expression."""
    for select in list(tree.find_all(exp.Select)):
        limit = select.args.get("limit")
        options = limit.args.get("limit_options") if limit is not None else None
        if options is None or not options.args.get("with_ties"):
            continue
        order = select.args.get("order")
        dialect = "the query"
        if order is None:
            raise UnsupportedError("WITH TIES without ORDER BY", dialect, "add the ORDER BY that defines ties")
        if select.args.get("offset") or select.args.get("distinct") or options.args.get("percent"):
            raise UnsupportedError("WITH TIES together with OFFSET, DISTINCT or PERCENT", dialect,
                                   "rank the rows with RANK() OVER (ORDER BY ...) in a subquery and filter on it")
        count = limit.args.get("count") if isinstance(limit, exp.Fetch) else limit.expression
        aliases = {e.alias.lower(): e.this for e in select.expressions if isinstance(e, exp.Alias)}
        keys = []
        for key in order.expressions:
            key = key.copy()
            inner = key.this
            if isinstance(inner, exp.Column) and not inner.table and inner.name.lower() in aliases:
                key.set("this", aliases[inner.name.lower()].copy())
            keys.append(key)
        rank = exp.Window(this=anonymous("RANK"), order=exp.Order(expressions=keys))
        condition = exp.LTE(this=rank, expression=count.copy())
        existing = select.args.get("qualify")
        select.set("qualify", exp.Qualify(this=exp.and_(existing.this, condition) if existing else condition))
        select.set("limit", None)
    return tree


# --- row generators (date spines) -----------------------------------------------------------------

def series_table(alias: str, columns: list[tuple[str, exp.Expression]]) -> exp.Subquery:
    """A derived table `(SELECT expr AS name, ...) AS alias`, the shape every dialect's row
    generator is rewritten to: the expressions are DuckDB's UNNEST(GENERATE_SERIES(...)) (an
    Explode node), so the gate sees no table function at all.

    >>> series_table("g", [("n", exp.Explode(this=exp.GenerateSeries(start=exp.Literal.number(1),
    ...     end=exp.Literal.number(3))))]).sql("duckdb")
    '(SELECT UNNEST(GENERATE_SERIES(1, 3)) AS n) AS g'
    """
    select = exp.Select(expressions=[exp.alias_(value, name) for name, value in columns])
    return exp.Subquery(this=select, alias=exp.TableAlias(this=exp.to_identifier(alias)))


def integer_range(start: exp.Expression, end: exp.Expression) -> exp.Expression:
    """UNNEST(GENERATE_SERIES(start, end)): the integers start..end, inclusive, one row each."""
    return exp.Explode(this=exp.GenerateSeries(start=start, end=end))


def is_constant(node: exp.Expression) -> bool:
    """No column references outside a subquery of its own (a scalar subquery over the dataset is
    fine: it does not correlate with the row being generated)."""
    for column in node.find_all(exp.Column):
        select = column.find_ancestor(exp.Select)
        inside = select is not None and any(a is node for a in _ancestors(select))
        if not inside:
            return False
    return True


def _ancestors(node: exp.Expression):
    while node is not None:
        yield node
        node = node.parent


def sql_of(node: exp.Expression, dialect: str, limit: int = 80) -> str:
    """A construct as the user wrote it (re-generated in their dialect), shortened for a message."""
    try:
        text = " ".join(node.sql(dialect=dialect).split())
    except Exception:  # noqa: BLE001 - a message must never fail
        text = type(node).__name__.lower()
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


BOOLEAN = {exp.DType.BOOLEAN}


def booleans_are_integers(node: exp.Expression, spec: DialectSpec) -> exp.Expression | None:
    """MySQL and SQLite have no boolean type: a comparison or EXISTS is the integer 1 or 0, so
    `AVG(x > 3)` and `(a > b) + (c > d)` are arithmetic on integers. DuckDB has BOOLEAN and
    refuses that arithmetic: such operands are cast to INTEGER, the value MySQL and SQLite use."""
    for key in ("this", "expression"):
        operand = node.args.get(key)
        if isinstance(operand, exp.Expression) and is_type(operand, BOOLEAN):
            cast = exp.Cast(this=operand.copy(), to=exp.DataType.build("INTEGER"))
            cast.type = exp.DataType.build("INTEGER")
            node.set(key, cast)
    return None


def text_dates_in_arithmetic(node: exp.Expression, spec: DialectSpec) -> exp.Expression | None:
    """`'2025-03-01' + INTERVAL 1 MONTH`, `DATE_FORMAT(d, '%Y-%m-01') + INTERVAL 1 MONTH`: MySQL
    reads a string operand of date arithmetic as a date or datetime. DuckDB does not: the string
    is cast, to DATE when it is a date-only literal or a format without a time, else TIMESTAMP."""
    value = node.this
    if not (isinstance(node.expression, exp.Interval) or isinstance(node, (exp.DateAdd, exp.DateSub))):
        return None
    if not is_type(value, TEXT):
        return None
    date_only = (isinstance(value, exp.Literal) and len(value.this.strip()) == 10) or (
        isinstance(value, exp.TimeToStr) and isinstance(value.args.get("format"), exp.Literal)
        and not any(code in value.args["format"].this for code in ("%H", "%I", "%M", "%S", "%f", "%p", "%T")))
    cast = exp.Cast(this=value.copy(), to=exp.DataType.build("DATE" if date_only else "TIMESTAMP"))
    cast.type = cast.to.copy()
    node.set("this", cast)
    return None


def both(*rules: Rule) -> Rule:
    """Several rules for one expression type, applied in order; the first replacement wins."""
    def apply(node: exp.Expression, spec: DialectSpec) -> exp.Expression | None:
        for rule in rules:
            replacement = rule(node, spec)
            if replacement is not None:
                return replacement
        return None
    return apply
