"""The command line: options, exit codes and messages (click's CliRunner, one small run each)."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from simgen.cli import UserCount, main


def flat(text: str) -> str:
    """The console wraps long messages (paths) at its width: compare words, not lines."""
    return " ".join(text.split())


@pytest.mark.parametrize("text,n", [("100000", 100_000), ("10k", 10_000), ("2.5M", 2_500_000), ("10M", 10_000_000),
                                    ("1B", 1_000_000_000), ("1_000", 1_000), ("750", 750)])
def test_user_counts(text, n):
    assert UserCount().convert(text, None, None) == n


@pytest.mark.parametrize("text,msg", [("12x", "not a member count"), ("-5", "not a member count"),
                                      ("1.5", "not a whole number"), ("10", "too few"), ("", "not a member count"),
                                      ("3B", "too many")])
def test_bad_user_counts_are_usage_errors(text, msg):
    r = CliRunner().invoke(main, ["--users", text, "--out", "nowhere"])
    assert r.exit_code == 2
    assert "Invalid value for '--users'" in r.output and msg in r.output
    assert "Traceback" not in r.output


def test_generate_then_verify(tmp_path):
    out = tmp_path / "d"
    r = CliRunner().invoke(main, ["--users", "1k", "--seed", "5", "--out", str(out), "--jobs", "1"])
    assert r.exit_code == 0, r.output
    assert "truth.json" in r.output and "1,000" in r.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert (manifest["users"], manifest["seed"], manifest["profile"]) == (1000, 5, "default")
    r = CliRunner().invoke(main, ["verify", str(out)])
    assert r.exit_code == 0 and "whole" in r.output
    (out / "pages" / "part-00000.parquet").unlink()
    r = CliRunner().invoke(main, ["verify", str(out)])
    assert r.exit_code == 1 and "missing: pages/part-00000.parquet" in r.output


def test_existing_output_is_kept_unless_forced(tmp_path):
    out = tmp_path / "d"
    out.mkdir()
    (out / "precious.txt").write_text("keep me")
    r = CliRunner().invoke(main, ["--users", "200", "--out", str(out), "--jobs", "1"])
    assert r.exit_code == 2 and "already exists" in flat(r.output) and "--force" in r.output
    assert (out / "precious.txt").read_text() == "keep me"
    assert [p.name for p in tmp_path.iterdir()] == ["d"]  # no temporary directory left behind
    r = CliRunner().invoke(main, ["--users", "200", "--out", str(out), "--jobs", "1", "--force"])
    assert r.exit_code == 0 and (out / "manifest.json").exists() and not (out / "precious.txt").exists()


def test_verify_of_a_non_dataset(tmp_path):
    r = CliRunner().invoke(main, ["verify", str(tmp_path)])
    assert r.exit_code == 1 and "no manifest.json" in flat(r.output) and "Traceback" not in r.output


def test_bare_command_prints_help():
    r = CliRunner().invoke(main, [])
    assert r.exit_code == 0 and "--users" in r.output


@pytest.mark.parametrize("delay", [0.0, 0.3, 1.0])
@pytest.mark.parametrize("whole_group", [False, True], ids=["parent", "terminal"])
def test_killed_run_leaves_nothing_that_looks_like_a_dataset(tmp_path, delay, whole_group):
    """SIGINT in the middle of a run: no --out directory, no temporary directory, no traceback.

    `delay` moves the signal across worker start-up (0.0 lands while workers are being spawned)
    and chunk writing; `terminal` signals the whole process group, as Ctrl-C in a shell does.
    """
    out = tmp_path / "big"
    proc = subprocess.Popen([sys.executable, "-m", "simgen.cli", "--users", "400k", "--out", str(out), "--jobs", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # a runner may start us ignoring it
    deadline = time.time() + 60
    while time.time() < deadline and not any(p.name.startswith(".big.simgen-tmp") for p in tmp_path.iterdir()):
        time.sleep(0.01)
    time.sleep(delay)
    if whole_group:
        os.killpg(proc.pid, signal.SIGINT)
    else:
        proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "nothing was written" in err
    assert list(tmp_path.iterdir()) == []
