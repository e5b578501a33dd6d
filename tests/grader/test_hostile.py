"""Hostile submissions: each is contained with a clear message, the sandbox stays alive, and the
dataset (and the secret file beside it) is unchanged.

Two layers are tested: the full pipeline (prepare -> sandbox), and the sandbox alone with raw SQL
that skipped the gate, so that each layer holds on its own.
"""

from __future__ import annotations

import pytest

from simgen.grader.errors import (
    ForbiddenError,
    GradeError,
    LimitError,
    ParseError,
    QueryError,
    SubmissionError,
)
from simgen.grader.sql import prepare

from .fixtures import SCHEMA, fingerprint

F, Q, L, P, S = ForbiddenError, QueryError, LimitError, ParseError, SubmissionError

HOSTILE: list[tuple[str, str | bytes, type | tuple, str]] = [
    # (name, submission, error class(es), words in the message)
    ("read_csv", "select * from read_csv('/etc/passwd')", F, "read_csv"),
    ("read_csv_auto", "select * from read_csv_auto('/etc/passwd')", F, "read_csv_auto"),
    ("read_parquet", "select * from read_parquet('../expected.parquet')", F, "read_parquet"),
    ("read_text", "select content from read_text('/etc/passwd')", F, "read_text"),
    ("read_blob", "select * from read_blob('/etc/passwd')", F, "read_blob"),
    ("read_json", "select * from read_json('/etc/x.json')", F, "read_json"),
    ("glob", "select * from glob('/*')", F, "glob"),
    ("file literal", "select * from '/etc/passwd'", F, "file"),
    ("relative parquet literal", "select * from 'users/part-00000.parquet'", F, "file"),
    ("quoted path", 'select * from "../expected.csv"', F, "file"),
    ("scalar file read", "select load_file('/etc/passwd')", F, "load_file"),
    ("pg_read_file", "select pg_read_file('/etc/passwd')", F, "pg_read_file"),
    ("copy to", "copy users to '/tmp/simgen-leak.csv'", F, "COPY"),
    ("copy query to", "copy (select * from users) to 'users/part-00001.parquet'", F, "COPY"),
    ("export database", "export database '/tmp/simgen-leak'", (F, P), "export"),
    ("attach file", "attach '/tmp/simgen.db' as x", F, "ATTACH"),
    ("attach memory", "attach ':memory:' as m", F, "ATTACH"),
    ("detach", "detach memory", F, "DETACH"),
    ("install", "install httpfs", F, "INSTALL"),
    ("load", "load httpfs", F, "LOAD"),
    ("set", "set threads = 64", F, "SET"),
    ("set external access", "set enable_external_access = true", F, "SET"),
    ("reset", "reset memory_limit", F, "RESET"),
    ("set variable", "set variable x = 1", F, "SET"),
    ("pragma", "pragma version", F, "PRAGMA"),
    ("call", "call pragma_version()", F, "CALL"),
    ("create table", "create table t as select 1", F, "CREATE"),
    ("temp view shadowing", "create temp view users as select 1 as user_id", F, "CREATE"),
    ("create macro", "create macro f(x) as x", F, "CREATE"),
    ("insert", "insert into users values (1)", F, "INSERT"),
    ("delete", "delete from users", F, "DELETE"),
    ("update", "update users set name = 'x'", F, "UPDATE"),
    ("drop", "drop view users", F, "DROP"),
    ("delete in cte", "with x as (delete from users returning *) select * from x", F, "DELETE"),
    ("insert in cte", "with x as (insert into users (user_id) values (1) returning *) select * from x", F, "INSERT"),
    ("update in cte", "with x as (update users set name = 'a' returning *) select * from x", F, "UPDATE"),
    ("two statements", "select 1; select 2", F, "2 statements"),
    ("statement after query", "select 1; drop view users", F, "2 statements"),
    ("getenv", "select getenv('HOME')", F, "getenv"),
    ("current_setting", "select current_setting('allowed_paths')", F, "current_setting"),
    ("duckdb_settings", "select * from duckdb_settings()", F, "duckdb_settings"),
    ("duckdb_tables", "select * from duckdb_tables()", F, "duckdb_tables"),
    ("duckdb_views in subquery", "select * from users where name in (select sql from duckdb_views())", F, "duckdb_views"),
    ("pragma_table_info", "select * from pragma_table_info('users')", F, "pragma_table_info"),
    ("query()", "select * from query('select 1')", F, "query"),
    ("query_table()", "select * from query_table('users')", F, "query_table"),
    ("information_schema", "select * from information_schema.tables", F, "information_schema"),
    ("catalog view", "select * from sqlite_master", Q, "unknown table"),
    ("cte named like a catalog view", "with sqlite_master as (select 1) select * from duckdb_settings", Q, "unknown table"),
    ("version", "select version()", F, "version"),
    ("sequences", "select nextval('s')", F, "nextval"),
    ("sleep", "select sleep_ms(100000)", F, "sleep_ms"),
    ("write_log", "select write_log('x')", F, "write_log"),
    ("select into", "select * into t2 from users", F, "INTO"),
    ("parameters", "select $1", F, "parameter"),
    ("use", "use memory", F, "USE"),
    ("checkpoint", "checkpoint", F, "checkpoint"),
    ("transaction", "begin transaction", F, "transaction"),
    ("summarize", "summarize users", F, "SUMMARIZE"),
    ("mysql session variable", b"-- dialect: mysql\nselect @@version", F, "session variable"),
    ("tsql openrowset", b"-- dialect: tsql\nselect * from openrowset(bulk 'c:/x', single_clob) t", (F, P), ""),
    ("deep nesting", "select " + "(" * 500 + "1" + ")" * 500, L, "nest"),
    ("long AND chain", "select 1 where " + " and ".join(["1=1"] * 1500), L, "nest"),
    ("deep subqueries", "select * from " + "(select * from " * 80 + "users" + ") x" * 80, L, "nest"),
    ("huge literal", "select '" + "x" * 70_000 + "'", S, "limit"),
    ("huge IN list", "select * from users where user_id in (" + ",".join(str(i) for i in range(6000)) + ")", L, "tokens"),
    ("bad utf-8", b"select '\xff\xfe\xfa' as x", S, "UTF-8"),
    ("NUL byte", "select 1\x00; drop view users", S, "NUL"),
    ("comment only", "-- select * from users\n/* nothing */", S, "no SQL"),
    ("empty", "   \n\t ", S, "no SQL"),
    ("unknown dialect header", "-- dialect: informix\nselect 1", S, "dialect"),
    ("runaway recursive cte", "with recursive r(n) as (select 1 union all select n + 1 from r) select count(*) from r", L, "longer than"),
    ("cross join explosion", "select count(*) from sessions a, range(100000000) b, range(100000) c", L, ""),
    ("memory blow-up", "select list(range) from range(300000000)", L, ""),
    ("string blow-up", "select string_agg(repeat('x', 100000), '') from range(100000)", L, ""),
    ("result too big", "select * from range(100000)", L, "rows"),
]


