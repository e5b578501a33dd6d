"""Generation under faults: kill -9, SIGTERM and SIGHUP, two runs racing for one --out, and an
output that cannot be written (impossible path, read-only or full disk).

Every test waits for a condition (a directory appears, a process is gone) with a deadline that
only prevents a hang; none measures time.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner

from simgen.cli import main
from simgen.errors import OutputError, OutputExistsError
from simgen.sim.writer import AtomicDir
from simgen.verify import verify

DEADLINE_S = 120  # only against a hang: a loaded machine may be slow, never wrong


def flat(text: str) -> str:
    return " ".join(text.split())


def start(out: Path, *args: str) -> subprocess.Popen:
    """`simgen` in its own session (so its whole tree can be found and signalled)."""
    return subprocess.Popen([sys.executable, "-m", "simgen.cli", "--out", str(out), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def wait_for(condition, what: str, proc: subprocess.Popen | None = None):
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        got = condition()
        if got:
            return got
        if proc is not None and proc.poll() is not None:
            _, err = proc.communicate()
            pytest.fail(f"the run ended (exit {proc.returncode}) before {what}: {err}")
        time.sleep(0.02)
    pytest.fail(f"gave up waiting for {what}")


def temp_dirs(parent: Path, name: str) -> list[Path]:
    return sorted(p for p in parent.iterdir() if p.name.startswith(f".{name}.simgen-"))


def writing(parent: Path, name: str):
    """The run's temporary directory once the write pass has begun (a part is on disk)."""
    return next((t for t in temp_dirs(parent, name) if any(t.glob("*/part-*.parquet"))), None)


def session(sid: int) -> list[psutil.Process]:
    """Live processes of a session: the run and everything it started, reparented or not."""
    found = []
    for p in psutil.process_iter():
        try:
            if os.getsid(p.pid) == sid and p.status() != psutil.STATUS_ZOMBIE:
                found.append(p)
        except (ProcessLookupError, PermissionError, psutil.NoSuchProcess):
            continue
    return found


def workers_started(proc: subprocess.Popen) -> bool:
    try:
        kids = psutil.Process(proc.pid).children(recursive=True)
        return sum("spawn_main" in " ".join(k.cmdline()) for k in kids) >= 2
    except psutil.NoSuchProcess:
        return False


def assert_no_survivors(sid: int) -> None:
    wait_for(lambda: not session(sid), "every process of the run to end")


# ---------------------------------------------------------------- kill -9
def test_kill_9_leaves_no_worker_and_the_next_run_removes_its_debris(tmp_path):
    proc = start(tmp_path / "big", "--users", "400k", "--jobs", "2")
    stale = wait_for(lambda: writing(tmp_path, "big"), "the write pass", proc)
    wait_for(lambda: workers_started(proc), "the workers", proc)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=DEADLINE_S)
    assert_no_survivors(proc.pid)  # the workers died with their parent
    assert stale.is_dir() and not (tmp_path / "big").exists()  # kill -9 cannot clean up...

    again = start(tmp_path / "big", "--users", "1k", "--jobs", "1")
    _, err = again.communicate(timeout=DEADLINE_S)
    assert again.returncode == 0, err
    assert not stale.exists() and [p.name for p in tmp_path.iterdir()] == ["big"]  # ...the next run does
    assert "removed" in flat(err) and stale.name in flat(err) and f"pid {proc.pid}" in flat(err)
    assert verify(tmp_path / "big").ok


