"""Names resolve the way the source database resolves them, before qualification.

MySQL, T-SQL (CI collation), BigQuery, Spark, DuckDB (and SQLite, Redshift, Trino, Databricks):
case-insensitive, quoted or not. PostgreSQL folds unquoted names to lower case and keeps quoted
ones exact; Snowflake (and Oracle) fold to upper case, so the dataset's lower-case names count as
created unquoted: `"SALARY"` matches there and `"salary"` does not.
"""

from __future__ import annotations

import pytest

from simgen.grader.dialects import DIALECTS, spec
from simgen.grader.errors import QueryError
from simgen.grader.sql import prepare

from .fixtures import SCHEMA

_QUOTE = {"mysql": "`{}`", "bigquery": "`{}`", "spark": "`{}`", "databricks": "`{}`", "tsql": "[{}]"}


def quoted(dialect: str, name: str) -> str:
    return _QUOTE.get(dialect, '"{}"').format(name)


def shapes(column: str) -> list[str]:
    """The same column in a plain select, through a table alias, and through a derived table."""
    return [f"select {column} from salaries",
            f"select S.{column} from SALARIES S",
            f"select X.{column} from (select {column} from Salaries) x"]


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
@pytest.mark.parametrize("column", ["salary", "Salary", "SALARY"])
def test_unquoted_names_resolve_in_every_dialect(dialect, column):
    for sql in shapes(column):
        prepared = prepare(sql, dialect, SCHEMA)
        assert [c.lower() for c in prepared.columns] == ["salary"], sql


@pytest.mark.parametrize("dialect", [d for d in sorted(DIALECTS) if spec(d).identifiers == "insensitive"])
@pytest.mark.parametrize("column", ["salary", "Salary", "SALARY"])
def test_quoted_names_are_case_insensitive_where_the_database_is(dialect, column):
    for sql in shapes(quoted(dialect, column)):
        assert prepare(sql, dialect, SCHEMA).columns[0].lower() == "salary", sql


@pytest.mark.parametrize(("dialect", "good", "bad"), [
    ("postgres", "salary", ["Salary", "SALARY"]),
    ("snowflake", "SALARY", ["salary", "Salary"]),
])
def test_quoted_names_are_exact_where_unquoted_names_fold(dialect, good, bad):
    if dialect not in DIALECTS:
        pytest.skip(f"{dialect} is not a dialect here")
    for sql in shapes(quoted(dialect, good)):
        prepare(sql, dialect, SCHEMA)
    for name in bad:
        with pytest.raises(QueryError, match="could not be resolved|Unknown column") as caught:
            prepare(f"select {quoted(dialect, name)} from salaries", dialect, SCHEMA)
        assert "quoted names must match exactly" in caught.value.message


def test_mysql_aliases_and_tables_in_any_case():
    sql = ("SELECT E.Employee_Id, MAX(E.SALARY) AS MaxSalary FROM Salaries e "
           "GROUP BY e.employee_id HAVING MAX(e.Salary) > 0 ORDER BY MaxSalary DESC")
    prepared = prepare(sql, "mysql", SCHEMA)
    assert [c.lower() for c in prepared.columns] == ["employee_id", "maxsalary"]


def test_output_names_in_upper_case_are_still_the_contract_names():
    # Snowflake's unquoted names come out upper case; the comparison matches names case-insensitively.
    assert [c.lower() for c in prepare("select salary from salaries", "snowflake", SCHEMA).columns] == ["salary"]
