"""Which SQL dialect a submission is written in, and what the grader knows about each one.

One module per dialect (`duckdb.py`, `postgres.py`, ...), each defining `SPEC`, a `DialectSpec`
(see base.py): its sqlglot name, the names people type for it, how it resolves identifiers, its
default collation, and the rewrites and refusals that keep its meaning in DuckDB. To add a
dialect, write `<name>.py` with a SPEC, add its module name to `_MODULES`, and add its cases to
tests/grader/test_dialect_gaps.py and tests/grader/test_people_sql.py.

This module also reads the `-- dialect:` header and maps what a person typed to a canonical name.
"""

from __future__ import annotations

import importlib
import re

from simgen.errors import UsageError
from simgen.grader.dialects.base import DialectSpec

_MODULES = ("duckdb", "postgres", "mysql", "bigquery", "snowflake", "spark", "tsql",
            "oracle", "sqlite", "redshift", "trino", "databricks")

SPECS: dict[str, DialectSpec] = {}
for _module in _MODULES:
    _spec: DialectSpec = importlib.import_module(f"{__name__}.{_module}").SPEC
    SPECS[_spec.name] = _spec

# Canonical name -> the sqlglot dialect that reads it.
DIALECTS: dict[str, str] = {name: spec.sqlglot for name, spec in SPECS.items()}

ALIASES: dict[str, str] = {alias: name for name, spec in SPECS.items() for alias in spec.aliases}

DEFAULT_DIALECT = "duckdb"

# `-- dialect: postgres` (also `--dialect=postgres`, `/* dialect: tsql */`) on the first line.
_HEADER = re.compile(r"^\s*(?:--|#|/\*)\s*dialect\s*[:=]\s*([A-Za-z][\w\- ]*?)\s*(?:\*/)?\s*$", re.IGNORECASE)


def spec(name: str) -> DialectSpec:
    """The DialectSpec of a canonical dialect name (see `normalize_dialect`)."""
    return SPECS[name]


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
