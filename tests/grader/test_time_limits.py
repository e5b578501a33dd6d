"""Time limits that fit the challenge: max(floor, multiple x the reference's time on the dataset),
settable per challenge, overridden by --timeout, enforced per query by the worker (DuckDB's own
limit stays the sandbox's maximum and locked), and named with its reason in the message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from simgen import challenges
from simgen.errors import SimgenError
from simgen.grader import expected as expected_module
from simgen.grader import grading, timelimit
from simgen.grader.errors import LimitError
from simgen.grader.sandbox import Job, Sandbox
from simgen.grader.timelimit import TimeLimit

# 10^10 rows through a one-thread worker: far past any limit these tests set.
SLOW = "SELECT sum(a.range * b.range) AS s FROM range(100000) a, range(100000) b"
REPO = Path(__file__).resolve().parents[2]


def test_the_rule_is_a_multiple_of_the_reference_with_a_floor_and_a_cap():
    assert timelimit.derive(2.1, 10, 30, 600) == TimeLimit(30, "10x the reference's 2.1 s on this dataset, at least 30 s")
    assert timelimit.derive(8.0, 10, 30, 600).seconds == 80.0
    assert timelimit.derive(8.0, 20, 30, 600).seconds == 160.0
    capped = timelimit.derive(100.0, 10, 30, 600)
    assert capped.seconds == 600 and "capped at the grader's maximum of 600 s" in capped.why
    assert timelimit.derive(None, 10, 45, 600).seconds == 45
    assert timelimit.fixed(5).why == "set by --timeout"


def test_the_message_says_what_the_limit_was_and_why():
    message = timelimit.derive(2.1, 10, 30, 600).message()
    assert message == ("the query ran longer than 30 s and was stopped "
                       "(limit 30 s: 10x the reference's 2.1 s on this dataset, at least 30 s)")


def _bank_copy(tmp_path: Path, cid: str, extra: str) -> Path:
    for part in ("challenges", "expected"):
        shutil.copytree(REPO / part / cid, tmp_path / part / cid)
    grading_toml = tmp_path / "expected" / cid / "grading.toml"
    grading_toml.write_text(grading_toml.read_text() + "\n" + extra)
    return tmp_path


def test_a_challenge_sets_its_own_multiple_and_floor(tmp_path):
    root = _bank_copy(tmp_path, "rolling_watch_time", "[time_limit]\nmultiple = 20\nfloor_s = 45\n")
    ch = challenges._load(root, "rolling_watch_time")
    assert (ch.time_multiple, ch.time_floor_s) == (20.0, 45.0)
    default = challenges.get("rolling_watch_time")
    assert (default.time_multiple, default.time_floor_s) == (timelimit.DEFAULT_MULTIPLE, timelimit.DEFAULT_FLOOR_S)


@pytest.mark.parametrize("extra", ["[time_limit]\nmultiple = 0\n", "[time_limit]\nfloor = 30\n",
                                   "[time_limit]\nfloor_s = 'long'\n"])
def test_a_bad_time_limit_table_is_refused_by_name(tmp_path, extra):
    root = _bank_copy(tmp_path, "rolling_watch_time", extra)
    with pytest.raises(SimgenError, match=r"\[time_limit\]"):
        challenges._load(root, "rolling_watch_time")


def test_computing_the_expected_result_measures_the_reference(edge, tmp_path, monkeypatch):
    monkeypatch.setenv("SIMGEN_CACHE", str(tmp_path / "cache"))
    ch = challenges.get("srm_check")
    assert expected_module.reference_seconds(ch, edge.path) is None  # never computed here
    expected_module.expected(ch, edge.path)
    seconds = expected_module.reference_seconds(ch, edge.path)
    assert seconds is not None and seconds >= 0
    # grade_all's limit for that challenge and dataset follows the rule from that measurement,
    # and --timeout replaces it.
    monkeypatch.setattr(grading, "_LIMITS", {})
    assert grading.time_limit(ch, edge.path, None) == timelimit.derive(seconds, ch.time_multiple, ch.time_floor_s)
    assert grading.time_limit(ch, edge.path, 5.0) == timelimit.fixed(5.0)


def test_a_job_is_stopped_at_its_own_limit_by_its_worker_which_lives_on(dataset):
    limit = TimeLimit(0.3, "10x the reference's 0.03 s on this dataset, at least 0.3 s")
    with Sandbox({"tiny": dataset}, timeout_s=120, workers=1) as box:
        before = box.pids
        ((_, outcome),) = list(box.run_many([Job(SLOW, "tiny", limit=limit)]))
        assert isinstance(outcome, LimitError) and outcome.limit == "time"
        assert "limit 0.3 s: 10x the reference's 0.03 s on this dataset" in outcome.message
        assert box.pids == before  # interrupted by its worker, not killed from outside
        # the interrupt does not leak into the next query on that worker
        assert box.run("SELECT 42 AS x", "tiny").column("x")[0].as_py() == 42


def test_a_job_limit_above_the_sandbox_maximum_is_cut_to_it(dataset):
    with Sandbox({"tiny": dataset}, timeout_s=0.4, workers=1) as box:
        job = Job(SLOW, "tiny", limit=TimeLimit(900, "10x the reference's 90 s on this dataset, at least 30 s"))
        assert box.limit_of(job).seconds == 0.4
        ((_, outcome),) = list(box.run_many([job]))
        assert isinstance(outcome, LimitError)
        assert "capped at the sandbox's 0.4 s" in outcome.message