def test_a_live_runs_temporary_directory_is_never_removed(tmp_path):
    """A directory another process holds locked is a live run's: left alone, even with --force."""
    live = tmp_path / ".d.simgen-tmp-0123abcd"
    live.mkdir()
    (live / "part.bin").write_bytes(b"being written")
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDONLY); fcntl.flock(fd, fcntl.LOCK_EX); "
        "print('locked', flush=True); sys.stdin.read()"), str(live)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        r = CliRunner().invoke(main, ["--users", "1k", "--out", str(tmp_path / "d"), "--jobs", "1"])
        assert r.exit_code == 2 and "Traceback" not in r.output
        assert "already exists as an unfinished dataset" in flat(r.output) and live.name in flat(r.output)
        assert (live / "part.bin").read_bytes() == b"being written"
        r = CliRunner().invoke(main, ["--users", "1k", "--out", str(tmp_path / "d"), "--jobs", "1", "--force"])
        assert r.exit_code == 0, r.output
        assert (live / "part.bin").read_bytes() == b"being written"
        assert sorted(p.name for p in tmp_path.iterdir()) == [live.name, "d"]
    finally:
        holder.stdin.close()
        holder.wait(timeout=DEADLINE_S)
    r = CliRunner().invoke(main, ["--users", "1k", "--out", str(tmp_path / "d"), "--jobs", "1", "--force"])
    assert r.exit_code == 0 and [p.name for p in tmp_path.iterdir()] == ["d"]  # its owner is gone now


def test_dead_runs_debris_of_other_shapes(tmp_path):
    """A replaced dataset a killed --force run had not finished removing goes too; a look-alike
    name that is not ours (a file, another pattern) is left alone."""
    old = tmp_path / ".d.simgen-old-89abcdef"
    (old / "users").mkdir(parents=True)
    (old / "users" / "part-00000.parquet").write_bytes(b"x" * 1000)
    foreign = [tmp_path / ".d.simgen-tmp-notours", tmp_path / ".d.simgen-tmp-0123abcd.bak"]
    for f in foreign:
        f.mkdir()
    (tmp_path / ".d.simgen-tmp-fedcba98").write_text("a file, not a run's directory")
    r = CliRunner().invoke(main, ["--users", "1k", "--out", str(tmp_path / "d"), "--jobs", "1"])
    assert r.exit_code == 0, r.output
    assert not old.exists() and all(f.is_dir() for f in foreign)
    assert (tmp_path / ".d.simgen-tmp-fedcba98").is_file()


# ---------------------------------------------------------------- SIGTERM, SIGHUP
@pytest.mark.parametrize("sig,code", [(signal.SIGTERM, 143), (signal.SIGHUP, 129)], ids=["TERM", "HUP"])
@pytest.mark.parametrize("target,moment", [("parent", "writing"), ("group", "writing"), ("group", "start-up")])
def test_signal_stops_the_run_cleanly(tmp_path, sig, code, target, moment):
    """Like Ctrl-C: workers stopped, temporary directory removed, no traceback, 128+signal.

    `group` signals the whole process group, as a service manager, `timeout` or a closing
    terminal do; `start-up` lands as soon as the run's directory exists, while workers spawn."""
    proc = start(tmp_path / "big", "--users", "400k", "--jobs", "2")
    if moment == "writing":
        wait_for(lambda: writing(tmp_path, "big"), "the write pass", proc)
        wait_for(lambda: workers_started(proc), "the workers", proc)
    else:
        wait_for(lambda: temp_dirs(tmp_path, "big"), "the temporary directory", proc)
    if target == "group":
        os.killpg(proc.pid, sig)
    else:
        proc.send_signal(sig)
    _, err = proc.communicate(timeout=DEADLINE_S)
    assert proc.returncode == code, err
    assert "terminated: nothing was written" in err and "Traceback" not in err
    assert_no_survivors(proc.pid)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_signal_twice_still_cleans_up(tmp_path, jobs):
    """`timeout` signals its command, then the whole group: the second must not cut the first's
    clean-up short (with --jobs 1 the first lands in the middle of the work, not at a safe point)."""
    proc = start(tmp_path / "big", "--users", "400k", "--jobs", jobs)
    wait_for(lambda: writing(tmp_path, "big"), "the write pass", proc)
    if jobs != "1":
        wait_for(lambda: workers_started(proc), "the workers", proc)
    proc.send_signal(signal.SIGTERM)
    os.killpg(proc.pid, signal.SIGTERM)
    _, err = proc.communicate(timeout=DEADLINE_S)
    assert proc.returncode == 143, err
    assert "terminated: nothing was written" in err and "Traceback" not in err
    assert_no_survivors(proc.pid)
    assert list(tmp_path.iterdir()) == []


