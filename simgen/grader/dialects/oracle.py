"""Oracle: unquoted names fold to UPPER case, `''` is NULL, `||` skips NULLs, DATE carries a time
and date arithmetic is in days, ROWNUM filters rows before ORDER BY, FROM dual, MINUS, NVL/NVL2/
DECODE, FETCH FIRST n ROWS [WITH TIES], NULLs sort first under DESC, NUMBER is exact."""

from __future__ import annotations

from sqlglot import exp

from simgen.grader.dialects.base import (
    INTEGER,
    TEMPORAL,
    DialectSpec,
    anonymous,
    drop_from_dual,
    integer_range,
    is_constant,
    is_type,
    series_table,
    sql_of,
    temporal,
)
from simgen.grader.errors import UnsupportedError

_ROWNUM_HINT = "use FETCH FIRST n ROWS ONLY after the ORDER BY, or ROW_NUMBER() OVER (ORDER BY ...)"


def empty_string_is_null(tree: exp.Expression) -> exp.Expression:
    """Oracle has no empty string: the literal '' is NULL (so `x = ''` is never true)."""
    for literal in list(tree.find_all(exp.Literal)):
        if literal.is_string and literal.this == "":
            literal.replace(exp.Null())
    return tree


def _is_rownum(node: exp.Expression) -> bool:
    return isinstance(node, exp.Column) and not node.table and node.name.upper() == "ROWNUM"


def _limit_from(condition: exp.Expression) -> int | None | bool:
    """ROWNUM <= n / < n / = 1 -> n rows; ROWNUM = k (k > 1) or > k -> no rows (False)."""
    left, right = condition.this, condition.expression
    flipped = {exp.LT: exp.GT, exp.LTE: exp.GTE, exp.GT: exp.LT, exp.GTE: exp.LTE, exp.EQ: exp.EQ}
    kind = type(condition)
    if _is_rownum(right) and not _is_rownum(left):
        left, right, kind = right, left, flipped.get(kind, kind)
    if not _is_rownum(left) or not (isinstance(right, exp.Literal) and right.is_int):
        return None
    n = int(right.this)
    if kind is exp.LTE:
        return max(n, 0)
    if kind is exp.LT:
        return max(n - 1, 0)
    if kind is exp.EQ:
        return 1 if n == 1 else False
    if kind in (exp.GT, exp.GTE):
        return False if (n >= 1 if kind is exp.GT else n > 1) else None
    return None


def rownum(tree: exp.Expression) -> exp.Expression:
    """`WHERE ROWNUM <= n`: Oracle numbers rows as the FROM produces them, before ORDER BY. The
    classic top-n, `SELECT * FROM (SELECT ... ORDER BY ...) WHERE ROWNUM <= n`, is a LIMIT on the
    ordered subquery; `ROWNUM = 2` or `ROWNUM > 1` never matches (Oracle returns no rows)."""
    for select in list(tree.find_all(exp.Select)):
        where = select.args.get("where")
        uses = [c for c in select.find_all(exp.Column) if _is_rownum(c)]
        if not uses:
            continue
        conjuncts = list(where.this.flatten()) if where is not None and isinstance(where.this, exp.And) else \
            ([where.this] if where is not None else [])
        rownum_terms = [c for c in conjuncts if any(_is_rownum(x) for x in c.find_all(exp.Column))]
        own = [u for u in uses if u.find_ancestor(exp.Select) is select]
        if not own:
            continue
        if len(rownum_terms) != 1 or len(own) != 1 or own[0].find_ancestor(exp.Where) is None:
            raise UnsupportedError("ROWNUM outside a single `WHERE ROWNUM <= n` condition", "oracle", _ROWNUM_HINT)
        term = rownum_terms[0]
        n = _limit_from(term) if isinstance(term, (exp.LT, exp.LTE, exp.EQ, exp.GT, exp.GTE)) else None
        if n is None:
            raise UnsupportedError(f"ROWNUM condition {term.sql('oracle')}", "oracle", _ROWNUM_HINT)
        if select.args.get("order") is not None and n is not False:
            raise UnsupportedError(
                "ROWNUM with ORDER BY in the same query (Oracle numbers the rows before sorting them, "
                "so this returns arbitrary rows)", "oracle",
                "sort in a subquery: SELECT * FROM (SELECT ... ORDER BY ...) WHERE ROWNUM <= n, or FETCH FIRST n ROWS ONLY")
        rest = [c for c in conjuncts if c is not term]
        if n is False:
            select.set("where", exp.Where(this=exp.false()))
            continue
        select.set("where", exp.Where(this=exp.and_(*rest)) if rest else None)
        source = select.args.get("from_") or select.args.get("from")
        inner = source.this if source is not None else None
        pushable = (isinstance(inner, exp.Subquery) and isinstance(inner.this, exp.Select)
                    and inner.this.args.get("order") is not None and inner.this.args.get("limit") is None
                    and not rest and not select.args.get("joins") and not select.args.get("group")
                    and not select.args.get("distinct") and not any(select.find_all(exp.AggFunc)))
        target = inner.this if pushable else select
        if not pushable and isinstance(inner, exp.Subquery) and inner.this.args.get("order") is not None:
            raise UnsupportedError("ROWNUM over an ordered subquery together with other conditions, joins or "
                                   "aggregates", "oracle", _ROWNUM_HINT)
        target.set("limit", exp.Limit(expression=exp.Literal.number(n)))
    return tree


