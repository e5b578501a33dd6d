"""Fault drills for the grader: whatever a submission contains and whatever happens to a worker,
every submission of a batch gets exactly one verdict, and the batch goes on."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from simgen import challenges
from simgen.grader import sandbox as sandbox_module
from simgen.grader.errors import InternalError, LimitError
from simgen.grader.grading import Submission, grade_all
from simgen.grader.preparer import Preparer
from simgen.grader.sandbox import Job, Sandbox
from simgen.grader.sql import prepare

# Inputs on which sqlglot raises something other than its own errors (seen in fuzzing): each
# once killed the preparing thread and silently dropped the rest of a batch.
CRASHERS = [
    ("tsql", "SELECT DATEDIFF(signup_date, signup_date) AS salary FROM users", "DATEDIFF"),
    ("mysql", "SELECT DATE_ADD(, INTERVAL 1 DAY) AS salary FROM users", "DATE_ADD"),
    ("spark", "SELECT MAP(1) AS salary FROM users", "MAP"),
    ("bigquery", "SELECT regexp_extract() AS salary FROM users", "regexp_extract"),
    ("snowflake", "SELECT OBJECT_CONSTRUCT(1) AS salary FROM users", "OBJECT_CONSTRUCT"),
]
SALARY = challenges.get("second_highest_salary")


def _joins(n: int) -> str:
    return "SELECT * FROM users " + " ".join(f"NATURAL JOIN users u{i}" for i in range(n))


@pytest.mark.parametrize("dialect, text, construct", CRASHERS, ids=[c[0] for c in CRASHERS])
def test_a_sqlglot_crash_is_an_internal_error_naming_the_construct(dialect, text, construct):
    with pytest.raises(InternalError) as caught:
        prepare(text, dialect)
    assert caught.value.kind == "internal"
    assert f"{construct}(...) at line 1, column 8" in caught.value.message
    assert "Traceback" not in caught.value.message


def test_a_batch_keeps_every_submission_after_crashing_ones(edge):
    subs = [Submission(f"crash-{d}", SALARY.id, text=t, dialect=d) for d, t, _ in CRASHERS]
    subs += [Submission(f"right-{i}", SALARY.id, text=SALARY.solution) for i in range(3)]
    subs.insert(2, Submission("right-early", SALARY.id, text=SALARY.solution))
    with Sandbox({"edge": edge.path}, timeout_s=30, workers=2) as box:
        graded = list(grade_all(subs, {"edge": edge.path}, box))
    verdicts = {g.submission.who: g.verdict for g in graded}
    assert len(graded) == len(subs) and set(verdicts) == {s.who for s in subs}
    assert all(verdicts[f"crash-{d}"].details["kind"] == "internal" for d, _, _ in CRASHERS)
    assert all(v.passed for who, v in verdicts.items() if who.startswith("right"))


def test_grading_leaves_no_thread_behind(edge):
    """`check` once aborted after its verdict ("terminate called ... exception not rethrown"):
    a preparing thread still ran DuckDB code while the interpreter exited. Preparing now runs in
    child processes, and the threads that feed them end with the batch."""
    before = set(threading.enumerate())
    with Sandbox({"edge": edge.path}, timeout_s=30) as box:
        subs = [Submission("a", SALARY.id, text="SELECT no_such_function(1) AS salary")]
        (graded,) = list(grade_all(subs, {"edge": edge.path}, box))
    assert graded.verdict.status == "error"
    assert set(threading.enumerate()) <= before


# ---------------------------------------------------------------- preparing under limits
def test_a_query_too_big_to_prepare_is_refused_before_the_optimizer():
    with pytest.raises(LimitError, match="more than 64 joins"):
        prepare(_joins(150))  # took 28 s in the optimizer; 1,000 of them grew past 16 GiB


def test_a_runaway_prepare_is_stopped_at_its_deadline_and_the_next_one_runs():
    with Preparer(timeout_s=0.3) as preparer:
        with pytest.raises(LimitError) as caught:
            preparer.prepare(_joins(60))  # about a second even on an idle machine
        assert caught.value.limit == "time" and "0.3 s" in caught.value.message
        assert preparer.restarts == 1
        assert preparer.prepare("SELECT 1 AS x").sql == 'SELECT 1 AS "x"'


def test_a_prepare_over_its_memory_cap_is_stopped():
    with Preparer(max_rss=1) as preparer:  # every child is over the cap while it works
        with pytest.raises(LimitError) as caught:
            preparer.prepare(_joins(60))
        assert caught.value.limit == "memory"


def test_a_preparing_child_killed_from_outside_is_replaced():
    with Preparer() as preparer:
        assert preparer.prepare("SELECT 1 AS x").sql == 'SELECT 1 AS "x"'
        (pid,) = preparer.pids
        os.kill(pid, signal.SIGKILL)
        assert preparer.prepare("SELECT 2 AS x").sql == 'SELECT 2 AS "x"'  # not blamed on the text
        assert preparer.pids != [pid]


# ---------------------------------------------------------------- sandbox workers
def test_an_invalidated_database_costs_one_verdict_not_the_batch(edge, monkeypatch):
    """A DuckDB INTERNAL error invalidates the worker's database: its worker is replaced, the
    verdict names the error without DuckDB's stack trace, and every later query is graded."""
    monkeypatch.setattr(sandbox_module._Worker, "TARGET", "tests.grader.faulty_worker:worker_main")
    subs = [Submission("fault", SALARY.id, text="SELECT 'simgen_fault' AS salary")]
    subs += [Submission(f"right-{i}", SALARY.id, text=SALARY.solution + f"\n-- copy {i}\n") for i in range(3)]
    subs += [Submission("wrong", SALARY.id, text="SELECT max(salary) AS salary FROM salaries")]
    with Sandbox({"edge": edge.path}, timeout_s=30, workers=1) as box:
        graded = {g.submission.who: g.verdict for g in grade_all(subs, {"edge": edge.path}, box)}
        assert box.restarts == 1
    fault = graded.pop("fault")
    assert fault.status == "error" and fault.details["kind"] == "internal"
    assert "INTERNAL Error" in fault.message and "Stack Trace" not in fault.message and "libduckdb" not in fault.message
    assert graded.pop("wrong").status == "wrong"
    assert all(v.passed for v in graded.values()), graded


