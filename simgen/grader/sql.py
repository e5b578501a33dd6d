"""From a submitted file to one canonical DuckDB query: read, parse, gate, normalize, transpile.

    text --read--> str --tokenize/parse (sqlglot, source dialect)--> tree
         --gate (allowlist)--> --strip qualifiers, qualify, annotate types--> typed tree
         --fixups (dialect gaps)--> DuckDB SQL --gate again (DuckDB's own parse)--> Prepared

Every failure is a GradeError with a message a person can act on; nothing here raises
RecursionError or prints escape codes. The canonical SQL (plus the collation it needs) is the
cache key: two submissions that differ in whitespace, comments, keyword case or dialect but
mean the same query are executed once.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ErrorLevel, OptimizeError, SqlglotError, TokenError
from sqlglot.errors import ParseError as SqlglotParseError
from sqlglot.errors import UnsupportedError as SqlglotUnsupported
from sqlglot.optimizer.annotate_types import annotate_types
from sqlglot.optimizer.qualify import qualify
from sqlglot.schema import MappingSchema
from sqlglot.tokens import TokenType

from simgen.errors import SimgenError, UsageError
from simgen.grader import fixups, gate
from simgen.grader.dialects import DIALECTS, resolve_dialect
from simgen.grader.dialects import spec as dialect_spec
from simgen.grader.dialects.base import DialectSpec
from simgen.grader.errors import (GradeError, plain_words, InternalError, LimitError, ParseError, QueryError, SubmissionError,
                                  UnsupportedError)
from simgen.grader.submission import MAX_BYTES, Prepared, decode_submission, read_submission  # noqa: F401

MAX_TOKENS = 10_000
MAX_PAREN_DEPTH = 64  # bounds the parser's recursion before it starts
MAX_TREE_DEPTH = 200  # bounds the optimizer's and generator's recursion (DuckDB's own cap is 1000)
MAX_NODES = 20_000  # a 64 KB query of ordinary SQL has a few thousand
MAX_JOINS = 64  # resolving columns through NATURAL JOIN / USING grows fast: 150 of them took 28 s

# Case-insensitive default collations (MySQL utf8mb4_0900_ai_ci, SQL Server *_CI_AS), per dialect.
COLLATIONS = {name: s.collation for name in DIALECTS if (s := dialect_spec(name)).collation}

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_REQUIRED = re.compile(r"Required keyword: '(\w+)' missing for <class '[\w.]*?(\w+)'>")

Schema = dict[str, dict[str, str]]


class _DropCommandFallback(logging.Filter):
    """sqlglot logs a warning when it parses unknown syntax as a Command; the gate refuses those
    with a proper message, so the warning would only be noise on the grader's stderr."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Falling back to parsing as a 'Command'" not in record.getMessage()


logging.getLogger("sqlglot").addFilter(_DropCommandFallback())


def schema_from_tables(tables: object) -> Schema:
    """{table: {column: duckdb type}} from simgen.spec.TABLES (or anything with .name/.columns)."""
    return {t.name: {c.name: c.duckdb_type for c in t.columns} for t in tables}  # type: ignore[attr-defined]


def prepare(text: str | bytes, dialect: str | None = None, schema: Schema | None = None) -> Prepared:
    """Turn a submission into canonical, gated DuckDB SQL.

    >>> prepare("select 7/2 as x", "postgres", {}).sql
    'SELECT CAST(TRUNC(7 / 2) AS BIGINT) AS "x"'
    """
    if isinstance(text, bytes):
        text = decode_submission(text)
    frozen = _default_schema() if schema is None else _freeze(schema)
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise SubmissionError(f"the submission is larger than the limit of {MAX_BYTES:,} bytes")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise SubmissionError(f"the file contains a NUL byte (line {line}); it is not a text SQL file")
    try:
        name = resolve_dialect(dialect, text)
    except UsageError as error:
        if dialect:
            raise
        raise SubmissionError(f"the file's dialect header: {error}") from None
    exact = (text, name, frozen)
    hit = _BY_TEXT.get(exact)
    if hit is not None:
        return hit
    try:
        tokens = _tokenize(text, DIALECTS[name])
        key = (_token_key(tokens), name, frozen)
        hit = _BY_TOKENS.get(key)
        if hit is None:
            hit = _prepare(text, tokens, name, frozen)
    except RecursionError:
        raise LimitError("nesting", "the query is nested too deeply to analyse") from None
    except MemoryError:
        raise LimitError("memory", "the query is too large to analyse") from None
    except SimgenError:
        raise
    except Exception as error:  # noqa: BLE001 - e.g. the tokenizer: still one verdict, never a crash
        raise _internal("this query", "reading", error) from None
    for cache, cache_key in ((_BY_TOKENS, key), (_BY_TEXT, exact)):
        if len(cache) >= _CACHE_MAX:
            cache.clear()
        cache[cache_key] = hit
    return hit