_CONNECT_HINT = ("the one CONNECT BY form translated is the row generator `SELECT ... LEVEL ... FROM dual "
                 "CONNECT BY LEVEL <= n`; for a hierarchy write a recursive WITH (WITH t (id, lvl) AS "
                 "(SELECT ... UNION ALL SELECT ... FROM t JOIN ...)), ANSI since Oracle 11gR2")


def _is_pseudo(node: exp.Expression, *names: str) -> bool:
    return (isinstance(node, exp.Column) and not node.table and not node.this.quoted
            and node.name.upper() in names)


def connect_by_rows(tree: exp.Expression) -> exp.Expression:
    """`SELECT DATE '2025-01-01' + LEVEL - 1 FROM dual CONNECT BY LEVEL <= 365`: Oracle's row
    generator. From the one row of dual, CONNECT BY adds a child per level while the condition
    holds, so LEVEL (and ROWNUM) run 1..n; the root row is always there, so n < 1 still gives one
    row. Rewritten to a derived table of the integers 1..max(n, 1). Any other CONNECT BY (START
    WITH, PRIOR, a real table) walks a hierarchy and is refused with the recursive WITH to write."""
    for select in list(tree.find_all(exp.Select)):
        connect = select.args.get("connect")
        if connect is None:
            continue
        source = select.args.get("from_") or select.args.get("from")
        table = source.this if source is not None else None
        condition = connect.args.get("connect")
        what = f"CONNECT BY {sql_of(condition, 'oracle')}" if condition is not None else "CONNECT BY"
        dual = (isinstance(table, exp.Table) and table.name.lower() == "dual" and not table.db
                and not select.args.get("joins"))
        if not dual or connect.args.get("start") is not None or any(connect.find_all(exp.Prior)):
            raise UnsupportedError(what + (" over a table" if not dual else " with START WITH / PRIOR"),
                                   "oracle", _CONNECT_HINT)
        count = _level_count(condition)
        if count is None:
            raise UnsupportedError(what, "oracle", _CONNECT_HINT)
        alias = table.alias or "dual"
        spine = series_table(alias, [("level", integer_range(exp.Literal.number(1), count))])
        for column in list(select.find_all(exp.Column)):
            # ROWNUM counts the rows WHERE keeps: it is LEVEL only when nothing is filtered.
            names = ("LEVEL",) if select.args.get("where") is not None else ("LEVEL", "ROWNUM")
            if _is_pseudo(column, *names) and column.find_ancestor(exp.Select) is select:
                column.replace(exp.column("level", table=alias))
        source.set("this", spine)
        select.set("connect", None)
    return tree


def _level_count(condition: exp.Expression | None) -> exp.Expression | None:
    """`LEVEL <= n` -> max(floor(n), 1); `LEVEL < n` -> max(ceil(n) - 1, 1); either side; also ROWNUM."""
    if not isinstance(condition, (exp.LTE, exp.LT, exp.GTE, exp.GT)):
        return None
    left, right, kind = condition.this, condition.expression, type(condition)
    if _is_pseudo(right, "LEVEL", "ROWNUM"):
        left, right = right, left
        kind = {exp.GTE: exp.LTE, exp.GT: exp.LT}.get(kind)
    if kind not in (exp.LTE, exp.LT) or not _is_pseudo(left, "LEVEL", "ROWNUM") or not is_constant(right):
        return None
    if isinstance(right, exp.Literal) and right.is_int:
        return exp.Literal.number(max(int(right.this) - (kind is exp.LT), 1))
    bound = (exp.Floor(this=right.copy()) if kind is exp.LTE
             else exp.Sub(this=exp.Ceil(this=right.copy()), expression=exp.Literal.number(1)))
    return exp.Greatest(this=exp.Cast(this=bound, to=exp.DataType.build("BIGINT")),
                        expressions=[exp.Literal.number(1)])


