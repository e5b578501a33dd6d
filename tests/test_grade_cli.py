"""`simgen check` and `simgen grade` end to end, through click's CliRunner, on the main (100k) and the
edge dataset: exit codes, the --json object, messages a person can act on, containment of hostile
submissions inside a batch, one execution per distinct canonical query, and JSON / CSV / JUnit
reports that are well formed and agree with each other."""

from __future__ import annotations

import csv
import json
import os
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from simgen.cli import main
from simgen.grader import sandbox as sandbox_module

ROOT = Path(__file__).resolve().parents[1]
SALARY = ROOT / "expected" / "second_highest_salary"
TRIAL = ROOT / "expected" / "trial_conversion"
REFERENCE = (SALARY / "solution.sql").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def data(medium, edge) -> list[str]:
    return ["--data", str(medium.path), "--data", str(edge.path)]


def invoke(*args: object):
    # A wide terminal, so that rich does not wrap the messages we look for.
    return CliRunner(env={"COLUMNS": "400"}).invoke(main, [str(a) for a in args])


def flat(text: str) -> str:
    return " ".join(text.split())


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------ check

def test_check_pass_exits_0(data):
    r = invoke("check", SALARY / "alt" / "02_mysql_max_below_max.sql", "--challenge", "second_highest_salary", *data)
    assert r.exit_code == 0, r.output
    assert "PASS" in r.output and "second_highest_salary" in r.output


def test_check_wrong_exits_1_with_an_actionable_diff(data, medium):
    r = invoke("check", SALARY / "wrong" / "01_no_distinct.sql", "--challenge", "second_highest_salary", *data)
    assert r.exit_code == 1, r.output
    out = flat(r.output)
    assert "WRONG" in out
    truth = medium.truth["salaries"]
    assert f"missing e.g. ({truth['second_highest_engineering_salary']})" in out
    assert f"unexpected e.g. ({truth['highest_engineering_salary']})" in out


def test_check_takes_the_challenge_from_the_file_name(tmp_path, data):
    sub = write(tmp_path / "second_highest_salary.sql", (SALARY / "solution.sql").read_text())
    r = invoke("check", sub, *data)
    assert r.exit_code == 0, r.output


def test_check_dialect_option_overrides_the_default(tmp_path, data):
    # T-SQL only: TOP and bracketed identifiers; without --dialect it would be read as DuckDB.
    sub = write(tmp_path / "answer.sql",
                "SELECT MAX([salary]) AS salary FROM [dbo].[salaries] WHERE department = 'Engineering' "
                "AND salary < (SELECT TOP 1 salary FROM salaries WHERE department = 'Engineering' "
                "ORDER BY salary DESC)")
    r = invoke("check", sub, "--challenge", "second_highest_salary", "--dialect", "sqlserver", *data)
    assert r.exit_code == 0, r.output
    r = invoke("check", sub, "--challenge", "second_highest_salary", *data)
    assert r.exit_code == 2, r.output


def test_check_accepts_a_comment_after_the_final_semicolon(tmp_path, data):
    # A very common way to end a file. sqlglot returns the trailing comment as a Semicolon node.
    sub = write(tmp_path / "second_highest_salary.sql", REFERENCE.rstrip() + "\n-- end of my answer\n")
    r = invoke("check", sub, *data)
    assert r.exit_code == 0, r.output


def test_check_parse_error_exits_2_with_line_and_column(tmp_path, data):
    sub = write(tmp_path / "bad.sql", "SELECT salary\nFROM salaries\nWHERE department = 'Engineering' AND (\n")
    r = invoke("check", sub, "--challenge", "second_highest_salary", *data)
    assert r.exit_code == 2, r.output
    out = flat(r.output)
    assert "CANNOT GRADE" in out and "syntax error at line 3" in out
    assert "\x1b[" not in r.output and "Traceback" not in r.output


def test_check_forbidden_query_exits_2(tmp_path, data):
    sub = write(tmp_path / "x.sql", "SELECT * FROM read_csv('/etc/passwd')")
    r = invoke("check", sub, "--challenge", "second_highest_salary", *data)
    assert r.exit_code == 2, r.output
    assert "not allowed" in r.output and "root:" not in r.output