def clear_caches() -> None:
    """Forget every prepared submission (benchmarks time preparation from a cold start)."""
    _BY_TOKENS.clear()
    _BY_TEXT.clear()


def _freeze(schema: Schema) -> tuple:
    return tuple((t, tuple(cols.items())) for t, cols in sorted(schema.items()))


@lru_cache(maxsize=1)
def _default_schema() -> tuple:
    """simgen's own tables, frozen once (every submission of a batch is prepared against them)."""
    from simgen.spec import TABLES

    return _freeze(schema_from_tables(TABLES))


# Submissions that differ only in whitespace, comments or the case of keywords and unquoted
# names tokenize alike: a batch prepares each such family once (tokenizing costs a fraction of
# parsing, qualifying and annotating). Quoted names, strings and numbers are kept exactly.
# Identical texts (copies of one file) skip even the tokenizer.
_BY_TOKENS: dict[tuple, Prepared] = {}
_BY_TEXT: dict[tuple, Prepared] = {}
_CACHE_MAX = 50_000
_EXACT_TOKENS = {TokenType.STRING, TokenType.IDENTIFIER, TokenType.NATIONAL_STRING, TokenType.NUMBER}


def _token_key(tokens: list) -> tuple:
    return tuple((t.token_type, t.text if t.token_type in _EXACT_TOKENS else t.text.lower()) for t in tokens)


def _prepare(text: str, tokens: list, dialect: str, frozen: tuple) -> Prepared:
    """The whole pipeline for one text and its tokens; `prepare` caches the outcome.

    A fixed sequence of stages, each asking the dialect's spec (simgen/grader/dialects/<name>.py):
    text rewrites, parse, idiom rewrites, gate, names, structural rewrites, qualify and type,
    typed rewrites and refusals, DuckDB SQL, gate again. Anything but a GradeError raised after
    parsing is a bug on our side or sqlglot's: it becomes an InternalError naming the stage and,
    where it can be found, the function it failed on.
    """
    spec = dialect_spec(dialect)
    read = spec.sqlglot
    for rule in spec.text_rewrites:
        rewritten = rule(text, tokens)
        if rewritten != text:
            text, tokens = rewritten, _tokenize(rewritten, read)
    tree = _parse(text, read, tokens)
    stage = "checking"
    try:
        tables = {name.lower() for name, _ in frozen}
        tree = fixups.drop_harmless_hints(tree)
        for tree_rule in spec.tree_rewrites:
            tree = tree_rule(tree)
        gate.check_tree(tree, tables, dialect)
        _check_size(tree)
        stage = "normalizing"
        if spec.to_char:
            _remember_to_char_formats(tree, tokens, read)
        tree = resolve_names(tree, spec)
        tree = _strip_table_qualifiers(tree, tables)
        tree = fixups.before_qualify(tree, spec)
        mapping = _mapping_schema(read, frozen)
        stage = "resolving the names and types in"
        try:
            tree = qualify(tree, schema=mapping, dialect=read, validate_qualify_columns=True,
                           quote_identifiers=True, identify=True)
            tree = annotate_types(tree, schema=mapping, dialect=read)
        except OptimizeError as error:
            raise QueryError(_name_hint(_clean(str(error)), spec)) from None
        except SqlglotError as error:
            raise UnsupportedError(_readable(_clean(str(error))), dialect) from None
        stage = "translating"
        tree = fixups.after_annotate(tree, spec)
        columns = tuple(tree.named_selects) if isinstance(tree, exp.Query) else ()
        try:
            # copy=False: the tree is ours and done with; the generator's defensive deep copy was
            # about a third of preparing a query never seen before.
            sql = tree.sql(dialect="duckdb", unsupported_level=ErrorLevel.RAISE, comments=False, copy=False)
        except SqlglotUnsupported as error:
            raise UnsupportedError(_readable(_clean(str(error))), dialect) from None
        stage = "checking the translation of"
        gate.check_duckdb(sql, tables, dialect)
    except (GradeError, RecursionError, MemoryError):
        raise
    except Exception as error:  # noqa: BLE001 - see the docstring
        raise _tree_failure(tree, tokens, stage, error) from None
    return Prepared(sql=sql, dialect=dialect, columns=columns, collation=spec.collation, source=text)