def worker_pids(proc: subprocess.Popen) -> list[int]:
    return [k.pid for k in psutil.Process(proc.pid).children() if "spawn_main" in " ".join(k.cmdline())]


@pytest.mark.parametrize("sig,code,message", [(signal.SIGTERM, 143, "terminated: nothing was written"),
                                              (signal.SIGKILL, 2, "a worker process died")], ids=["TERM", "KILL"])
def test_a_signalled_worker_stops_the_whole_run_cleanly(tmp_path, sig, code, message):
    """SIGTERM to one worker is passed to the parent, which stops the run; SIGKILL (an operator,
    the out-of-memory killer) breaks the pool, which the parent reports. Either way nothing is left."""
    proc = start(tmp_path / "big", "--users", "400k", "--jobs", "2")
    wait_for(lambda: writing(tmp_path, "big"), "the write pass", proc)
    wait_for(lambda: workers_started(proc), "the workers", proc)
    os.kill(worker_pids(proc)[0], sig)
    _, err = proc.communicate(timeout=DEADLINE_S)
    assert proc.returncode == code, err
    assert message in flat(err) and "Traceback" not in err
    assert_no_survivors(proc.pid)
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- races
def test_two_runs_racing_for_one_out(tmp_path):
    """Started together, without --force: one writes the dataset, the other says it exists."""
    out = tmp_path / "d"
    runs = [start(out, "--users", "200k", "--jobs", "1") for _ in range(2)]
    results = [(p.wait(timeout=DEADLINE_S), p.communicate()[1]) for p in runs]
    assert sorted(code for code, _ in results) == [0, 2], results
    loser = next(err for code, err in results if code == 2)
    assert "already exists" in flat(loser) and "Traceback" not in loser
    assert [p.name for p in tmp_path.iterdir()] == ["d"]
    assert verify(out).ok


def test_two_forced_runs_racing_for_one_out(tmp_path):
    """With --force both may succeed, the later one replacing the earlier: never a mix of two."""
    out = tmp_path / "d"
    runs = [start(out, "--users", users, "--jobs", "1", "--force") for users in ("1k", "2k")]
    results = [(p.wait(timeout=DEADLINE_S), p.communicate()[1]) for p in runs]
    assert [code for code, _ in results] == [0, 0], results
    assert [p.name for p in tmp_path.iterdir()] == ["d"]
    assert verify(out).ok


def test_out_that_appears_while_writing_is_never_replaced(tmp_path):
    """rename(2) would put a directory over an EMPTY directory; the rename into place refuses."""
    out = tmp_path / "d"
    with pytest.raises(OutputExistsError, match="already exists .* while this one was writing.*wrote nothing"), \
            AtomicDir(out) as tmp:
        (tmp / "manifest.json").write_text("{}")
        out.mkdir()  # someone else got there first
    assert out.is_dir() and list(out.iterdir()) == [] and [p.name for p in tmp_path.iterdir()] == ["d"]


@pytest.mark.parametrize("renameat2", [True, False], ids=["renameat2", "fallback"])
def test_rename_into_place_never_replaces(tmp_path, monkeypatch, renameat2):
    from simgen.sim import writer

    if not renameat2:
        monkeypatch.setattr(writer, "_renameat2", None)
    elif writer._renameat2 is None:
        pytest.skip("no renameat2 in this C library")
    src, dst = tmp_path / "src", tmp_path / "dst"
    src.mkdir()
    dst.mkdir()  # empty: rename(2) alone would replace it
    with pytest.raises(FileExistsError):
        writer._rename_noreplace(src, dst)
    assert src.is_dir() and dst.is_dir()
    dst.rmdir()
    writer._rename_noreplace(src, dst)
    assert dst.is_dir() and not src.exists()


def test_force_replaces_only_a_complete_dataset(tmp_path):
    out = tmp_path / "d"
    out.mkdir()
    (out / "old.txt").write_text("old")
    with pytest.raises(RuntimeError), AtomicDir(out, force=True) as tmp:
        (tmp / "new.txt").write_text("new")
        raise RuntimeError("the run failed")
    assert (out / "old.txt").read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["d"]
    with AtomicDir(out, force=True) as tmp:
        (tmp / "new.txt").write_text("new")
    assert [p.name for p in out.iterdir()] == ["new.txt"] and [p.name for p in tmp_path.iterdir()] == ["d"]