def _kill_when_busy(box: Sandbox, times: int) -> threading.Thread:
    """Kill the (only) worker from outside each time it is running a job, `times` times."""

    def killer() -> None:
        killed: set[int] = set()
        deadline = time.monotonic() + 120
        while len(killed) < times and time.monotonic() < deadline:
            worker = box._workers[0] if box._workers else None
            if worker is not None and worker.job is not None and worker.process.pid not in killed:
                time.sleep(0.05)  # well inside the query
                killed.add(worker.process.pid)
                os.kill(worker.process.pid, signal.SIGKILL)
            time.sleep(0.005)

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    return thread


SLOW = "select sum(hash(range)) % 7 as x from range(400000000)"  # seconds on one thread


def test_a_query_whose_worker_is_killed_from_outside_is_retried_once(dataset):
    with Sandbox({"tiny": dataset}, timeout_s=120, workers=1) as box:
        killer = _kill_when_busy(box, times=1)
        ((_, outcome),) = list(box.run_many([Job(SLOW, "tiny")]))
        killer.join()
        assert box.restarts == 1  # an innocent query, run again on a fresh worker
        assert outcome.column_names == ["x"] and outcome.num_rows == 1


def test_a_query_that_kills_its_worker_twice_is_out_of_memory(dataset):
    with Sandbox({"tiny": dataset}, timeout_s=120, workers=1) as box:
        killer = _kill_when_busy(box, times=2)
        ((_, outcome),) = list(box.run_many([Job(SLOW, "tiny")]))
        killer.join()
        assert isinstance(outcome, LimitError) and outcome.limit == "memory" and "twice" in outcome.message
        assert box.restarts == 2
        assert box.run("select 5 as x", "tiny").to_pylist() == [{"x": 5}]


def test_a_worker_killed_while_idle_is_replaced_before_its_next_query(dataset):
    with Sandbox({"tiny": dataset}, timeout_s=30, workers=1) as box:
        (pid,) = box.pids
        os.kill(pid, signal.SIGKILL)
        box._workers[0].process.wait()
        assert box.run("select 6 as x", "tiny").to_pylist() == [{"x": 6}]
        assert box.restarts == 1


