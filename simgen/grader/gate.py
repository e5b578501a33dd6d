"""The gate: a submission may be one read-only query over the dataset's tables, and nothing else.

Two allowlists, because each sees what the other cannot:

1. `check_tree` walks sqlglot's tree of the submission as written. It refuses every node class
   that is not part of a plain query (DML, DDL, COPY, SET, PRAGMA, ATTACH, INSTALL, unparsed
   commands...) wherever it sits, including inside a CTE, and names the construct in the user's
   own terms.
2. `check_duckdb` asks DuckDB itself how it parses the final SQL (`json_serialize_sql`) and walks
   that: one SELECT, every function in the DuckDB allowlist, every table either a dataset table
   or a CTE visible at that point (so a CTE cannot be used to smuggle a catalog table past the
   check), only generator table functions. This is the check on the text that actually runs, so a
   sqlglot translation surprise cannot open a door.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable

import duckdb
from sqlglot import exp

from simgen.grader import functions
from simgen.grader.dialects.base import sql_of
from simgen.grader.errors import ForbiddenError, QueryError, UnsupportedError, plain_words

# Plain-query structure that is not an exp.Condition.
_STRUCTURE: tuple[type[exp.Expression], ...] = (
    exp.Select, exp.SetOperation, exp.Subquery, exp.With, exp.CTE, exp.From, exp.Join, exp.Where,
    exp.Group, exp.Having, exp.Qualify, exp.Order, exp.Ordered, exp.Limit, exp.Offset, exp.Fetch,
    exp.Alias, exp.Aliases, exp.TableAlias, exp.Table, exp.Identifier, exp.Var, exp.DataType,
    exp.DataTypeParam, exp.Distinct, exp.Star, exp.Interval, exp.IntervalSpan, exp.Lateral,
    exp.Values, exp.Tuple, exp.WindowSpec, exp.WithinGroup, exp.Filter, exp.IgnoreNulls,
    exp.RespectNulls, exp.HavingMax, exp.Lambda, exp.Slice, exp.GroupingSets, exp.Cube, exp.Rollup,
    exp.Pivot, exp.PivotAlias, exp.UnpivotColumns, exp.Sort, exp.Cluster, exp.Distribute,
    exp.AtTimeZone, exp.FromTimeZone, exp.National, exp.Comprehension, exp.JSONPath, exp.JSONPathPart,
    exp.TableSample, exp.ColumnPrefix, exp.Introducer, exp.LimitOptions,
)

# Conditions that are still not allowed: values from outside the query, and catalog/session/file functions.
_FORBIDDEN_CONDITIONS: tuple[type[exp.Expression], ...] = tuple(
    getattr(exp, name)
    for name in (
        "Placeholder", "Parameter", "SessionParameter", "ReadCSV", "ReadParquet", "ToFile", "JSONTable",
        "XMLTable", "GenerateTable", "CurrentDatabase", "CurrentSchema", "CurrentSchemas", "CurrentCatalog",
        "CurrentUser", "CurrentRole", "CurrentVersion", "CurrentSession", "CurrentStatement",
        "CurrentTransaction", "SessionUser", "CurrentAccount", "CurrentAccountName", "CurrentWarehouse",
        "CurrentClient", "CurrentIpAddress", "CurrentRegion", "CurrentUserId", "CurrentOrganizationName",
        "CurrentOrganizationUser", "CurrentAvailableRoles", "CurrentRoleType", "CurrentSecondaryRoles",
    )
    if hasattr(exp, name)
)

_STATEMENT_WORDS: dict[str, str] = {
    "Insert": "INSERT", "Update": "UPDATE", "Delete": "DELETE", "Merge": "MERGE", "Create": "CREATE",
    "Drop": "DROP", "Alter": "ALTER", "Copy": "COPY", "Export": "EXPORT", "Attach": "ATTACH",
    "Detach": "DETACH", "Install": "INSTALL", "LoadData": "LOAD", "Set": "SET", "SetItem": "SET",
    "Pragma": "PRAGMA", "Use": "USE", "Describe": "DESCRIBE", "Show": "SHOW", "Summarize": "SUMMARIZE",
    "Transaction": "a transaction", "Commit": "COMMIT", "Rollback": "ROLLBACK", "Grant": "GRANT",
    "Revoke": "REVOKE", "Analyze": "ANALYZE", "Refresh": "REFRESH", "Cache": "CACHE", "Uncache": "UNCACHE",
    "TruncateTable": "TRUNCATE", "Execute": "EXECUTE", "ExecuteSql": "EXECUTE", "Declare": "DECLARE",
    "Put": "PUT", "Get": "GET", "Kill": "KILL", "Into": "SELECT ... INTO", "Returning": "RETURNING",
    "Placeholder": "a query parameter", "Parameter": "a query parameter",
    "SessionParameter": "a session variable (@@...)", "ReadCSV": "read_csv (reading files)",
    "ReadParquet": "read_parquet (reading files)", "ToFile": "writing files",
}

# sqlglot's names for row generators in FROM (each becomes DuckDB range/generate_series/unnest).
_GENERATORS = {"range", "generateseries", "explodinggenerateseries", "unnest", "explode", "generatedatearray",
               "generatetimestamparray", "sequence"}

_SYSTEM_SCHEMAS = {"information_schema", "pg_catalog", "system", "temp", "sys", "main", "memory"}


# Constructs the allowlist refuses that have a name of their own, and what to write instead.
_CONSTRUCTS: dict[str, tuple[str, str]] = {
    "Version": ("time travel (AS OF / FOR SYSTEM_TIME / VERSION AS OF)", "the dataset has one version: drop the clause"),
    "HistoricalData": ("time travel (AT / BEFORE)", "the dataset has one version: drop the clause"),
    "Lock": ("a locking clause (FOR UPDATE / FOR SHARE / LOCK IN SHARE MODE)", "a graded query only reads: drop it"),
    "ForClause": ("FOR XML / FOR JSON", "return plain rows and columns"),
    "MatchRecognize": ("MATCH_RECOGNIZE", "use window functions (LAG/LEAD, ROW_NUMBER) over the ordered rows"),
    "QueryTransform": ("TRANSFORM ... USING (an external script)", "write the transformation in SQL"),
    "Pivot": ("the PIVOT statement", "write SELECT ... FROM t PIVOT (...) or CASE WHEN with GROUP BY"),
    "TableSample": ("TABLESAMPLE / USING SAMPLE (a random sample)",
                    "a sample changes from run to run; filter the rows with WHERE instead"),
    "TableFromRows": ("TABLE(...) over a function", "a query may read only the dataset's tables"),
}


def describe(node: exp.Expression, dialect: str = "duckdb") -> str:
    """A construct's name as a person would write it: never one of sqlglot's class names."""
    name = type(node).__name__
    if isinstance(node, (exp.Column, exp.Identifier, exp.Literal)) and node.parent is None:
        return f"the statement {node.sql()!r}"
    if isinstance(node, exp.Command):
        return f"command {str(node.this).upper()}"
    if name in _STATEMENT_WORDS:
        return _STATEMENT_WORDS[name]
    if isinstance(node, exp.Func):
        return f"function {node.sql_name() if not isinstance(node, exp.Anonymous) else node.name}()"
    written = sql_of(node, dialect, 60)
    words = _CONSTRUCTS[name][0] if name in _CONSTRUCTS else plain_words(name)
    return f"{words}: {written}" if written and written.lower() != words.lower() else words


def refusal(node: exp.Expression, dialect: str) -> ForbiddenError:
    """The ForbiddenError for a node the allowlist does not admit, with the rewrite where one exists."""
    why = _CONSTRUCTS.get(type(node).__name__, ("", ""))[1]
    return ForbiddenError(describe(node, dialect), why)


def cte_names(tree: exp.Expression) -> set[str]:
    """Every CTE name defined anywhere in the query, lower-cased."""
    return {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}


def table_function_name(table: exp.Table) -> str | None:
    """The function a FROM item calls (`FROM glob('*')`), or None for a plain table."""
    inner = table.this
    if isinstance(inner, exp.Anonymous):
        return str(inner.this).lower()
    if isinstance(inner, exp.Func):
        return inner.sql_name().lower()
    return None


def check_statements(statements: Iterable[exp.Expression | None]) -> exp.Expression:
    """Exactly one statement, and it is a query; returns it."""
    # sqlglot returns a comment after the final ';' as a bare Semicolon node: not a statement
    real = [s for s in statements if s is not None and not isinstance(s, exp.Semicolon)]
    if not real:
        raise ForbiddenError("an empty submission", "write one SELECT query")
    if len(real) > 1:
        raise ForbiddenError(f"{len(real)} statements", "submit exactly one query")
    root = real[0]
    if not isinstance(root, exp.Query):
        name = type(root).__name__
        if name not in _STATEMENT_WORDS and name not in _CONSTRUCTS and not isinstance(root, exp.Command):
            # an expression, not a statement (`SELEC x` reads as the alias `SELEC AS x`)
            raise ForbiddenError(f"the statement {sql_of(root, 'duckdb', 60)!r}",
                                 "it is not a query: a submission is one SELECT (is its first keyword misspelled?)")
        why = _CONSTRUCTS.get(name, ("", "only a single SELECT query is graded"))[1]
        raise ForbiddenError(describe(root), why)
    return root


def check_tree(root: exp.Expression, tables: set[str], dialect: str) -> None:
    """Walk every node; refuse what is not part of a read-only query over `tables`.

    >>> import sqlglot
    >>> check_tree(sqlglot.parse_one("select 1"), {"users"}, "duckdb")
    """
    ctes = cte_names(root)
    for node in root.walk():
        if isinstance(node, _FORBIDDEN_CONDITIONS):
            raise ForbiddenError(describe(node, dialect))
        if isinstance(node, exp.TableSample):
            raise refusal(node, dialect)
        if isinstance(node, exp.Table):
            _check_table(node, tables, ctes)
            continue
        if isinstance(node, exp.Anonymous):
            if functions.is_dangerous(node.name) or (dialect == "duckdb" and not functions.is_allowed_function(node.name)):
                raise ForbiddenError(f"function {node.name}()", "not in the list of functions a query may call")
            continue
        if isinstance(node, (exp.Condition, *_STRUCTURE)):
            if isinstance(node, exp.Select) and node.args.get("into"):
                raise ForbiddenError("SELECT ... INTO")
            continue
        raise refusal(node, dialect)


def _check_table(node: exp.Table, tables: set[str], ctes: set[str]) -> None:
    function = table_function_name(node)
    if function is not None:
        if function.replace("_", "") in _GENERATORS:
            return
        raise ForbiddenError(f"table function {function}()", "a query may read only the dataset's tables")
    name = node.name
    qualifiers = [part.name.lower() for part in (node.args.get("catalog"), node.args.get("db")) if part]
    if any(q in _SYSTEM_SCHEMAS for q in qualifiers) and name.lower() not in tables:
        raise ForbiddenError(f"table {node.sql()}", "system catalogs are not part of the dataset")
    if "/" in name or "\\" in name or "." in name or name.lower().startswith(("http:", "https:", "s3:")):
        raise ForbiddenError(f"reading the file {name!r}", "a query may read only the dataset's tables")
    if name.lower() in tables or (not qualifiers and name.lower() in ctes):
        return
    known = ", ".join(sorted(tables))
    raise QueryError(f"unknown table {node.sql()!r}; the dataset's tables are: {known}")


# --- the second check, on DuckDB's own parse of the SQL that will run --------------------------

_QUERY_NODES = {"SELECT_NODE", "SET_OPERATION_NODE", "RECURSIVE_CTE_NODE", "CTE_NODE"}
_EXPRESSION_CLASSES = {
    "CONSTANT", "COLUMN_REF", "FUNCTION", "COMPARISON", "CONJUNCTION", "OPERATOR", "CASE", "CAST",
    "BETWEEN", "SUBQUERY", "STAR", "WINDOW", "COLLATE", "LAMBDA", "LAMBDA_REF", "POSITIONAL_REFERENCE",
    "AGGREGATE", "TYPE",
}
_TABLE_REFS = {"BASE_TABLE", "JOIN", "SUBQUERY", "TABLE_FUNCTION", "EXPRESSION_LIST", "EMPTY", "EMPTY_FROM", "PIVOT"}
_FORBIDDEN_REFS = {"SHOW_REF", "COLUMN_DATA", "DELIM_GET", "BOUND_REF"}

_local = threading.local()


def _parser_connection() -> duckdb.DuckDBPyConnection:
    """A private in-memory DuckDB used only to parse; locked so it can never touch anything."""
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = duckdb.connect(config={"enable_external_access": False, "autoinstall_known_extensions": False,
                                      "autoload_known_extensions": False, "threads": 1})
        conn.execute("SET lock_configuration = true")
        _local.conn = conn
    return conn


def _duckdb_function_names() -> frozenset[str]:
    """Every function this DuckDB knows, to tell "not translated" from "not allowed"."""
    names = getattr(_local, "functions", None)
    if names is None:
        rows = _parser_connection().execute("SELECT DISTINCT lower(function_name) FROM duckdb_functions()").fetchall()
        names = _local.functions = frozenset(r[0] for r in rows)
    return names


def check_duckdb(sql: str, tables: set[str], dialect: str = "duckdb") -> None:
    """Re-check the final SQL as DuckDB parses it. Raises ForbiddenError / UnsupportedError."""
    raw = _parser_connection().execute("SELECT json_serialize_sql(?::VARCHAR)", [sql]).fetchone()[0]
    plan = json.loads(raw)
    if plan.get("error"):
        message = str(plan.get("error_message", ""))
        if "Only SELECT" in message:
            raise ForbiddenError("a statement other than a query")
        raise UnsupportedError(f"the translated query does not parse in DuckDB ({message})", dialect)
    statements = plan.get("statements", [])
    if len(statements) != 1:
        raise ForbiddenError(f"{len(statements)} statements", "submit exactly one query")
    # Explicit stack of (value, visible CTE names): no recursion, whatever the nesting.
    stack: list[tuple[object, frozenset[str]]] = [(statements[0]["node"], frozenset())]
    while stack:
        value, visible = stack.pop()
        if isinstance(value, list):
            stack.extend((item, visible) for item in value)
            continue
        if not isinstance(value, dict):
            continue
        visible = _check_json_node(value, tables, visible, stack, dialect)
        for key, child in value.items():
            if key != "cte_map" and isinstance(child, (dict, list)):
                stack.append((child, visible))


def _check_json_node(node: dict, tables: set[str], visible: frozenset[str], stack: list,
                     dialect: str) -> frozenset[str]:
    kind = node.get("type")
    cls = node.get("class")
    if isinstance(kind, str) and kind.endswith("_NODE") and kind not in _QUERY_NODES:
        raise ForbiddenError(kind.removesuffix("_QUERY_NODE").removesuffix("_NODE").replace("_", " "),
                             "only read-only queries are graded")
    if cls is not None and cls not in _EXPRESSION_CLASSES:
        raise ForbiddenError(f"{cls.lower().replace('_', ' ')} expression")
    if cls == "FUNCTION":
        name = str(node.get("function_name", ""))
        if node.get("schema") or node.get("catalog") or not functions.is_allowed_function(name):
            if not functions.is_dangerous(name) and name.lower() not in _duckdb_function_names():
                raise UnsupportedError(f"function {name}() (DuckDB has no such function)", dialect,
                                       "use a standard function with the same meaning")
            raise ForbiddenError(f"function {name}()", "not in the list of functions a query may call")
    if cls == "TYPE" and (node.get("schema") or node.get("catalog")):
        raise ForbiddenError(f"type {node.get('type_name')!r} from a schema")
    if cls == "COLLATE" and str(node.get("collation", "")).lower() not in functions.COLLATIONS:
        raise ForbiddenError(f"collation {node.get('collation')!r}")
    if cls is None and kind in _FORBIDDEN_REFS:
        raise ForbiddenError(str(kind).lower())
    if cls is None and kind == "TABLE_FUNCTION":
        call = node.get("function") or {}
        name = str(call.get("function_name", "")).lower()
        if name not in functions.TABLE_FUNCTIONS or call.get("schema") or call.get("catalog"):
            raise ForbiddenError(f"table function {name}()", "a query may read only the dataset's tables")
    if cls is None and kind == "BASE_TABLE":
        name = str(node.get("table_name", "")).lower()
        qualified = node.get("schema_name") or node.get("catalog_name")
        if qualified or not (name in tables or name in visible):
            raise ForbiddenError(f"table {name!r}", "a query may read only the dataset's tables and its own CTEs")
    cte_map = node.get("cte_map")
    if isinstance(cte_map, dict) and cte_map.get("map"):
        entries = cte_map["map"]
        names = [str(entry["key"]).lower() for entry in entries]
        for index, entry in enumerate(entries):
            body = entry["value"].get("query_node", {})
            own = {names[index]} if body.get("type") == "RECURSIVE_CTE_NODE" else set()
            stack.append((body, visible | set(names[:index]) | own))
        return visible | set(names)
    return visible