def text_concat(node: exp.Expression, spec: DialectSpec) -> exp.Expression | None:
    """`a || b` and CONCAT skip NULLs (NULL is the empty string), and an empty result is NULL."""
    parts = [node.this, node.expression] if isinstance(node, exp.DPipe) else list(node.expressions)
    return anonymous("NULLIF", anonymous("CONCAT", *[p.copy() for p in parts]), exp.Literal.string(""))


def date_is_timestamp(node: exp.Expression, spec: DialectSpec) -> exp.Expression | None:
    """Oracle DATE holds a time of day: CAST(x AS DATE) keeps it."""
    if node.parent is not None and node.this == exp.DType.DATE and isinstance(node.parent, exp.Cast):
        return exp.DataType.build("TIMESTAMP")
    return None


def _temporal(node: exp.Expression) -> bool:
    return is_type(node, TEMPORAL)


def day_arithmetic(node: exp.Expression, spec: DialectSpec) -> exp.Expression | None:
    """date - date is a number of days (with a fraction); date +/- n adds n days."""
    left, right = node.this, node.expression
    if isinstance(node, exp.Sub) and _temporal(left) and _temporal(right):
        seconds = anonymous("EPOCH", exp.Sub(this=exp.Cast(this=left.copy(), to=exp.DataType.build("TIMESTAMP")),
                                             expression=exp.Cast(this=right.copy(), to=exp.DataType.build("TIMESTAMP"))))
        result = exp.Paren(this=exp.Div(this=seconds, expression=exp.Literal.number("86400.0")))
        result.type = exp.DataType.build("DOUBLE")
        return result
    if _temporal(left) and not _temporal(right) and not isinstance(right, exp.Interval):
        if not is_type(right, INTEGER):
            raise UnsupportedError(f"{node.sql('oracle')} (adding a fraction of a day)", spec.name,
                                   "add an INTERVAL, e.g. d + INTERVAL '12' HOUR")
        step = exp.Mul(this=exp.Paren(this=right.copy()), expression=exp.Interval(this=exp.Literal.string("1"),
                                                                                 unit=exp.var("DAY")))
        kind = exp.Sub if isinstance(node, exp.Sub) else exp.Add
        result = kind(this=exp.Cast(this=left.copy(), to=exp.DataType.build("TIMESTAMP")), expression=step)
        result.type = exp.DataType.build("TIMESTAMP")  # so `d + LEVEL - 1` sees a date on its left
        return result
    return None


def trunc(node: exp.Expression, spec: DialectSpec) -> exp.Expression | None:
    """TRUNC(date) is midnight of that day; TRUNC(date, 'MM') the month; TRUNC(number[, n]) a number."""
    args = node.expressions
    if args and _temporal(args[0]):
        unit = "day"
        if len(args) == 2:
            if not (isinstance(args[1], exp.Literal) and args[1].is_string):
                raise UnsupportedError("TRUNC(date, computed unit)", spec.name, "write the unit as a literal")
            unit = {"dd": "day", "ddd": "day", "j": "day", "mm": "month", "mon": "month", "month": "month",
                    "yyyy": "year", "yy": "year", "year": "year", "y": "year", "q": "quarter", "hh": "hour",
                    "hh24": "hour", "mi": "minute", "iw": "week"}.get(args[1].name.lower())
            if unit is None:
                raise UnsupportedError(f"TRUNC format {args[1].name!r}", spec.name, "use DD, MM, YYYY, Q, IW, HH24 or MI")
        return exp.Cast(this=anonymous("DATE_TRUNC", exp.Literal.string(unit), temporal(args[0])),
                        to=exp.DataType.build("TIMESTAMP"))
    return anonymous("TRUNC", *[a.copy() for a in args])