def test_uhugeint_values_are_exact_or_refused(dataset):
    with Sandbox({"tiny": dataset}, timeout_s=30) as box:
        top = box.run("SELECT 170141183460469231731687303715884105727::UHUGEINT AS u", "tiny")
        assert top.column(0).to_pylist()[0] == 2**127 - 1
        with pytest.raises(Exception, match="out of range") as caught:
            box.run("SELECT 340282366920938463463374607431768211455::UHUGEINT AS u", "tiny")  # read as -1 before
        assert "-1" not in str(caught.value)


# ---------------------------------------------------------------- the command line
def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "simgen.cli", *args], capture_output=True, text=True, timeout=300,
                          cwd=cwd)


@pytest.mark.parametrize("dialect, text, construct", CRASHERS[:2], ids=[c[0] for c in CRASHERS[:2]])
def test_check_prints_one_json_verdict_for_a_crasher(edge, tmp_path, dialect, text, construct):
    path = tmp_path / "second_highest_salary.sql"
    path.write_text(text)
    result = _cli("check", str(path), "--data", str(edge.path), "--dialect", dialect, "--json")
    assert result.returncode == 2, result.stderr
    verdict = json.loads(result.stdout)
    assert verdict["status"] == "error" and verdict["details"]["kind"] == "internal"
    assert construct in verdict["message"] and "Traceback" not in result.stderr + result.stdout


def test_check_never_aborts_after_its_verdict(edge, tmp_path):
    path = tmp_path / "second_highest_salary.sql"
    path.write_text("SELECT no_such_function(salary) AS salary FROM salaries")
    for _ in range(5):
        result = _cli("check", str(path), "--data", str(edge.path), "--json")
        assert result.returncode == 2 and "terminate" not in result.stderr and "FATAL" not in result.stderr
        assert json.loads(result.stdout)["status"] == "error"


def test_grade_never_reads_through_a_link_out_of_the_folder(edge, tmp_path):
    subs = tmp_path / "subs"
    for who in ("alice", "eve", "mallory", "bob"):
        (subs / who).mkdir(parents=True)
    reference = Path(challenges.__file__).resolve().parents[1] / "expected" / SALARY.id / "solution.sql"
    (subs / "alice" / f"{SALARY.id}.sql").write_text(SALARY.solution)
    (subs / "eve" / f"{SALARY.id}.sql").symlink_to(reference)  # would pass if followed
    (subs / "eve" / "first_touch_attribution.sql").symlink_to("/etc/passwd")  # would leak a line
    (subs / "bob" / "rolling_watch_time.sql").symlink_to(subs / "alice" / f"{SALARY.id}.sql")  # inside: read
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / f"{SALARY.id}.sql").write_text(SALARY.solution)
    (subs / "mallory").rmdir()
    (subs / "mallory").symlink_to(outside)  # a whole folder elsewhere
    os.mkfifo(subs / "bob" / f"{SALARY.id}.sql")  # would block a reader forever
    report = tmp_path / "report.json"
    result = _cli("grade", str(subs), "--data", str(edge.path), "--jobs", "1", "--report", str(report))
    assert result.returncode == 2, result.stderr
    rows = {(r["who"], r["challenge"]): r for r in json.loads(report.read_text())["results"]}
    assert len(rows) == 6
    assert rows[("alice", SALARY.id)]["status"] == "pass"
    assert rows[("bob", "rolling_watch_time")]["status"] == "wrong"  # read: the link stays inside
    assert "not a regular file" in rows[("bob", SALARY.id)]["message"]
    for key in (("eve", SALARY.id), ("eve", "first_touch_attribution"), ("mallory", SALARY.id)):
        assert rows[key]["status"] == "error" and "outside" in rows[key]["message"], rows[key]
    assert "root:" not in report.read_text() and "root:" not in result.stdout