# ---------------------------------------------------------------- file-system errors
def _impossible(tmp_path: Path, kind: str) -> tuple[str, str]:
    if kind == "under a file":
        (tmp_path / "file").write_text("not a directory")
        return str(tmp_path / "file" / "d"), "Not a directory"
    if kind == "name too long":
        return str(tmp_path / ("x" * 250)), "File name too long"
    if kind == "parent name too long":
        return str(tmp_path / ("y" * 300) / "d"), "File name too long"
    if kind == "proc":
        return "/proc/self/simgen-out", ""
    if kind == "sys":
        return "/sys/simgen-out", ""
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["under a file", "name too long", "parent name too long", "proc", "sys"])
def test_impossible_out_is_a_message(tmp_path, kind):
    out, reason = _impossible(tmp_path, kind)
    if kind in ("proc", "sys") and not Path("/" + kind).is_dir():
        pytest.skip(f"no /{kind} on this system")
    before = sorted(p.name for p in tmp_path.iterdir())
    r = CliRunner().invoke(main, ["--users", "1k", "--out", out, "--jobs", "1"])
    assert r.exit_code == 2, r.output
    assert isinstance(r.exception, SystemExit) and "Traceback" not in r.output
    assert f"cannot write {out!r}" in flat(r.output) and reason in flat(r.output)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_output_error_from_the_library(tmp_path):
    from simgen.profile import DEFAULT
    from simgen.sim.engine import Config, generate

    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="Not a directory"):
        generate(Config(seed=0, users=1_000, profile=DEFAULT), tmp_path / "file" / "d", jobs=1)


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MiB tmpfs: a real full disk (CI runs as root, where chmod cannot make a read-only one)."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    try:
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], capture_output=True, text=True,
                           check=False)
    except FileNotFoundError:
        pytest.skip("no mount command here: a full disk cannot be simulated without one")
    if r.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root and mount permission): {r.stderr.strip()}")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_full_disk_is_a_message_and_leaves_nothing(small_disk, jobs):
    """With --jobs 2 the error is raised in a worker and comes back through the pool."""
    out = small_disk / "d"
    proc = start(out, "--users", "20k", "--jobs", jobs)
    _, err = proc.communicate(timeout=DEADLINE_S)
    assert proc.returncode == 2, err
    assert "No space left on device" in flat(err) and f"cannot write {str(out)!r}" in flat(err)
    assert "Traceback" not in err
    assert list(small_disk.iterdir()) == []
    assert_no_survivors(proc.pid)


def test_read_only_disk_is_a_message(small_disk):
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    out = small_disk / "d"
    r = CliRunner().invoke(main, ["--users", "1k", "--out", str(out), "--jobs", "1"])
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert "Read-only file system" in flat(r.output) and f"cannot write {str(out)!r}" in flat(r.output)
    assert list(small_disk.iterdir()) == []


def test_owner_file_never_reaches_the_dataset(tmp_path):
    r = CliRunner().invoke(main, ["--users", "1k", "--out", str(tmp_path / "d"), "--jobs", "1"])
    assert r.exit_code == 0
    assert not (tmp_path / "d" / ".simgen-owner").exists() and verify(tmp_path / "d").ok
    manifest = json.loads((tmp_path / "d" / "manifest.json").read_text())
    assert manifest["users"] == 1000


def test_lock_is_held_for_the_whole_run(tmp_path):
    """While a run writes, its temporary directory cannot be locked by anyone else."""
    with AtomicDir(tmp_path / "d") as tmp:
        fd = os.open(tmp, os.O_RDONLY)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(fd)
        assert json.loads((tmp / ".simgen-owner").read_text())["pid"] == os.getpid()
        (tmp / "x").write_text("x")
    assert [p.name for p in (tmp_path / "d").iterdir()] == ["x"]