@pytest.mark.parametrize(("name", "submission", "error", "words"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_submission_is_contained(sandbox, dataset, name, submission, error, words):
    with pytest.raises(GradeError) as caught:
        prepared = prepare(submission, None, SCHEMA)
        sandbox.run(prepared, "tiny")
    assert isinstance(caught.value, error), f"{name}: got {type(caught.value).__name__}: {caught.value}"
    message = caught.value.message
    assert words.lower() in message.lower(), message
    assert "\x1b[" not in message and "Traceback" not in message
    assert str(dataset) not in message and "simgen-sandbox-" not in message  # never a path of ours


def test_at_least_forty_kinds():
    assert len(HOSTILE) >= 40


def test_sandbox_survives_and_dataset_is_unchanged(sandbox, dataset):
    before = fingerprint(dataset)
    for _, submission, _, _ in HOSTILE[:20]:
        try:
            sandbox.run(prepare(submission, None, SCHEMA), "tiny")
        except GradeError:
            pass
    assert sandbox.run("select count(*) as n from users", "tiny").to_pylist() == [{"n": 5}]
    assert fingerprint(dataset) == before


# --- the sandbox alone: raw SQL that never went through the gate --------------------------------

RAW = [
    ("read a file", "select * from read_csv('/etc/passwd')"),
    ("read the secret", "select * from read_csv('{secret}')"),
    ("read a file literal", "select * from '{secret}'"),
    ("glob the dataset", "select * from glob('{dataset}/*')"),
    ("copy over a dataset file", "copy (select 1 as x) to '{dataset}/users/part-00000.parquet'"),
    ("copy next to the dataset", "copy (select 1 as x) to '{dataset}/users/part-00009.parquet'"),
    ("attach a file", "attach '{dataset}/x.db' as x"),
    ("install", "install httpfs"),
    ("load", "load httpfs"),
    ("set a limit", "set memory_limit = '100GB'"),
    ("turn access back on", "set enable_external_access = true"),
    ("unlock", "set lock_configuration = false"),
    ("two statements", "select 1; select 2"),
    ("dml in a cte", "with x as (delete from users returning *) select * from x"),
]


@pytest.mark.parametrize(("name", "sql"), RAW, ids=[r[0] for r in RAW])
def test_sandbox_blocks_raw_sql_on_its_own(sandbox, dataset, name, sql):
    before = fingerprint(dataset)
    secret = str(dataset.parent / "expected.csv")
    with pytest.raises(GradeError) as caught:
        sandbox.run(sql.format(secret=secret, dataset=dataset), "tiny")
    assert str(dataset) not in caught.value.message and secret not in caught.value.message
    assert fingerprint(dataset) == before
    assert not list(dataset.glob("users/part-00009.parquet"))


def test_shadowing_view_does_not_outlive_its_query(sandbox):
    # Even if a TEMP VIEW were created, each query runs on a fresh connection.
    with pytest.raises(GradeError):
        sandbox.run("create temp view users as select 1 as user_id", "tiny")
    for _ in range(4):  # reach every worker
        assert sandbox.run("select count(*) as n from users", "tiny").to_pylist() == [{"n": 5}]
