"""Reading, dialect choice, parsing, gating and canonical SQL, each stage on its own."""

from __future__ import annotations

import pytest
import sqlglot

from simgen.errors import UsageError
from simgen.grader import gate
from simgen.grader.dialects import header_dialect, normalize_dialect, resolve_dialect
from simgen.grader.errors import ForbiddenError, LimitError, ParseError, QueryError, SubmissionError
from simgen.grader.sql import MAX_BYTES, decode_submission, prepare, read_submission

from .fixtures import SCHEMA

TABLES = set(SCHEMA)


# --- read ---------------------------------------------------------------------------------------

def test_read_utf8_with_bom_and_utf16(tmp_path):
    (tmp_path / "a.sql").write_bytes(b"\xef\xbb\xbfselect 1")
    (tmp_path / "b.sql").write_bytes("select 'é'".encode("utf-16"))
    assert read_submission(tmp_path / "a.sql") == "select 1"
    assert read_submission(tmp_path / "b.sql") == "select 'é'"


def test_read_refuses_big_missing_and_binary_files(tmp_path):
    (tmp_path / "big.sql").write_bytes(b"-" * (MAX_BYTES + 1))
    with pytest.raises(SubmissionError, match="larger than the limit"):
        read_submission(tmp_path / "big.sql")
    with pytest.raises(SubmissionError, match="cannot read"):
        read_submission(tmp_path / "missing.sql")
    with pytest.raises(SubmissionError, match=r"not valid UTF-8: byte 0xff at line 2"):
        decode_submission(b"select 1\n\xff")


# --- dialect ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "canonical"), [
    ("PostgreSQL", "postgres"), ("pg", "postgres"), ("sqlserver", "tsql"), ("T-SQL", "tsql"), ("mssql", "tsql"),
    ("BigQuery", "bigquery"), ("databricks", "databricks"), ("mariadb", "mysql"), ("snowflake", "snowflake"),
    ("Oracle", "oracle"), ("presto", "trino"), ("athena", "trino"), ("sqlite3", "sqlite"), ("Redshift", "redshift"),
])
def test_dialect_aliases(name, canonical):
    assert normalize_dialect(name) == canonical


def test_unknown_dialect_names_the_choices():
    with pytest.raises(UsageError, match="postgres, mysql"):
        normalize_dialect("informix")


def test_dialect_comes_from_argument_then_header_then_default():
    text = "-- dialect: tsql\nselect top 1 user_id from users"
    assert header_dialect(text) == "tsql"
    assert resolve_dialect(None, text) == "tsql"
    assert resolve_dialect("postgres", text) == "postgres"
    assert resolve_dialect(None, "select 1") == "duckdb"
    assert header_dialect("\n\n/* dialect: BigQuery */\nselect 1") == "BigQuery"
    assert header_dialect("select 1 -- dialect: mysql") is None
    assert prepare(text, None, SCHEMA).dialect == "tsql"


# --- parse --------------------------------------------------------------------------------------

def test_parse_error_has_line_column_and_text_without_escapes():
    with pytest.raises(ParseError) as caught:
        prepare("select user_id\nfrom users\nwhere user_id = = 2", "duckdb", SCHEMA)
    error = caught.value
    assert (error.line, error.column, error.text) == (3, 17, "=")
    assert "line 3, column 17" in error.message and "\x1b" not in error.message
    assert error.to_dict()["line"] == 3


@pytest.mark.parametrize(("sql", "what", "line", "column"), [
    ("select 'abc from users", "string", 1, 8),
    ('select "abc from users', "quoted identifier", 1, 8),
    ("select 1\n/* never closed", "comment", 2, 1),
])
def test_tokenizer_errors_point_at_the_unterminated_token(sql, what, line, column):
    with pytest.raises(ParseError) as caught:
        prepare(sql, "postgres", SCHEMA)
    assert f"unterminated {what}" in caught.value.message
    assert (caught.value.line, caught.value.column) == (line, column)


def test_unknown_column_and_table_are_query_errors():
    with pytest.raises(QueryError, match="first_name"):
        prepare("select first_name from users", "postgres", SCHEMA)
    with pytest.raises(QueryError, match="unknown table 'user'.*users"):
        prepare("select * from user", "postgres", SCHEMA)


def test_limits_are_limit_errors_not_recursion_errors():
    with pytest.raises(LimitError) as caught:
        prepare("select " + "abs(" * 200 + "1" + ")" * 200, "duckdb", SCHEMA)
    assert caught.value.limit == "nesting"
    with pytest.raises(LimitError):
        prepare("select " + " + ".join(["1"] * 3000), "duckdb", SCHEMA)


# --- gate ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("sql", [
    "select * from users u join (select * from sessions) s using (user_id)",
    "with a as (select 1 x), b as (select x from a) select * from b",
    "with recursive r(n) as (select 1 union all select n + 1 from r where n < 3) select * from r",
    "select * from range(3)",
    "select * from generate_series(date '2025-01-01', date '2025-01-03', interval 1 day) t(d)",
    "select unnest([1, 2])",
    "select user_id from users union all select user_id from sessions",
    "from users select user_id",
])
def test_gate_allows_plain_queries(sql):
    assert prepare(sql, "duckdb", SCHEMA).sql.startswith(("SELECT", "WITH"))


def test_duckdb_level_gate_is_scope_aware():
    # A CTE only hides a catalog table inside its own scope: this reference escapes the scope.
    with pytest.raises(ForbiddenError, match="duckdb_settings"):
        gate.check_duckdb("SELECT * FROM (WITH duckdb_settings AS (SELECT 1) SELECT 1), duckdb_settings", TABLES)
    with pytest.raises(ForbiddenError, match="getenv"):
        gate.check_duckdb("SELECT getenv('HOME')", TABLES)
    with pytest.raises(ForbiddenError, match="DELETE"):
        gate.check_duckdb("WITH x AS (DELETE FROM users RETURNING *) SELECT * FROM x", TABLES)
    with pytest.raises(ForbiddenError, match="statement"):
        gate.check_duckdb("SELECT 1; SELECT 2", TABLES)
    gate.check_duckdb("WITH r AS (SELECT 1) SELECT * FROM r, users", TABLES)


def test_gate_tree_names_the_statement():
    with pytest.raises(ForbiddenError, match="INSERT"):
        gate.check_tree(sqlglot.parse_one("with x as (insert into users values (1) returning *) select * from x",
                                          read="postgres"), TABLES, "postgres")


# --- canonical SQL ------------------------------------------------------------------------------

def test_canonical_sql_ignores_whitespace_comments_case_and_qualifiers():
    a = prepare("SELECT user_id, name FROM users WHERE user_id = 1", "duckdb", SCHEMA)
    b = prepare("-- my answer\nselect   USER_ID,\n  Name /* hi */ from Users where user_id=1;", "duckdb", SCHEMA)
    c = prepare("select user_id, name from `proj.ds.users` where user_id = 1", "bigquery", SCHEMA)
    assert a.sql == b.sql == c.sql and a.key == b.key == c.key
    assert a.columns == ("user_id", "name")
    assert "--" not in b.sql and "/*" not in b.sql


def test_star_is_expanded_from_the_schema():
    prepared = prepare("select * from salaries", "postgres", SCHEMA)
    assert prepared.columns == tuple(SCHEMA["salaries"])


def test_prepare_accepts_bytes_and_refuses_nul():
    assert prepare(b"select 1 as x", None, SCHEMA).columns == ("x",)
    with pytest.raises(SubmissionError, match="NUL"):
        prepare("select 1\x00", None, SCHEMA)
