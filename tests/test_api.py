"""The Python API (simgen.generate, open, scan, challenges, check), each called for real on small
datasets: what a notebook user gets back, and that bad input is a message, not a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

import simgen
from simgen.errors import DatasetError, OutputExistsError, UsageError

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = (ROOT / "expected" / "second_highest_salary" / "solution.sql").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def data(small, edge) -> list[Path]:
    return [small.path, edge.path]


def test_import_is_cheap_and_lists_the_api():
    code = ("import sys, simgen; print(sorted(set(dir(simgen)) & {'generate','open','scan','challenges','check',"
            "'Verdict','Challenge'})); print([m for m in ('duckdb','polars','numpy','sqlglot','pyarrow') "
            "if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    listed, loaded = out.splitlines()
    assert listed == str(sorted(["generate", "open", "scan", "challenges", "check", "Verdict", "Challenge"]))
    assert loaded == "[]"


def test_generate_writes_a_dataset_and_returns_its_path(tmp_path, monkeypatch):
    path = simgen.generate("2k", seed=3, out=tmp_path / "ds", jobs=1)
    assert path == tmp_path / "ds" and (path / "manifest.json").is_file()
    manifest = json.loads((path / "manifest.json").read_text())
    assert (manifest["users"], manifest["seed"], manifest["profile"]) == (2000, 3, "default")
    with pytest.raises(OutputExistsError):
        simgen.generate(2000, seed=3, out=path, jobs=1)
    monkeypatch.chdir(tmp_path)  # the default folder is relative, as for the command line
    assert simgen.generate(2000, seed=3, jobs=1) == Path("data/default-2k-s3")
    a = (path / "users" / "part-00000.parquet").read_bytes()
    assert a == (tmp_path / "data/default-2k-s3/users/part-00000.parquet").read_bytes()


@pytest.mark.parametrize("users, says", [("lots", "not a member count"), (5, "too few members"),
                                         ("1.5", "not a whole number")])
def test_generate_refuses_bad_counts_with_a_message(tmp_path, users, says):
    with pytest.raises(UsageError, match=says):
        simgen.generate(users, out=tmp_path / "x")
    with pytest.raises(UsageError, match="unknown profile 'huge'"):
        simgen.generate(1000, out=tmp_path / "x", profile="huge")
    assert not (tmp_path / "x").exists()


def test_open_gives_one_view_per_table(small):
    con = simgen.open(small.path)
    views = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    assert views == set(small.manifest["tables"])
    assert con.execute("SELECT count(*) FROM users").fetchone()[0] == small.cfg.users
    assert con.execute("SELECT count(*) FROM sessions").fetchone()[0] == small.manifest["tables"]["sessions"]["rows"]


def test_scan_gives_a_lazy_frame_of_one_table(small):
    lazy = simgen.scan(small.path, "sessions")
    assert isinstance(lazy, pl.LazyFrame)
    assert lazy.select(pl.len()).collect().item() == small.manifest["tables"]["sessions"]["rows"]
    with pytest.raises(UsageError, match="did you mean 'sessions'"):
        simgen.scan(small.path, "sesions")


def test_open_and_scan_refuse_a_folder_that_is_not_a_dataset(tmp_path):
    with pytest.raises(DatasetError, match="no manifest.json"):
        simgen.open(tmp_path)
    with pytest.raises(DatasetError, match="not a directory"):
        simgen.scan(tmp_path / "nowhere", "users")


def test_challenges_lists_the_bank():
    bank = simgen.challenges()
    ids = [c.id for c in bank]
    assert ids == sorted(ids) and "second_highest_salary" in ids and "first_touch_attribution" in ids
    ch = next(c for c in bank if c.id == "second_highest_salary")
    assert ch.title and ch.difficulty and ch.tags and "salary" in ch.prompt.lower()
    assert ch.column_names == ["salary"]


def test_check_passes_a_reference(data):
    verdict = simgen.check(REFERENCE, "second_highest_salary", data=data)
    assert (verdict.passed, verdict.status, verdict.kind, verdict.diff) == (True, "pass", "ok", None)
    assert "passed on all 2 datasets" in verdict.message


def test_check_wrong_answer_gives_the_diff_as_data(data, small):
    salaries = small.connect().execute("SELECT DISTINCT salary FROM salaries WHERE department = 'Engineering' "
                                   "AND salary IS NOT NULL ORDER BY 1 DESC LIMIT 2").fetchall()
    verdict = simgen.check("SELECT max(salary) AS salary FROM salaries WHERE department = 'Engineering'",
                           simgen.challenges()[[c.id for c in simgen.challenges()].index("second_highest_salary")],
                           data=data)
    assert (verdict.passed, verdict.status, verdict.exit_code) == (False, "wrong", 1)
    diff = verdict.diff
    assert diff["kind"] == "wrong_values" and diff["columns"] == ["salary"]
    assert diff["dataset"] == str(small.path)  # both folders are named ds: named by path
    assert diff["missing_examples"] == [[salaries[1][0]]] and diff["extra_examples"] == [[salaries[0][0]]]


def test_a_notebook_shows_a_wrong_verdict_as_paired_tables(data, small):
    last_touch = """SELECT USER_ID, CHANNEL FROM (
        SELECT S.USER_ID, A.CHANNEL, ROW_NUMBER() OVER (PARTITION BY S.USER_ID ORDER BY S.SESSION_TS DESC) RN
        FROM SESSIONS S, ATTRIBUTION A WHERE A.SESSION_ID = S.SESSION_ID) T
    WHERE RN = 1 AND USER_ID IN (SELECT S2.USER_ID FROM SESSIONS S2 JOIN ATTRIBUTION A2 USING (SESSION_ID)
                                 WHERE A2.CONVERSION)"""
    verdict = simgen.check(last_touch, "first_touch_attribution", dialect="snowflake", data=data)
    assert verdict.status == "wrong" and verdict.diff["key"] == ["user_id"]
    pair = verdict.diff["pairs"][0]
    assert pair["key"] == [pair["expected"][0]] == [pair["actual"][0]] and pair["differs"] == [1]
    page = verdict._repr_html_()  # what Jupyter displays
    assert "rows that differ, by key (user_id)" in page
    assert f"<td class=differs>{pair['expected'][1]}</td>" in page and f"<td class=differs>{pair['actual'][1]}</td>" in page
    assert simgen.check("SELECT 1 AS x", "first_touch_attribution", data=data)._repr_html_().count("<pre>") == 1


def test_check_reads_a_path_and_honours_the_dialect(data, tmp_path):
    file = tmp_path / "mine.sql"
    file.write_text(REFERENCE, encoding="utf-8")
    assert simgen.check(file, "second_highest_salary", data=[str(p) for p in data]).passed
    tsql = "SELECT TOP 1 salary FROM (SELECT DISTINCT TOP 2 salary FROM salaries WHERE department = 'Engineering' " \
           "AND salary IS NOT NULL ORDER BY salary DESC) s ORDER BY salary"
    verdict = simgen.check(tsql, "second_highest_salary", dialect="duckdb", data=data)
    assert verdict.status == "error" and verdict.kind == "parse"  # TOP is not DuckDB
    assert simgen.check(f"-- dialect: tsql\n{tsql}", "second_highest_salary", dialect=None, data=data).kind != "parse"


@pytest.mark.parametrize("sql, challenge, kwargs, kind, says", [
    ("SELECT 1", "second_highest_salery", {}, "unknown_challenge", "did you mean 'second_highest_salary'"),
    ("SELEC 1", "second_highest_salary", {}, "parse", "line 1"),
    ("SELECT 1", "second_highest_salary", {"dialect": "informix"}, "usage", "unknown dialect 'informix'"),
    ("DROP TABLE users", "second_highest_salary", {}, "forbidden", "not allowed"),
])
def test_check_cannot_grade_is_a_verdict_not_an_exception(data, sql, challenge, kwargs, kind, says):
    verdict = simgen.check(sql, challenge, data=data, **kwargs)
    assert (verdict.passed, verdict.status, verdict.exit_code, verdict.kind) == (False, "error", 2, kind)
    assert says in verdict.message


def test_check_defaults_to_the_datasets_of_make_run(tmp_path, monkeypatch, small, edge):
    monkeypatch.chdir(tmp_path)
    verdict = simgen.check(REFERENCE, "second_highest_salary")
    assert verdict.kind == "no_dataset" and "make run" in verdict.message
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "default").symlink_to(small.path)
    (tmp_path / "data" / "edge").symlink_to(edge.path)
    verdict = simgen.check(REFERENCE, "second_highest_salary")
    assert verdict.passed and len(verdict.details["datasets"]) == 2