@pytest.mark.parametrize("source,code,status", [
    (SALARY / "alt" / "01_postgres_dense_rank.sql", 0, "pass"),
    (TRIAL / "wrong" / "03_strictly_more_than_7_days.sql", 1, "wrong"),
    ("SELECT salary FROM salaries WHERE", 2, "error"),
], ids=["pass", "wrong", "error"])
def test_check_json(tmp_path, data, source, code, status):
    if isinstance(source, str):
        source = write(tmp_path / "s.sql", source)
    cid = "trial_conversion" if "trial" in str(source) else "second_highest_salary"
    r = invoke("check", source, "--challenge", cid, "--json", *data)
    assert r.exit_code == code, r.output
    obj = json.loads(r.stdout)  # exactly one JSON object on stdout, nothing else
    assert isinstance(obj, dict)
    assert {"challenge", "passed", "status", "message"} <= set(obj)
    assert obj["challenge"] == cid and obj["status"] == status
    assert obj["passed"] is (code == 0)
    assert isinstance(obj["message"], str) and obj["message"]
    if status == "wrong":
        assert obj["details"]["kind"] == "wrong_values" and "trial" in obj["message"]
    if status == "error":
        assert obj["details"]["kind"] == "parse" and obj["details"]["line"] == 1


def test_check_unknown_challenge_suggests_a_close_match(data):
    r = invoke("check", SALARY / "solution.sql", "--challenge", "second_highest_salery", *data)
    assert r.exit_code == 2
    assert "unknown challenge 'second_highest_salery'" in r.output
    assert "did you mean 'second_highest_salary'" in r.output
    r = invoke("check", SALARY / "solution.sql", "--challenge", "trial_convertion", "--json", *data)
    obj = json.loads(r.stdout)
    assert r.exit_code == 2 and obj["status"] == "error" and obj["passed"] is False
    assert "trial_conversion" in obj["message"]


def test_check_missing_file_exits_2_without_traceback(tmp_path, data):
    missing = tmp_path / "nowhere" / "second_highest_salary.sql"
    r = invoke("check", missing, *data)
    assert r.exit_code == 2
    assert isinstance(r.exception, SystemExit)
    assert "no such submission file" in r.output and str(missing) in flat(r.output)
    assert "Traceback" not in r.output
    r = invoke("check", missing, "--json", *data)
    assert r.exit_code == 2 and json.loads(r.stdout)["status"] == "error"


def test_check_of_a_directory_that_is_not_a_dataset_is_a_usage_error(tmp_path):
    r = invoke("check", SALARY / "solution.sql", "--challenge", "second_highest_salary", "--data", tmp_path)
    assert r.exit_code == 2
    assert "not a simgen dataset" in r.output and "Traceback" not in r.output


@pytest.mark.parametrize("memory, says", [("lots", "is not a size"), ("12", "too little"), ("1XB", "is not a size")])
def test_a_bad_memory_size_is_a_usage_error(memory, says, data, tmp_path):
    for command in (["check", SALARY / "solution.sql", "--challenge", "second_highest_salary"], ["grade", tmp_path]):
        r = invoke(*command, *data, "--memory", memory)
        assert r.exit_code == 2, r.output
        assert says in flat(r.output) and "Traceback" not in r.output


def test_memory_auto_shares_half_the_machine_among_the_workers(edge):
    import psutil

    total = psutil.virtual_memory().total
    one, two = sandbox_module.parse_bytes(sandbox_module.auto_memory(1)), sandbox_module.parse_bytes(
        sandbox_module.auto_memory(2))
    assert one == pytest.approx(max(2e9, total / 2), rel=1e-3) and two == pytest.approx(max(2e9, total / 4), rel=1e-3)
    with sandbox_module.Sandbox({"edge": edge.path}, memory_limit="auto", workers=2) as box:
        assert box.memory_limit == sandbox_module.auto_memory(2)
        seen = box.run("SELECT current_setting('memory_limit') AS m", "edge").column("m")[0].as_py()
        assert sandbox_module.parse_bytes(seen) == pytest.approx(two, rel=0.05)  # DuckDB's own figure, e.g. '5.8 GiB'


# ------------------------------------------------------------------------------------------ grade

def _keyword_case(text: str, upper: bool) -> str:
    """Change the case of keywords outside string literals (literals are data: 'Engineering')."""
    parts = text.split("'")
    for i in range(0, len(parts), 2):
        parts[i] = re.sub(r"\b(select|distinct|from|where|and|is|not|null|order|by|desc|limit|offset|as)\b",
                          lambda m: m.group().upper() if upper else m.group().lower(), parts[i],
                          flags=re.IGNORECASE)
    return "'".join(parts)


