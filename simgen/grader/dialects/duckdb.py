"""DuckDB: the engine itself. Nothing to translate; the gate still applies."""

from simgen.grader.dialects.base import DialectSpec

SPEC = DialectSpec(
    name="duckdb",
    sqlglot="duckdb",
    aliases=("duck",),
    title="DuckDB",
    identifiers="insensitive",
    date_part_aliases=False,
    notes=("the grader's own engine: every DuckDB function in the allowlist",),
)