def resolve_names(tree: exp.Expression, spec: DialectSpec) -> exp.Expression:
    """Names resolve as the source database resolves them, before sqlglot qualifies them.

    "insensitive" dialects (MySQL, T-SQL, BigQuery, Spark, SQLite, Trino...): `Salary`, `SALARY`
    and a quoted `"Salary"` all name `salary`, so every identifier is folded to lower case and
    quoted. "lower" (PostgreSQL) and "upper" (Snowflake, Oracle) dialects keep quoted names exact
    and fold unquoted ones; sqlglot's qualify does that fold with the schema folded alike (the
    dataset's tables count as created unquoted), so `"SALARY"` matches in Oracle and not in
    PostgreSQL.
    """
    if spec.identifiers != "insensitive":
        return tree
    for identifier in tree.find_all(exp.Identifier):
        name = identifier.this
        if isinstance(name, str) and name != name.lower():
            identifier.set("this", name.lower())
    return tree


def _name_hint(message: str, spec: DialectSpec) -> str:
    """An unresolved name in a case-sensitive dialect: say how that dialect folds names."""
    if "could not be resolved" not in message and "Unknown column" not in message:
        return message
    if spec.identifiers == "lower":
        return (f"{message} (in {spec.title or spec.name} unquoted names fold to lower case and quoted "
                "names must match exactly: the dataset's names are lower case)")
    if spec.identifiers == "upper":
        return (f"{message} (in {spec.title or spec.name} unquoted names fold to upper case and quoted "
                "names must match exactly: write the dataset's names unquoted, or quoted in upper case)")
    return message


def _clean(message: str) -> str:
    return _ANSI.sub("", message).strip()


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _tokenize(text: str, read: str) -> list:
    try:
        tokens = Dialect.get_or_raise(read).tokenize(text)
    except TokenError as error:
        raise _token_error(text, str(error)) from None
    if not tokens:
        raise SubmissionError("the submission contains no SQL (it is empty or only comments)")
    if len(tokens) > MAX_TOKENS:
        raise LimitError("size", f"the query has {len(tokens):,} tokens; the limit is {MAX_TOKENS:,}")
    depth = 0
    for token in tokens:
        if token.token_type in (TokenType.L_PAREN, TokenType.L_BRACKET):
            depth += 1
            if depth > MAX_PAREN_DEPTH:
                line, column = token.line, token.col
                raise LimitError("nesting", f"parentheses nest deeper than {MAX_PAREN_DEPTH} levels "
                                            f"(line {line}, column {column})")
        elif token.token_type in (TokenType.R_PAREN, TokenType.R_BRACKET):
            depth -= 1
    return tokens


def _token_error(text: str, message: str) -> ParseError:
    """sqlglot's tokenizer error names a context, not a position: find the unterminated token."""
    context = re.search(r"Error tokenizing '(.*)'", message, re.DOTALL)
    snippet = context.group(1) if context else ""
    offset = text.find(snippet) + len(snippet) - 1 if snippet and snippet in text else len(text) - 1
    # The token that never ends starts at the last opening quote or comment before that point.
    opener = max(text.rfind(q, 0, offset + 1) for q in ("'", '"', "`", "/*", "$$", "["))
    start = opener if opener >= 0 else max(offset, 0)
    line, column = _position(text, start)
    found = text[start:start + 2] if text[start:start + 2] in ("/*", "$$") else text[start:start + 1]
    what = {"'": "string", '"': "quoted identifier", "`": "quoted identifier", "/*": "comment",
            "$$": "dollar-quoted string", "[": "bracketed identifier"}.get(found, "token")
    return ParseError(f"unterminated {what}", line, column, found, _source_line(text, line))