_CODE = "\n".join(line for line in REFERENCE.splitlines() if not line.lstrip().startswith("--"))
SAME_AS_REFERENCE = {
    # whitespace, keyword case and comments differ: one canonical query
    "bob": "/* my answer */\n" + _keyword_case(" ".join(_CODE.split()), upper=False).rstrip(";") + "\n-- done\n",
    "carol": _keyword_case("\n\n".join(REFERENCE.splitlines()), upper=True).replace("    ", "\t"),
}


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    """A class's submissions: right, wrong, duplicate, hostile and badly named."""
    root = tmp_path_factory.mktemp("submissions")
    write(root / "alice" / "second_highest_salary.sql", REFERENCE)
    for who, text in SAME_AS_REFERENCE.items():
        write(root / who / "second_highest_salary.sql", text)
    write(root / "dave" / "second_highest_salary.sql", (SALARY / "wrong" / "01_no_distinct.sql").read_text())
    write(root / "erin" / "trial_conversion.sql", (TRIAL / "alt" / "01_tsql_datediff.sql").read_text())
    write(root / "frank" / "trial_conversion.sql", (TRIAL / "wrong" / "01_rule_on_both_arms.sql").read_text())
    # hostile: a file read, two statements, a runaway recursive CTE, a control character
    write(root / "mallory" / "second_highest_salary.sql", "SELECT content AS salary FROM read_text('/etc/passwd')")
    write(root / "mallory" / "trial_conversion.sql", "SELECT 1 AS variant; DROP VIEW subscriptions")
    write(root / "trudy" / "trial_conversion.sql",
          "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
          "SELECT 'control' AS variant, count(*) AS members, 0 AS converted, 0.0 AS conversion_pct FROM r")
    write(root / "oscar" / "second_highest_salary.sql", b"SELECT \x07 AS salary FROM salaries")
    # a folder name that is not UTF-8 (a zip made on another machine), with a wrong answer
    odd = Path(os.fsdecode(os.fsencode(root) + b"/caf\xe9"))
    write(odd / "second_highest_salary.sql", "SELECT 1 AS salary")
    write(root / "zed" / "no_such_challenge.sql", REFERENCE)
    write(root / "zed" / "notes.txt", "not a submission")
    return root


# who -> challenge -> status, with the failure kind for what cannot be graded
WANT = {
    ("alice", "second_highest_salary"): "pass",
    ("bob", "second_highest_salary"): "pass",
    ("carol", "second_highest_salary"): "pass",
    ("dave", "second_highest_salary"): "wrong",
    ("erin", "trial_conversion"): "pass",
    ("frank", "trial_conversion"): "wrong",
    ("mallory", "second_highest_salary"): "error",
    ("mallory", "trial_conversion"): "error",
    ("trudy", "trial_conversion"): "error",
    ("oscar", "second_highest_salary"): "error",
    ("caf\\xe9", "second_highest_salary"): "wrong",
    ("zed", "no_such_challenge"): "error",
}
# alice/bob/carol share one query; dave, erin, frank, trudy, caf\xe9 one each; the rest never run
DISTINCT = 6


@pytest.fixture(scope="module")
def graded(batch, data, tmp_path_factory, medium, edge):
    """`simgen grade` once per report format, recording every query the sandbox is asked to run."""
    out = tmp_path_factory.mktemp("reports")
    runs = {}
    before = {p: p.stat().st_mtime_ns for ds in (medium, edge) for p in ds.path.rglob("*")}
    with pytest.MonkeyPatch.context() as mp:
        executed: list = []
        real = sandbox_module.Sandbox.run_many

        def counting(self, jobs):
            def spy():  # run_many pulls jobs lazily; None means "nothing ready yet"
                for job in jobs:
                    if job is not None:
                        executed.append((job.sql, job.collation, job.dataset))
                    yield job
            return real(self, spy())

        mp.setattr(sandbox_module.Sandbox, "run_many", counting)
        for ext in ("json", "csv", "xml"):
            executed.clear()
            report = out / f"report.{ext}"
            r = invoke("grade", batch, *data, "--jobs", 2, "--timeout", 2, "--report", report)
            runs[ext] = (r, report, list(executed))
    after = {p: p.stat().st_mtime_ns for ds in (medium, edge) for p in ds.path.rglob("*")}
    assert before == after, "grading changed a dataset"
    return runs


