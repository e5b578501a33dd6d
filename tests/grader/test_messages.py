"""Messages people read: a parse error quotes the line it names with a caret under the column, and
no refusal or error names one of sqlglot's internal classes (it names the construct as written,
and the rewrite that works where there is one)."""

from __future__ import annotations

import re

import pytest
from sqlglot import exp

from simgen.grader.errors import GradeError, ParseError
from simgen.grader.sql import prepare

from .fixtures import SCHEMA

# (dialect, submission, line, column, offending text): errors at the start, end and inside a line.
PARSE_ERRORS = [
    ("postgres", "SELECT user_id,\n       COUNT(*\nFROM sessions\nGROUP BY user_id", 3, 1, "FROM"),
    ("mysql", "SELECT user_id\nFROM sessions\nWHERE user_id = = 3\nORDER BY 1", 3, 17, "="),
    ("duckdb", "SELECT a,\n  b c d\nFROM sessions", 2, 7, "d"),
    ("tsql", "SELECT TOP\nFROM Sessions", 2, 1, "FROM"),
    ("spark", "SELECT user_id\nFROM sessions\nWHERE user_id >", 3, 15, ">"),
    ("snowflake", "SELECT USER_ID\nFROM SESSIONS\nQUALIFY", 3, 1, "QUALIFY"),
    ("oracle", "SELECT CASE WHEN 1 = 1 THEN\n  FROM dual", 2, 3, "FROM"),
    ("bigquery", "SELECT\n\tuser_id,\n\tCOUNT(* AS n\nFROM sessions", 3, 10, "AS"),
]


@pytest.mark.parametrize(("dialect", "sql", "line", "column", "text"), PARSE_ERRORS,
                         ids=[f"{c[0]}:{c[2]}:{c[3]}" for c in PARSE_ERRORS])
def test_parse_error_quotes_the_line_it_names_with_a_caret(dialect, sql, line, column, text):
    with pytest.raises(ParseError) as caught:
        prepare(sql, dialect, SCHEMA)
    error = caught.value
    assert (error.line, error.column, error.text) == (line, column, text)
    quoted_line, caret_line = error.message.splitlines()[1:3]
    source = sql.split("\n")[line - 1]
    assert quoted_line == "  " + source
    caret = caret_line[2:]
    assert caret.index("^") == column - 1
    assert source[column - 1:column - 1 + len(text)] == text
    assert caret.strip() == "^" * len(text)


def test_caret_keeps_tabs_so_it_lines_up():
    with pytest.raises(ParseError) as caught:
        prepare("SELECT\n\tuser_id,\n\tCOUNT(* AS n\nFROM sessions", "bigquery", SCHEMA)
    assert caught.value.message.splitlines()[2] == "  \t" + " " * 8 + "^^"


def test_a_string_that_spans_lines_is_named_where_it_starts():
    with pytest.raises(ParseError) as caught:
        prepare("SELECT 'abc\ndef' 'x' FROM\n", "postgres", SCHEMA)
    assert caught.value.line >= 1 and "^" in caught.value.message