def test_workers_die_with_a_grader_killed_outright(edge, tmp_path):
    """kill -9 of `simgen check` leaves no sandbox worker or preparing child running."""
    import psutil

    path = tmp_path / "second_highest_salary.sql"
    path.write_text("SELECT sum(hash(range)) AS salary FROM range(20000000000)")
    proc = subprocess.Popen([sys.executable, "-m", "simgen.cli", "check", str(path), "--data", str(edge.path),
                             "--timeout", "120"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    grader = psutil.Process(proc.pid)
    deadline = time.monotonic() + 120
    while len(grader.children()) < 2 and time.monotonic() < deadline:  # its worker and its preparer
        time.sleep(0.02)
    children = grader.children(recursive=True)
    assert len(children) >= 2
    proc.kill()
    proc.wait()
    _, alive = psutil.wait_procs(children, timeout=60)
    assert alive == []


def test_grading_works_when_the_cache_cannot_be_written(edge, tmp_path, monkeypatch, caplog):
    """The caches only save time: with a cache directory that cannot exist (under a regular file,
    as a full or read-only disk behaves for writes), a batch is still graded, with a warning."""
    (tmp_path / "file").write_text("not a directory")
    monkeypatch.setenv("SIMGEN_CACHE", str(tmp_path / "file" / "cache"))
    monkeypatch.setattr("simgen.grader.grading._EXPECTED", {})
    subs = [Submission("right", SALARY.id, text=SALARY.solution), Submission("cheat", SALARY.id, text="SELECT 1 AS salary")]
    with caplog.at_level("WARNING", logger="simgen"):
        with Sandbox({"edge": edge.path}, timeout_s=30) as box:
            verdicts = {g.submission.who: g.verdict.status for g in grade_all(subs, {"edge": edge.path}, box)}
    assert verdicts == {"right": "pass", "cheat": "wrong"}
    assert "cannot cache a native copy" in caplog.text and "cannot cache the expected result" in caplog.text


def test_a_killed_graders_temp_space_is_swept_by_the_next_one(dataset):
    """The sandbox's temp space (spill, big results) of a grader killed with -9 is removed by the
    next sandbox; one a live grader holds is never touched."""
    import tempfile

    code = ("import sys, time; from simgen.grader.sandbox import Sandbox; "
            "box = Sandbox({'t': sys.argv[1]}, workers=1); print(box._temp, flush=True); time.sleep(600)")
    proc = subprocess.Popen([sys.executable, "-c", code, str(dataset)], stdout=subprocess.PIPE, text=True)
    dead_temp = Path(proc.stdout.readline().strip())
    assert dead_temp.is_dir() and dead_temp.parent == Path(tempfile.gettempdir())
    proc.kill()
    proc.wait()
    stranger = Path(tempfile.mkdtemp(prefix="simgen-sandbox-"))  # no owner file: another program's, or an old simgen's
    with Sandbox({"tiny": dataset}, workers=1) as live:
        assert not dead_temp.exists() and stranger.is_dir()
        stranger.rmdir()
        with Sandbox({"tiny": dataset}, workers=1) as other:
            assert Path(live._temp).is_dir() and Path(other._temp).is_dir()


def test_sigterm_stops_a_batch_like_ctrl_c(edge, tmp_path):
    """SIGTERM (a CI timeout, a service manager) writes the report of what was graded so far,
    marked incomplete, exits 143 and leaves no worker behind."""
    import psutil

    subs = tmp_path / "subs"
    (subs / "quick").mkdir(parents=True)
    (subs / "quick" / f"{SALARY.id}.sql").write_text(SALARY.solution)
    (subs / "slow").mkdir()
    (subs / "slow" / f"{SALARY.id}.sql").write_text("SELECT sum(hash(range)) AS salary FROM range(20000000000)")
    report = tmp_path / "report.json"
    proc = subprocess.Popen([sys.executable, "-m", "simgen.cli", "grade", str(subs), "--data", str(edge.path),
                             "--jobs", "1", "--timeout", "120", "--report", str(report)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    grader = psutil.Process(proc.pid)
    deadline = time.monotonic() + 120
    busy = None
    while busy is None and time.monotonic() < deadline:  # wait until the slow query is running
        for child in grader.children():
            try:
                if child.cpu_times().user > 1.0:
                    busy = child
            except psutil.Error:
                pass
        time.sleep(0.05)
    assert busy is not None
    children = grader.children(recursive=True)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 143, err
    assert "Traceback" not in out + err and "interrupted: 1 of 2 submissions graded" in err
    doc = json.loads(report.read_text())
    assert doc["summary"]["complete"] is False and [r["who"] for r in doc["results"]] == ["quick"]
    _, alive = psutil.wait_procs(children, timeout=60)
    assert alive == []