def _parse(text: str, read: str, tokens: list) -> exp.Expression:
    parser = Dialect.get_or_raise(read).parser(error_level=ErrorLevel.IMMEDIATE)
    try:
        statements = parser.parse(tokens, text)
    except SqlglotParseError as error:
        first = error.errors[0] if error.errors else {}
        description = _clean(str(first.get("description", error)))
        description = _REQUIRED.sub(lambda m: f"{plain_words(m.group(2))} is incomplete (missing {m.group(1)})",
                                    description)
        description = description.replace("Invalid expression / Unexpected token", "unexpected token")
        description = _readable(description)
        highlight = _clean(str(first.get("highlight", "")))
        line, column = _error_start(text, int(first.get("line") or 1), int(first.get("col") or 1), highlight)
        raise ParseError(description, line, column, highlight, _source_line(text, line)) from None
    except TokenError as error:
        raise _token_error(text, str(error)) from None
    except (RecursionError, MemoryError):
        raise
    except Exception as error:  # noqa: BLE001 - a sqlglot bug on odd input: say where it happened
        raise _parser_failure(tokens, getattr(parser, "_index", len(tokens)), error) from None
    return gate.check_statements(statements)


_CLASS = re.compile(r"<class '(?:[\w]+\.)*(\w+)'>")
_FOR_EXPRESSION = re.compile(r"for expression '(\w+)'")


def _readable(description: str) -> str:
    """sqlglot's parse messages name its classes (`<class 'sqlglot.expressions.EQ'>`): use the SQL."""
    description = _CLASS.sub(lambda m: plain_words(m.group(1)), description)
    description = _FOR_EXPRESSION.sub(lambda m: f"for {plain_words(m.group(1))}", description)
    return description.replace("(missing this)", "(missing its operand)").replace(
        "(missing expression)", "(missing the right-hand side)")


def _source_line(text: str, line: int) -> str:
    """Line `line` (1-based) of the text exactly as written (sqlglot counts lines at "\\n")."""
    lines = text.split("\n")
    return lines[line - 1].rstrip("\r") if 0 < line <= len(lines) else ""


def _error_start(text: str, line: int, col: int, highlight: str) -> tuple[int, int]:
    """sqlglot names the line and the column of the offending token's LAST character; people
    count from its first. A token that spans lines (a string) starts on an earlier line."""
    pieces = highlight.split("\n")
    if len(pieces) > 1:
        return max(line - len(pieces) + 1, 1), max(len(_source_line(text, line - len(pieces) + 1))
                                                    - len(pieces[0]) + 1, 1)
    start = col - len(highlight) + 1 if highlight else col
    source = _source_line(text, line)
    # Trust sqlglot's position only where the token really is there; else search the line for it.
    if highlight and source[start - 1:start - 1 + len(highlight)] != highlight and highlight in source:
        start = source.rfind(highlight, 0, max(col, len(highlight))) + 1 or source.find(highlight) + 1
    return line, max(start, 1)


def _parser_failure(tokens: list, index: int, error: Exception) -> InternalError:
    """The parser raised something other than a parse error (seen: T-SQL DATEDIFF with two
    arguments, Spark MAP(1), BigQuery regexp_extract()): name the innermost call open at the
    parser's position, as the user wrote it, with its line and column."""
    opened: list[int] = []
    for i, token in enumerate(tokens[: index + 1]):
        if token.token_type == TokenType.L_PAREN:
            opened.append(i)
        elif token.token_type == TokenType.R_PAREN and opened and i < index:
            opened.pop()
    call = next((tokens[i - 1] for i in reversed(opened) if i > 0 and tokens[i - 1].token_type not in
                 (TokenType.L_PAREN, TokenType.COMMA)), None)
    at = call or (tokens[min(index, len(tokens) - 1)] if tokens else None)
    construct = f"{call.text}(...)" if call else (repr(at.text) if at else "the query")
    where = f" at {_where(at)}" if at else ""
    return _internal(construct + where, "parsing", error)


def _where(token) -> str:
    """sqlglot's token column is that of its last character; people count from the first."""
    return f"line {token.line}, column {max(1, token.col - len(token.text) + 1)}"


def _internal(construct: str, stage: str, error: BaseException) -> InternalError:
    return InternalError(
        f"the grader failed on {construct} while {stage} it ({type(error).__name__}). This is a gap in "
        "simgen's SQL translation, not necessarily a mistake in your query: check that part (its arguments), "
        "or write it another way", construct=construct)