def test_grade_exits_2_when_a_submission_cannot_be_graded(graded):
    for ext, (r, report, _) in graded.items():
        assert r.exit_code == 2, r.output
        assert "Traceback" not in r.output
        assert report.is_file(), f"no {ext} report"
        assert f"{len(WANT)} submissions, {DISTINCT} distinct queries" in flat(r.output)


def test_grade_report_json(graded):
    r, report, _ = graded["json"]
    doc = json.loads(report.read_text(encoding="utf-8"))
    got = {(x["who"], x["challenge"]): x["status"] for x in doc["results"]}
    assert got == WANT
    for x in doc["results"]:
        assert x["passed"] is (x["status"] == "pass") and x["message"]
    s = doc["summary"]
    assert s["submissions"] == len(WANT)
    assert s["passed"] == sum(v == "pass" for v in WANT.values())
    assert s["distinct_queries"] == DISTINCT
    salary = s["challenges"]["second_highest_salary"]
    assert (salary["submissions"], salary["passed"], salary["wrong"], salary["error"]) == (7, 3, 2, 2)
    assert salary["pass_rate"] == round(3 / 7, 4)
    assert sum(s["failure_kinds"].values()) == sum(v != "pass" for v in WANT.values())


def test_hostile_submissions_are_contained_while_the_rest_are_graded(graded):
    _, report, _ = graded["json"]
    results = {(x["who"], x["challenge"]): x for x in json.loads(report.read_text(encoding="utf-8"))["results"]}
    assert results[("mallory", "second_highest_salary")]["kind"] == "forbidden"
    assert "root:" not in json.dumps(list(results.values()))
    assert results[("mallory", "trial_conversion")]["kind"] in ("forbidden", "parse")
    runaway = results[("trudy", "trial_conversion")]
    assert runaway["kind"] == "limit" and runaway["details"]["limit"] == "time", runaway
    assert results[("oscar", "second_highest_salary")]["kind"] == "query"
    assert "could not be resolved" in results[("oscar", "second_highest_salary")]["message"]
    assert "did you mean" in results[("zed", "no_such_challenge")]["message"] or \
        "known:" in results[("zed", "no_such_challenge")]["message"]
    # graded after the hostile ones, and right
    assert results[("erin", "trial_conversion")]["status"] == "pass"
    assert results[("frank", "trial_conversion")]["details"]["kind"] == "wrong_values"


def test_identical_submissions_are_executed_once(graded, data):
    datasets = len(data) // 2
    for ext, (_, _, executed) in graded.items():
        assert len(executed) == len(set(executed)), f"{ext}: a query ran twice on one dataset"
        assert len(executed) == DISTINCT * datasets, ext