def date_trunc(node: exp.Expression, spec: DialectSpec) -> exp.Expression | None:
    """sqlglot reads TRUNC(d, 'MM') as DATE_TRUNC; the unit spelling is Oracle's."""
    unit = node.args.get("unit")
    name = unit.name.lower() if unit is not None else "day"
    mapped = {"mm": "month", "mon": "month", "yyyy": "year", "yy": "year", "y": "year", "dd": "day", "ddd": "day",
              "q": "quarter", "hh": "hour", "hh24": "hour", "mi": "minute", "iw": "week"}.get(name, name)
    if mapped not in ("day", "month", "year", "quarter", "hour", "minute", "week"):
        raise UnsupportedError(f"TRUNC format {name!r}", spec.name, "use DD, MM, YYYY, Q, IW, HH24 or MI")
    return exp.Cast(this=anonymous("DATE_TRUNC", exp.Literal.string(mapped), temporal(node.this)),
                    to=exp.DataType.build("TIMESTAMP"))


def no_plus_join(tree: exp.Expression) -> exp.Expression:
    for column in tree.find_all(exp.Column):
        if column.args.get("join_mark"):
            raise UnsupportedError("the (+) outer-join operator", "oracle",
                                   "write LEFT JOIN other ON ... (ANSI joins mean the same)")
    return tree


def timestamp_literal(tree: exp.Expression) -> exp.Expression:
    """`TIMESTAMP '2025-06-30 00:00:00'`: sqlglot reads Oracle's literal as a parse with a format
    that requires fractional seconds, which fails on the literal as written; it is a plain
    TIMESTAMP literal, with or without a fraction."""
    for node in list(tree.find_all(exp.StrToTime)):
        value, fmt = node.this, node.args.get("format")
        if isinstance(value, exp.Literal) and value.is_string and isinstance(fmt, exp.Literal) \
                and fmt.this == "%Y-%m-%d %H:%M:%S.%f":
            node.replace(exp.Cast(this=value.copy(), to=exp.DataType.build("TIMESTAMP")))
    return tree


def keep_first_last(tree: exp.Expression) -> exp.Expression:
    """AGG(x) KEEP (DENSE_RANK FIRST|LAST ORDER BY ...) aggregates only the rows that tie for the
    first (last) place: DuckDB has no such aggregate, and its nearest, arg_min, keeps one row."""
    for node in tree.find_all(exp.Window):
        if str(node.args.get("over") or "").upper() == "KEEP":
            raise UnsupportedError(f"{sql_of(node, 'oracle')} (KEEP (DENSE_RANK FIRST/LAST ...))", "oracle",
                                   "rank the rows with ROW_NUMBER() or DENSE_RANK() OVER (PARTITION BY ... ORDER BY "
                                   "...) in a subquery and aggregate the rows ranked 1")
    return tree


SPEC = DialectSpec(
    name="oracle",
    sqlglot="oracle",
    aliases=("plsql", "oracledb", "oraclesql", "pl/sql"),
    title="Oracle",
    identifiers="upper",
    decimal_default=(38, 10),  # NUMBER without precision: up to 38 significant digits
    to_char="postgres",  # Oracle's date format elements (YYYY, MM, DD, HH24, Mon, Day, FM...) are PostgreSQL's
    tree_rewrites=(connect_by_rows, drop_from_dual, no_plus_join, timestamp_literal, keep_first_last),
    before_qualify=(empty_string_is_null, rownum),
    rewrites={
        exp.DPipe: text_concat,
        exp.Concat: text_concat,
        exp.DataType: date_is_timestamp,
        exp.Sub: day_arithmetic,
        exp.Add: day_arithmetic,
        exp.DateTrunc: date_trunc,
    },
    functions={"trunc": trunc},
    refused=(("ROWNUM other than `WHERE ROWNUM <= n` (alone, or over an ordered subquery)",
              "Oracle numbers rows before ORDER BY; use FETCH FIRST or ROW_NUMBER()"),
             ("the (+) outer-join operator", "write LEFT JOIN"),
             ("date + a fraction of a day", "add an INTERVAL"),
             ("CONNECT BY other than `FROM dual CONNECT BY LEVEL <= n`", "a hierarchy walk: write a recursive WITH"),
             ("AGG(x) KEEP (DENSE_RANK FIRST/LAST ORDER BY ...)", "rank with ROW_NUMBER()/DENSE_RANK() and aggregate rank 1")),
    notes=("'' is NULL; || and CONCAT skip NULLs", "date - date is days (fractional); date + n adds days",
           "TRUNC(date[, unit])", "FETCH FIRST n ROWS [WITH TIES]", "CONNECT BY LEVEL <= n on dual", "MINUS", "FROM dual", "NVL, NVL2, DECODE"),
)