def _tree_failure(tree: exp.Expression | None, tokens: list, stage: str, error: Exception) -> InternalError:
    """A failure after parsing: name the innermost function that the user wrote and that DuckDB
    SQL cannot be generated for on its own (a node sqlglot made up, such as the cast it wraps an
    argument in, is named by the call the user wrote around it), else the stage alone."""
    called = {t.text.upper(): t for t, nxt in zip(tokens, tokens[1:]) if nxt.token_type == TokenType.L_PAREN}
    failing = []
    for node in (tree.find_all(exp.Func) if tree is not None else ()):
        try:
            node.sql(dialect="duckdb", unsupported_level=ErrorLevel.IGNORE)
        except Exception:  # noqa: BLE001 - probing which node breaks the generator
            failing.append(node)
    for node in reversed(failing):  # find_all is breadth-first: innermost last
        names = [node.name] if isinstance(node, exp.Anonymous) else [*getattr(node, "_sql_names", ()), node.sql_name()]
        token = next((called[n.upper()] for n in names if n.upper() in called), None)
        if token is not None:
            return _internal(f"{token.text}(...) at {_where(token)}", stage, error)
    return _internal("this query", stage, error)


def _check_size(tree: exp.Expression) -> None:
    """Bound what preparing may cost before the optimizer runs: depth (its recursion), nodes and
    joins (its time: column resolution through many joins grows faster than linearly)."""
    stack = [(tree, 1)]
    nodes = joins = 0
    while stack:
        node, depth = stack.pop()
        if depth > MAX_TREE_DEPTH:
            raise LimitError("nesting", f"the expression is nested more than {MAX_TREE_DEPTH} levels deep; "
                                        "simplify it (long chains of AND/OR/+ count as nesting)")
        nodes += 1
        joins += isinstance(node, exp.Join)
        if nodes > MAX_NODES:
            raise LimitError("size", f"the query has more than {MAX_NODES:,} syntax nodes; simplify it")
        if joins > MAX_JOINS:
            raise LimitError("size", f"the query has more than {MAX_JOINS} joins; simplify it")
        stack.extend((child, depth + 1) for child in node.iter_expressions())


def _strip_table_qualifiers(tree: exp.Expression, tables: set[str]) -> exp.Expression:
    """BigQuery `project.dataset.users`, T-SQL `dbo.users`, Snowflake `db.schema.users` -> `users`."""
    for table in tree.find_all(exp.Table):
        if gate.table_function_name(table) is None and table.name.lower() in tables:
            table.set("db", None)
            table.set("catalog", None)
            ident = table.this
            quoted = isinstance(ident, exp.Identifier) and ident.quoted
            # A quoted name keeps its exact spelling: PostgreSQL "Users" is not users.
            table.set("this", exp.to_identifier(table.name if quoted else table.name.lower(), quoted=quoted))
    return tree


def _remember_to_char_formats(tree: exp.Expression, tokens: list, read: str) -> None:
    """TO_CHAR of a date: sqlglot rewrites the format while parsing, losing e.g. PostgreSQL `Day`
    (-> `%uay`). Recover each original format from the tokens and attach it to its node."""
    originals: dict[str, str | None] = {}
    for i, token in enumerate(tokens[:-1]):
        if token.text.upper() not in ("TO_CHAR", "TO_VARCHAR") or tokens[i + 1].token_type != TokenType.L_PAREN:
            continue
        depth = 0
        for j in range(i + 1, len(tokens) - 1):
            kind = tokens[j].token_type
            depth += kind == TokenType.L_PAREN
            depth -= kind == TokenType.R_PAREN
            if depth == 0:
                break
            if depth == 1 and kind == TokenType.COMMA and tokens[j + 1].token_type == TokenType.STRING:
                raw = tokens[j + 1].text
                probe = f"SELECT TO_CHAR(CAST(x AS DATE), {exp.Literal.string(raw).sql(read)})"
                converted = sqlglot.parse_one(probe, read=read).find(exp.TimeToStr)
                for key in {raw, converted.args["format"].name if converted is not None else raw}:
                    originals[key] = raw if originals.get(key, raw) == raw else None
                break
    for node in tree.find_all(exp.TimeToStr, exp.ToChar):
        fmt = node.args.get("format")
        if isinstance(fmt, exp.Literal) and originals.get(fmt.name):
            node.meta["simgen_format"] = originals[fmt.name]


@lru_cache(maxsize=64)
def _mapping_schema(read: str, frozen: tuple) -> MappingSchema:
    """sqlglot's schema for one dialect; types are DuckDB's, so parse them as DuckDB, not as `read`
    (in T-SQL, TIMESTAMP means rowversion)."""
    mapping = {table: {col: exp.DataType.build(kind, dialect="duckdb") for col, kind in cols} for table, cols in frozen}
    return MappingSchema(mapping, dialect=read)
