"""Which SQL dialect a submission is written in: names, aliases and the `-- dialect:` header.

Kept apart from the translation rules so the CLI can validate `--dialect` without importing the
optimizer, and so the list of names people type lives in one place.
"""

from __future__ import annotations

import re

from simgen.errors import UsageError

# Canonical name -> the sqlglot dialect that reads it.
DIALECTS: dict[str, str] = {
    "duckdb": "duckdb",
    "postgres": "postgres",
    "mysql": "mysql",
    "bigquery": "bigquery",
    "snowflake": "snowflake",
    "spark": "spark",
    "tsql": "tsql",
}

ALIASES: dict[str, str] = {
    "postgresql": "postgres",
    "pg": "postgres",
    "psql": "postgres",
    "mariadb": "mysql",
    "bq": "bigquery",
    "googlesql": "bigquery",
    "sparksql": "spark",
    "spark_sql": "spark",
    "databricks": "spark",
    "sqlserver": "tsql",
    "sql_server": "tsql",
    "mssql": "tsql",
    "t-sql": "tsql",
    "transact-sql": "tsql",
    "azuresql": "tsql",
    "duck": "duckdb",
}

DEFAULT_DIALECT = "duckdb"

# `-- dialect: postgres` (also `--dialect=postgres`, `/* dialect: tsql */`) on the first line.
_HEADER = re.compile(r"^\s*(?:--|#|/\*)\s*dialect\s*[:=]\s*([A-Za-z][\w\- ]*?)\s*(?:\*/)?\s*$", re.IGNORECASE)


def normalize_dialect(name: str) -> str:
    """Map what a person typed to a canonical dialect name.

    >>> normalize_dialect("PostgreSQL"), normalize_dialect("sqlserver"), normalize_dialect("T-SQL")
    ('postgres', 'tsql', 'tsql')
    """
    key = name.strip().lower().replace(" ", "")
    if key in DIALECTS:
        return key
    if key in ALIASES:
        return ALIASES[key]
    raise UsageError(
        f"unknown dialect {name!r}; choose one of: {', '.join(DIALECTS)} "
        f"(aliases: {', '.join(sorted(ALIASES))})"
    )


def header_dialect(text: str) -> str | None:
    """The dialect named on the first non-blank line of a submission, if it names one."""
    for line in text.splitlines():
        if not line.strip():
            continue
        match = _HEADER.match(line)
        return match.group(1) if match else None
    return None


def resolve_dialect(explicit: str | None, text: str) -> str:
    """The argument wins, then the file's header, then DuckDB: the order a person expects."""
    if explicit:
        return normalize_dialect(explicit)
    named = header_dialect(text)
    if named:
        return normalize_dialect(named)
    return DEFAULT_DIALECT
