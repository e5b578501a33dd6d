"""What `simgen` prints, at 80 columns and into a pipe (CliRunner's output is not a terminal):
ids never cut, messages never hard-wrapped through a path, one JSON object whatever fails,
snake_case failure kinds, the declared dialect of a refused file, numbers formatted alike, a
directory given to `check`, and Ctrl-C in `grade` (a report marked incomplete, exit 130)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow as pa
import pytest
from click.testing import CliRunner

from simgen import challenges
from simgen.cli import main
from simgen.grader import grading
from simgen.grader.compare import compare

ROOT = Path(__file__).resolve().parents[1]
SALARY = (ROOT / "expected" / "second_highest_salary" / "solution.sql").read_text(encoding="utf-8")
FIRST_TOUCH = (ROOT / "expected" / "first_touch_attribution" / "solution.sql").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def data(small, edge) -> list[str]:
    return ["--data", str(small.path), "--data", str(edge.path)]


def invoke(*args: object, columns: int = 80):
    return CliRunner(env={"COLUMNS": str(columns)}).invoke(main, [str(a) for a in args])


def _submissions(root: Path) -> Path:
    for who, cid, text in [("ann", "first_touch_attribution", FIRST_TOUCH),
                           ("bob", "second_highest_salary", SALARY),
                           ("cy", "second_highest_salary", "-- dialect: postgres\nSELEC salary FROM salaries"),
                           ("dee", "trial_convertion", "SELECT 1")]:
        (root / who).mkdir(parents=True, exist_ok=True)
        (root / who / f"{cid}.sql").write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize("columns", [80, 100])
def test_challenges_never_cuts_an_id(columns):
    r = invoke("challenges", columns=columns)
    assert r.exit_code == 0, r.output
    for cid in challenges.bank():
        assert re.search(rf"\b{cid}\b", r.output), (cid, r.output)
    assert "…" not in r.output  # nothing cut: what does not fit folds onto the next line


def test_grade_summary_report_kinds_and_dialects(tmp_path, data):
    folder = _submissions(tmp_path / "subs")
    report = tmp_path / "report.json"
    r = invoke("grade", folder, *data, "--jobs", 1, "--report", report, columns=80)
    assert r.exit_code == 2, r.output  # two files cannot be graded
    for cid in ("first_touch_attribution", "second_highest_salary", "trial_convertion"):
        assert re.search(rf"\b{cid}\b", r.output), (cid, r.output)
    doc = json.loads(report.read_text())
    rows = {x["who"]: x for x in doc["results"]}
    assert rows["ann"]["status"] == "pass" and rows["bob"]["status"] == "pass"
    assert (rows["cy"]["kind"], rows["cy"]["dialect"]) == ("parse", "postgres")  # refused, yet its dialect is known
    assert rows["dee"]["kind"] == "unknown_challenge"
    assert all(re.fullmatch(r"[a-z_]+", k) for k in doc["summary"]["failure_kinds"])
    assert doc["summary"]["complete"] is True and doc["summary"]["ungraded"] == 0


def test_errors_are_one_line_even_with_a_long_path_and_brackets(tmp_path):
    deep = tmp_path / ("a-rather-long-folder-name-" * 3) / "[/x] not [bold]markup[/bold]" / "dataset"
    folder = _submissions(tmp_path / "subs")
    r = invoke("grade", folder, "--data", deep, columns=80)
    assert r.exit_code == 2
    assert str(deep) in r.output, r.output  # whole, on one line, brackets and all
    assert "Traceback" not in r.output


def test_check_json_prints_one_object_when_no_dataset_is_found(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no data/default, no data/edge
    Path("second_highest_salary.sql").write_text(SALARY, encoding="utf-8")
    r = invoke("check", "second_highest_salary.sql", "--json")
    assert r.exit_code == 2
    obj = json.loads(r.stdout)
    assert obj["status"] == "error" and obj["passed"] is False
    assert obj["details"]["kind"] == "no_dataset" and "make run" in obj["message"]
    r = invoke("check", "second_highest_salary.sql")
    assert r.exit_code == 2 and "CANNOT GRADE" in r.output and "make run" in r.output


def test_check_json_kind_of_an_unknown_challenge_is_snake_case(tmp_path, data):
    file = tmp_path / "x.sql"
    file.write_text("SELECT 1", encoding="utf-8")
    r = invoke("check", file, "--challenge", "second_highest_salery", "--json", *data)
    obj = json.loads(r.stdout)
    assert r.exit_code == 2 and obj["details"]["kind"] == "unknown_challenge"


def test_check_on_a_directory_says_so(tmp_path, data):
    r = invoke("check", tmp_path, "--challenge", "second_highest_salary", *data)
    assert r.exit_code == 2
    text = " ".join(r.output.split())
    assert "is a directory" in text and "simgen grade" in text and "no such" not in text
    r = invoke("check", tmp_path, *data)  # no --challenge: still about the directory
    assert r.exit_code == 2 and "is a directory" in r.output and "unknown challenge" not in r.output


def test_row_counts_are_formatted_alike():
    want = pa.table({"x": list(range(39_370))})
    got = pa.table({"x": list(range(1, 39_370))})
    diff = compare(got, want)
    assert "(expected 39,370 rows, got 39,369)" in diff.message, diff.message


def test_ctrl_c_in_grade_writes_an_incomplete_report_and_exits_130(tmp_path, data, monkeypatch):
    real = grading.grade_all

    def interrupted(*args, **kwargs):
        stream = real(*args, **kwargs)
        yield next(stream)
        stream.close()
        raise KeyboardInterrupt

    monkeypatch.setattr(grading, "grade_all", interrupted)
    folder = _submissions(tmp_path / "subs")
    report = tmp_path / "report.json"
    r = invoke("grade", folder, *data, "--jobs", 1, "--report", report)
    assert r.exit_code == 130, r.output
    assert "interrupted: 1 of 4 submissions graded" in r.output and "Aborted" not in r.output
    doc = json.loads(report.read_text())
    assert doc["summary"]["complete"] is False and doc["summary"]["ungraded"] == 3
    assert len(doc["results"]) == 1


def test_a_missing_challenge_pack_is_a_message(tmp_path, monkeypatch):
    monkeypatch.setenv("SIMGEN_BANK", str(tmp_path))
    challenges.bank.cache_clear()
    try:
        r = invoke("challenges")
        assert r.exit_code == 2 and "no challenge pack" in r.output and "Traceback" not in r.output
    finally:
        challenges.bank.cache_clear()