def test_grade_reports_agree(graded):
    doc = json.loads(graded["json"][1].read_text(encoding="utf-8"))
    from_json = {(x["who"], x["challenge"]): (x["status"], x["kind"], x["message"]) for x in doc["results"]}

    with open(graded["csv"][1], newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(doc["results"])
    from_csv = {(x["who"], x["challenge"]): (x["status"], x["kind"], x["message"]) for x in rows}
    assert from_csv == from_json
    assert all(x["passed"] == str(x["status"] == "pass") for x in rows)

    tree = ET.parse(graded["xml"][1])  # raises if the XML is not well formed
    root = tree.getroot()
    assert root.tag == "testsuites" and int(root.get("tests")) == len(doc["results"])
    from_xml = {}
    for suite in root.iter("testsuite"):
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == sum(c.find("failure") is not None for c in cases)
        assert int(suite.get("errors")) == sum(c.find("error") is not None for c in cases)
        for case in cases:
            assert case.get("classname") == suite.get("name")
            failure, error = case.find("failure"), case.find("error")
            status = "wrong" if failure is not None else "error" if error is not None else "pass"
            node = failure if failure is not None else error
            from_xml[(case.get("name"), case.get("classname"))] = (
                status, node.get("type") if node is not None else "", node.text if node is not None else "")
    assert set(from_xml) == set(from_json)
    for key, (status, kind, message) in from_json.items():
        x_status, x_kind, x_message = from_xml[key]
        assert (x_status, x_kind) == (status, kind), key
        if status != "pass":
            # XML cannot carry control characters: the JUnit text shows them escaped
            assert x_message == message.replace("\x07", "\\x07"), key
    summary = doc["summary"]
    assert sum(s == "wrong" for s, _, _ in from_xml.values()) == sum(c["wrong"] for c in summary["challenges"].values())


def test_grade_exits_0_when_everything_could_be_graded(tmp_path, data):
    write(tmp_path / "subs" / "ann" / "second_highest_salary.sql", REFERENCE)
    write(tmp_path / "subs" / "ben" / "second_highest_salary.sql", (SALARY / "wrong" / "04_no_department_filter.sql").read_text())
    write(tmp_path / "subs" / "cat" / "second_highest_salary.sql", (SALARY / "alt" / "04_bigquery_array_agg.sql").read_text())
    report = tmp_path / "out" / "r.json"
    r = invoke("grade", tmp_path / "subs", *data, "--jobs", 1, "--report", report)
    assert r.exit_code == 0, r.output  # a wrong answer is a grade, not a failure to grade
    doc = json.loads(report.read_text(encoding="utf-8"))
    assert {x["who"]: x["status"] for x in doc["results"]} == {"ann": "pass", "ben": "wrong", "cat": "pass"}
    assert doc["summary"]["distinct_queries"] == 3


def test_grade_unknown_report_extension_is_a_usage_error(batch, data, tmp_path):
    r = invoke("grade", batch, *data, "--report", tmp_path / "report.txt")
    assert r.exit_code == 2
    assert "Invalid value for '--report'" in r.output and ".json, .csv, .xml (JUnit) or .html" in r.output
    assert not (tmp_path / "report.txt").exists()


def test_a_report_that_cannot_be_written_is_refused_before_grading(batch, data, tmp_path):
    (tmp_path / "afile").write_text("a file where the report's folder should be")
    r = invoke("grade", batch, *data, "--report", tmp_path / "afile" / "r.json")
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert "cannot write the report" in r.output and "is a file, not" in r.output
    assert "submissions" not in r.output  # refused before grading, not after a long batch


def test_grade_of_an_empty_or_missing_folder_is_a_usage_error(tmp_path, data):
    (tmp_path / "empty").mkdir()
    r = invoke("grade", tmp_path / "empty", *data)
    assert r.exit_code == 2 and "no submissions" in r.output
    r = invoke("grade", tmp_path / "nowhere", *data)
    assert r.exit_code == 2 and "does not exist" in r.output and "Traceback" not in r.output


def test_a_dataset_the_reference_cannot_run_on_is_reported_not_a_crash(tmp_path, edge):
    # A partial dataset (a table missing): the reference solution fails there, so nothing can be
    # graded against it; that is a verdict (exit 2), not a traceback that loses the batch.
    import shutil

    partial = tmp_path / "partial"
    shutil.copytree(edge.path, partial)
    shutil.rmtree(partial / "subscriptions")
    manifest = json.loads((partial / "manifest.json").read_text())
    damaged = invoke("check", write(tmp_path / "one" / "trial_conversion.sql", "SELECT 1"), "--data", partial, "--json")
    assert damaged.exit_code == 2 and "damaged" in json.loads(damaged.stdout)["message"]  # files gone, still listed
    del manifest["tables"]["subscriptions"]  # a dataset without that table, as its manifest says
    (partial / "manifest.json").write_text(json.dumps(manifest))
    sub = write(tmp_path / "subs" / "ann" / "trial_conversion.sql",
                "SELECT variant, count(*) AS members, 0 AS converted, 0.0 AS conversion_pct "
                "FROM ab_tests WHERE experiment_id = 'free_trial_7d' GROUP BY variant")
    r = invoke("check", sub, "--data", partial, "--json")
    assert r.exit_code == 2, r.output
    obj = json.loads(r.stdout)
    assert obj["status"] == "error" and "cannot compute the expected result of trial_conversion" in obj["message"]
    write(tmp_path / "subs" / "bob" / "second_highest_salary.sql", REFERENCE)
    report = tmp_path / "r.json"
    r = invoke("grade", tmp_path / "subs", "--data", partial, "--jobs", 1, "--report", report)
    assert r.exit_code == 2 and "Traceback" not in r.output
    got = {x["who"]: x["status"] for x in json.loads(report.read_text(encoding="utf-8"))["results"]}
    assert got == {"ann": "error", "bob": "pass"}
