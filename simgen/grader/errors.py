"""Why a submission cannot be graded: one class per kind of reason, each with a message for people.

Every class here means "cannot grade" (exit 2). A query that runs and returns the wrong rows is not
an error: that is a `Diff` (see compare.py). The CLI turns these into exit codes and JSON; the
grader only raises them. `kind` is a short stable word for reports ("most common failure kinds").
"""

from __future__ import annotations

import re

from simgen.errors import SimgenError


class GradeError(SimgenError):
    """Root of every reason a submission cannot be graded."""

    exit_code = 2
    kind = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, object]:
        """The fields a report needs, JSON-ready."""
        return {"kind": self.kind, "message": self.message}

    def __reduce__(self):
        # Subclasses take other arguments than `args`; rebuild from the instance's fields so an
        # error pickles across the pipe from a preparing or sandbox worker unchanged.
        return _rebuild, (type(self), self.args, self.__dict__)


def _rebuild(cls: type[GradeError], args: tuple, state: dict) -> GradeError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class SubmissionError(GradeError):
    """The file itself is unusable: unreadable, not text, empty, comment-only or too big."""

    kind = "submission"


class ParseError(GradeError):
    """The SQL does not parse in the submission's dialect.

    Carries the 1-based `line` and `column` of the first character of the offending `text`, so an
    editor or a person can jump to it. `context` is that line of the submission, exactly as
    written: the message quotes it with a caret under the column. Never terminal escape codes.

    >>> print(ParseError("unexpected token", 2, 11, "=", "WHERE a = = 2").message)
    syntax error at line 2, column 11 near '=': unexpected token
      WHERE a = = 2
                ^
    """

    kind = "parse"

    def __init__(self, description: str, line: int, column: int, text: str, context: str = "") -> None:
        self.description = description
        self.line = line
        self.column = column
        self.text = text
        self.context = context
        where = f"line {line}, column {column}"
        near = f" near {text!r}" if text else ""
        message = f"syntax error at {where}{near}: {description}"
        if context:
            message += f"\n  {context}\n  {caret(context, column, text)}"
        super().__init__(message)

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "line": self.line, "column": self.column, "text": self.text}


def caret(line: str, column: int, text: str = "") -> str:
    """Carets under `text` starting at the 1-based `column` of `line`; tabs kept so they line up."""
    prefix = "".join(c if c == "\t" else " " for c in line[: max(column - 1, 0)])
    width = len(text.split("\n")[0]) if text else 1
    return prefix + "^" * max(1, min(width, max(len(line) - column + 1, 1)))


class ForbiddenError(GradeError):
    """The query does something a submission may never do (write, read files, change settings...)."""

    kind = "forbidden"

    def __init__(self, construct: str, why: str = "") -> None:
        self.construct = construct
        message = f"not allowed: {construct}"
        if why:
            message += f" ({why})"
        super().__init__(message)

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "construct": self.construct}


class UnsupportedError(GradeError):
    """A construct of the source dialect that we will not translate, because DuckDB would give a
    silently different answer. The message names the construct and, where there is one, a rewrite."""

    kind = "unsupported"

    def __init__(self, construct: str, dialect: str, hint: str = "") -> None:
        self.construct = construct
        self.dialect = dialect
        message = f"unsupported {dialect} construct: {construct}"
        if hint:
            message += f"; {hint}"
        super().__init__(message)

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "construct": self.construct, "dialect": self.dialect}


class QueryError(GradeError):
    """The SQL is well formed but wrong for the dataset: an unknown table or column, a type error,
    or a runtime error from DuckDB. The message is DuckDB's or sqlglot's, with paths removed."""

    kind = "query"


class LimitError(GradeError):
    """The query hit a resource limit: time, memory, result rows, size or nesting depth."""

    kind = "limit"

    def __init__(self, limit: str, message: str) -> None:
        self.limit = limit
        super().__init__(message)

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "limit": self.limit}


class CancelledError(GradeError):
    """The person stopped the query (the practice page's Cancel) before it finished."""

    kind = "cancelled"


class SandboxError(GradeError):
    """The sandbox itself failed (a worker could not start, a dataset is unreadable): not the
    submission's fault, but still nothing to grade."""

    kind = "sandbox"


class InternalError(GradeError):
    """The grader itself failed on this submission (a bug in simgen or in sqlglot, or a DuckDB
    internal error): still one verdict, "cannot grade", naming the construct it failed on where
    it is known, and never a traceback or a lost batch."""

    kind = "internal"

    def __init__(self, message: str, construct: str = "") -> None:
        self.construct = construct
        super().__init__(message)

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "construct": self.construct}


# sqlglot's class names for operators, as a person writes them.
_OPERATORS = {
    "EQ": "=", "NEQ": "<>", "GT": ">", "GTE": ">=", "LT": "<", "LTE": "<=", "NullSafeEQ": "<=>",
    "NullSafeNEQ": "IS DISTINCT FROM", "DPipe": "||", "Add": "+", "Sub": "-", "Mul": "*", "Div": "/",
    "Mod": "%", "And": "AND", "Or": "OR", "Not": "NOT", "Like": "LIKE", "ILike": "ILIKE", "In": "IN",
    "Is": "IS", "Between": "BETWEEN", "Neg": "unary -", "BitwiseAnd": "&", "BitwiseOr": "|",
    "BitwiseXor": "^", "IntDiv": "DIV", "Dot": ".", "Bracket": "[...]", "PropertyEQ": ":=",
    "Kwarg": "=>", "Paren": "(...)", "TableFromRows": "TABLE(...)", "Lateral": "LATERAL",
}


def plain_words(class_name: str) -> str:
    """A sqlglot expression class name as words a person knows: an operator's symbol
    (`EQ` -> "the = operator"), else the name split and lower-cased (`JSONExtract` -> "json extract").

    >>> plain_words("EQ"), plain_words("TableSample"), plain_words("JSONPathKey")
    ('the = operator', 'table sample', 'json path key')
    """
    symbol = _OPERATORS.get(class_name)
    if symbol is not None:
        return symbol if symbol.endswith((")", "]")) or symbol == "LATERAL" else f"the {symbol} operator"
    return " ".join(re.findall(r"[A-Z]+(?=[A-Z][a-z]|\d|$)|[A-Z]?[a-z]+|\d+", class_name)).lower() or class_name.lower()
