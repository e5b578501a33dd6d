"""A person's progress (simgen/progress.py): shared by `simgen hint`, `simgen check` and the
practice page; no update lost between processes; an unreadable file kept aside, never lost."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

from click.testing import CliRunner

from simgen import challenges
from simgen.cli import main
from simgen.grader.verdict import Verdict
from simgen.progress import Progress, state_root

WRONG = Verdict("srm_check", False, "wrong", "missing 1 row")
PASS = Verdict("srm_check", True, "pass", "ok")


def _record_many(path: str, n: int) -> None:
    progress = Progress(Path(path))
    for _ in range(n):
        progress.record("srm_check", WRONG, "SELECT 1", "duckdb")


def test_attempts_and_solved(tmp_path):
    progress = Progress(tmp_path / "p.json")
    assert progress.record("srm_check", WRONG, "SELECT 1", "mysql")["attempts"] == 1
    entry = progress.record("srm_check", PASS, "SELECT 2", "postgres")
    assert entry["solved"] and entry["attempts"] == 2 and entry["last_sql"] == "SELECT 2"
    progress.record("srm_check", WRONG)
    again = Progress(tmp_path / "p.json").get("srm_check")
    assert again["solved"] and again["attempts"] == 3 and again["last_status"] == "wrong"
    assert again["solved_at"] == entry["solved_at"]


def test_no_update_is_lost_between_processes(tmp_path):
    path = tmp_path / "p.json"
    context = multiprocessing.get_context("spawn")
    procs = [context.Process(target=_record_many, args=(str(path), 25)) for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    assert Progress(path).get("srm_check")["attempts"] == 75
    assert sorted(f.name for f in tmp_path.iterdir()) == ["p.json", "p.json.lock"]  # no temporaries left


def test_an_unreadable_file_is_kept_aside_not_overwritten(tmp_path):
    path = tmp_path / "p.json"
    path.write_text('{"srm_check": {"attempts": 3}')  # cut short
    progress = Progress(path)
    assert progress.all() == {}
    kept = list(tmp_path.glob("p.json.unreadable-*"))
    assert len(kept) == 1 and kept[0].read_text() == '{"srm_check": {"attempts": 3}'
    progress.record("srm_check", PASS)
    assert json.loads(path.read_text())["srm_check"]["solved"] is True


def test_hints_seen_before_progress_was_kept_carry_over(tmp_path, monkeypatch):
    monkeypatch.setenv("SIMGEN_CACHE", str(tmp_path / "cache"))
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "hints.json").write_text(json.dumps({"srm_check": 2}))
    assert Progress(tmp_path / "state" / "progress.json").hints("srm_check") == 2


def test_hint_and_check_on_the_command_line_write_the_same_progress(tmp_path, monkeypatch, small):
    monkeypatch.setenv("SIMGEN_STATE", str(tmp_path / "state"))
    assert state_root() == tmp_path / "state"
    ch = challenges.get("second_highest_salary")
    runner = CliRunner()
    first = runner.invoke(main, ["hint", ch.id])
    assert first.exit_code == 0 and f"hint 1/{len(ch.hints)}: {ch.hints[0]}" in first.output
    assert Progress().hints(ch.id) == 1

    answer = tmp_path / f"{ch.id}.sql"
    answer.write_text(ch.solution)
    graded = runner.invoke(main, ["check", str(answer), "--data", str(small.path)])
    assert graded.exit_code == 0, graded.output
    entry = Progress().get(ch.id)
    assert entry["solved"] and entry["attempts"] == 1 and entry["hints"] == 1 and entry["last_sql"] == ch.solution

    typo = tmp_path / "no_such_challenge.sql"
    typo.write_text("SELECT 1")
    assert runner.invoke(main, ["check", str(typo), "--data", str(small.path)]).exit_code == 2
    assert "no_such_challenge" not in Progress().all()  # what could not be graded is no attempt