REFUSED = [
 ("snowflake", "select * from table(result_scan(last_query_id()))"),
 ("snowflake", "select 1 from table(generator(timelimit => 1))"),
 ("snowflake", "select seq4() from users"),
 ("snowflake", "select f.value from users u, lateral flatten(input => split(u.email, '@')) f"),
 ("snowflake", "select * from users match_recognize (order by user_id pattern (a) define a as true)"),
 ("snowflake", "select * from users at(offset => -60)"),
 ("snowflake", "select $1 from @mystage"),
 ("tsql", "SELECT * FROM OPENROWSET('SQLNCLI', 'x', 'select 1')"),
 ("tsql", "SELECT * INTO t FROM users"),
 ("tsql", "select * from users for xml path"),
 ("tsql", "select * from users with (nolock) for json auto"),
 ("tsql", "WAITFOR DELAY '00:00:05'"),
 ("oracle", "select user_id from users start with user_id = 1 connect by prior user_id = user_id"),
 ("oracle", "select sys_connect_by_path(name, '/') from users connect by prior user_id = user_id"),
 ("oracle", "select * from users as of timestamp systimestamp"),
 ("oracle", "select level from users connect by level <= 3"),
 ("oracle", "select * from users model dimension by (user_id) measures (0 x) rules ()"),
 ("postgres", "select * from users for update"),
 ("postgres", "select pg_sleep(1)"),
 ("postgres", "table users"),
 ("postgres", "select * from users tablesample system(10)"),
 ("postgres", "select * from users, lateral (select 1) x"),
 ("postgres", "select $1 from users"),
 ("postgres", "select xmlelement(name foo)"),
 ("mysql", "select * from users into outfile '/tmp/x'"),
 ("mysql", "select @x := 1"),
 ("mysql", "select * from users lock in share mode"),
 ("mysql", "select @@version"),
 ("mysql", "select load_file('/etc/passwd')"),
 ("bigquery", "select * from users for system_time as of current_timestamp()"),
 ("bigquery", "select * from ML.PREDICT(MODEL m, table users)"),
 ("bigquery", "select * from users tablesample system (10 percent)"),
 ("spark", "select transform(user_id) using 'cat' from users"),
 ("spark", "select * from parquet.`/tmp/x`"),
 ("spark", "select * from users cluster by user_id"),
 ("spark", "select * from users lateral view explode(array(1,2)) t as x"),
 ("duckdb", "select * from read_csv('x')"),
 ("duckdb", "copy users to 'x.csv'"),
 ("duckdb", "summarize users"),
 ("duckdb", "select getenv('HOME')"),
 ("duckdb", "select * from users using sample 10"),
 ("duckdb", "pivot users on country using count(*)"),
 ("duckdb", "select * from glob('*')"),
 ("duckdb", "select * from duckdb_settings()"),
 ("duckdb", "attach 'x.db'"),
 ("duckdb", "select * from users, (values (1)) v(x) positional join sessions"),
 ("trino", "select * from users for version as of 1"),
 ("trino", "select * from table(sequence(start => 1, stop => 3))"),
 ("redshift", "select * from stv_recents"),
 ("sqlite", "select * from pragma_table_info('users')"),
 ("sqlite", "select * from users indexed by idx"),
 ("databricks", "select * from users version as of 1"),
 ("databricks", "select * from read_files('/x')"),
 ("mysql", "select user_id from users where user_id = = 1"),
 ("postgres", "select user_id from users where user_id in (select)"),
 ("tsql", "select top from users"),
 ("oracle", "select case when 1 then from dual"),
 ("bigquery", "select struct(1 as a).a"),
 ("snowflake", "select user_id from users qualify"),
 ("spark", "select 1 +"),
]

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CLASSES = {name for name in dir(exp) if isinstance(getattr(exp, name), type)
            and issubclass(getattr(exp, name), exp.Expression)}
_OPERATOR_CLASSES = {"EQ", "NEQ", "GT", "GTE", "LT", "LTE", "DPipe", "NullSafeEQ", "NullSafeNEQ"}


def class_names_in(message: str, sql: str) -> list[str]:
    """sqlglot class names in a message that the user did not write themselves."""
    written = set(_WORD.findall(sql))
    return sorted(word for word in set(_WORD.findall(message)) - written if word in _CLASSES
                  and (re.search(r"[a-z0-9][A-Z]|[A-Z]{2}[a-z]", word) or word in _OPERATOR_CLASSES))


@pytest.mark.parametrize(("dialect", "sql"), REFUSED, ids=[f"{c[0]}:{c[1][:40]}" for c in REFUSED])
def test_no_message_names_an_internal_class(dialect, sql):
    try:
        prepare(sql, dialect, SCHEMA)
    except GradeError as error:
        assert not class_names_in(error.message, sql), error.message
        construct = getattr(error, "construct", "")
        assert construct not in _CLASSES, error.message


@pytest.mark.parametrize(("dialect", "sql", "words"), [
    ("snowflake", "select * from table(result_scan(last_query_id()))", "TABLE(RESULT_SCAN(LAST_QUERY_ID()))"),
    ("oracle", "select * from users as of timestamp systimestamp", "drop the clause"),
    ("postgres", "select * from users for update", "FOR UPDATE"),
    ("duckdb", "select * from users using sample 10", "filter the rows with WHERE"),
    ("snowflake", "select * from users match_recognize (order by user_id pattern (a) define a as true)", "LAG/LEAD"),
    ("mysql", "select user_id from users where user_id = = 1", "the = operator is incomplete"),
])
def test_a_refusal_names_the_construct_as_written_and_the_rewrite(dialect, sql, words):
    with pytest.raises(GradeError) as caught:
        prepare(sql, dialect, SCHEMA)
    assert words in caught.value.message
