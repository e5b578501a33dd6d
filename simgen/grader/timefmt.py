"""TO_CHAR date formats (PostgreSQL, Snowflake) as DuckDB expressions, or a refusal naming the element.

sqlglot drops Snowflake's TO_CHAR format (the value is just cast to text) and maps PostgreSQL's
format letter by letter (`Day` becomes `%uay`). Both are silently wrong, so we translate the
format ourselves: each element becomes a piece (a strftime, a padded name, a computed number, a
literal) and the pieces are concatenated. An element we do not know is refused, never guessed.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from simgen.grader.errors import UnsupportedError

Piece = Callable[[exp.Expression], exp.Expression]


def _call(name: str, *args: exp.Expression) -> exp.Expression:
    node = exp.Anonymous(this=name, expressions=list(args))
    node.meta["simgen"] = True  # ours, not the submission's: fixups must not refuse it
    return node


def _strftime(spec: str) -> Piece:
    return lambda value: _call("STRFTIME", value.copy(), exp.Literal.string(spec))


def _case(piece: Piece, how: str) -> Piece:
    if how == "title":
        return piece
    return lambda value: _call("UPPER" if how == "upper" else "LOWER", piece(value))


def _pad(piece: Piece, width: int) -> Piece:
    return lambda value: _call("RPAD", piece(value), exp.Literal.number(width), exp.Literal.string(" "))


def _number(function: str, offset: int = 0) -> Piece:
    def build(value: exp.Expression) -> exp.Expression:
        number: exp.Expression = _call(function, value.copy())
        if offset:
            number = exp.Add(this=number, expression=exp.Literal.number(offset))
        return exp.Cast(this=exp.Paren(this=number), to=exp.DataType.build("VARCHAR"))
    return build


def _name(spec: str, raw: str, padded: int, fill_mode: bool) -> Piece:
    """Month/day names: the case follows the pattern's case (MONTH, Month, month), like PostgreSQL."""
    how = "upper" if raw.isupper() else "lower" if raw.islower() else "title"
    piece = _case(_strftime(spec), how)
    return piece if fill_mode or not padded else _pad(piece, padded)


def _postgres_element(raw: str, fill_mode: bool) -> Piece | None:
    upper = raw.upper()
    numeric = {
        "YYYY": "%Y", "IYYY": "%G", "YY": "%y", "MM": "%m", "DD": "%d", "DDD": "%j", "HH24": "%H",
        "HH12": "%I", "HH": "%I", "MI": "%M", "SS": "%S", "US": "%f", "IW": "%V",
    }
    unpadded = {"MM": "%-m", "DD": "%-d", "HH24": "%-H", "HH12": "%-I", "HH": "%-I", "MI": "%-M", "SS": "%-S", "DDD": "%-j"}
    if upper in numeric:
        return _strftime(unpadded.get(upper, numeric[upper]) if fill_mode else numeric[upper])
    if upper == "MONTH":
        return _name("%B", raw, 9, fill_mode)
    if upper == "MON":
        return _name("%b", raw, 0, fill_mode)
    if upper == "DAY":
        return _name("%A", raw, 9, fill_mode)
    if upper == "DY":
        return _name("%a", raw, 0, fill_mode)
    if upper in ("AM", "PM"):
        return _case(_strftime("%p"), "upper" if raw.isupper() else "lower")
    if upper == "D":
        return _number("DAYOFWEEK", 1)
    if upper == "ID":
        return _number("ISODOW")
    if upper == "Q":
        return _number("QUARTER")
    return None


_POSTGRES_TOKENS = ["HH24", "HH12", "IYYY", "YYYY", "MONTH", "DDD", "MON", "DAY", "HH", "YY", "MM", "DD",
                    "MI", "SS", "US", "IW", "DY", "AM", "PM", "ID", "D", "Q"]
_SNOWFLAKE = {
    "YYYY": "%Y", "YY": "%y", "MMMM": "%B", "MON": "%b", "MM": "%m", "DD": "%d", "DY": "%a", "HH24": "%H",
    "HH12": "%I", "AM": "%p", "PM": "%p", "MI": "%M", "SS": "%S", "FF": "%f", "FF6": "%f", "FF3": "%g",
}
_SNOWFLAKE_TOKENS = sorted(_SNOWFLAKE, key=len, reverse=True)


def to_char(value: exp.Expression, fmt: str, flavour: str, dialect: str | None = None) -> exp.Expression:
    """A DuckDB expression that formats `value` like TO_CHAR(value, fmt) in the format `flavour`
    ("postgres": PostgreSQL, Redshift and Oracle; "snowflake"); `dialect` names the source in refusals.

    >>> to_char(exp.column("d"), "YYYY-MM", "postgres").sql("duckdb")
    "STRFTIME(d, '%Y') || '-' || STRFTIME(d, '%m')"
    """
    dialect = dialect or flavour
    pieces: list[exp.Expression] = []
    literal = ""
    i = 0
    fill_mode = False
    while i < len(fmt):
        char = fmt[i]
        if char == '"':
            end = fmt.find('"', i + 1)
            if end < 0:
                raise UnsupportedError(f"TO_CHAR format {fmt!r} (unterminated quoted text)", dialect)
            literal += fmt[i + 1:end]
            i = end + 1
            continue
        if not char.isalpha():
            literal += char
            i += 1
            continue
        if flavour == "postgres" and fmt[i:i + 2].upper() == "FM":
            fill_mode = True
            i += 2
            continue
        tokens = _POSTGRES_TOKENS if flavour == "postgres" else _SNOWFLAKE_TOKENS
        match = next((t for t in tokens if fmt[i:i + len(t)].upper() == t), None)
        piece: Piece | None = None
        if match is not None:
            raw = fmt[i:i + len(match)]
            if flavour == "postgres":
                piece = _postgres_element(raw, fill_mode)
            else:
                piece = _strftime(_SNOWFLAKE[match])
        if piece is None:
            raise UnsupportedError(
                f"TO_CHAR format element {fmt[i:i + 4]!r} in {fmt!r}", dialect,
                "use YYYY, MM, DD, HH24, MI, SS, Mon, Month, Dy or Day, or EXTRACT()",
            )
        if literal:
            pieces.append(exp.Literal.string(literal))
            literal = ""
        pieces.append(piece(value))
        fill_mode = False
        i += len(match or "")
    if literal or not pieces:
        pieces.append(exp.Literal.string(literal))
    result = pieces[0]
    for piece_expr in pieces[1:]:
        result = exp.DPipe(this=result, expression=piece_expr, safe=True)
    return result
