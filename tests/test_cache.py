"""The cache's rules: sealed entries (files and directories) are trusted only while their bytes
are the sealed ones, and half-written temporaries of dead writers are swept."""

from __future__ import annotations

import os
import subprocess
import sys

from simgen.cache import discard, is_sealed, seal, sweep_temps, temp_beside


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_sealed_file_is_trusted_until_its_bytes_change(tmp_path):
    entry = tmp_path / "result.arrow"
    entry.write_bytes(b"x" * 1000)
    assert not is_sealed(entry)  # never sealed: never trusted
    seal(entry)
    assert is_sealed(entry)
    entry.write_bytes(b"y" * 1000)  # same size, other bytes
    assert not is_sealed(entry)
    entry.write_bytes(b"x" * 1000)  # the sealed bytes again (a new ctime): trusted, and sealed anew
    assert is_sealed(entry)
    discard(entry)
    assert not entry.exists() and not (tmp_path / "result.arrow.seal").exists()


def test_a_sealed_directory_notices_a_changed_added_or_removed_file(tmp_path):
    entry = tmp_path / "runs"
    (entry / "sub").mkdir(parents=True)
    (entry / "a.parquet").write_bytes(b"a")
    (entry / "sub" / "b.parquet").write_bytes(b"b")
    seal(entry)
    assert is_sealed(entry)
    (entry / "c.parquet").write_bytes(b"c")
    assert not is_sealed(entry)
    (entry / "c.parquet").unlink()
    assert is_sealed(entry)
    (entry / "sub" / "b.parquet").unlink()
    assert not is_sealed(entry)


def test_an_entry_passing_its_own_check_is_sealed_on_first_use(tmp_path):
    entry = tmp_path / "dataset"
    entry.mkdir()
    (entry / "manifest.json").write_text("{}")
    assert not is_sealed(entry, check=lambda p: False)
    assert is_sealed(entry, check=lambda p: True) and is_sealed(entry)  # sealed now: no check needed


def test_temporaries_of_dead_writers_are_swept_and_live_ones_kept(tmp_path):
    entry = tmp_path / "copy.duckdb"
    mine = temp_beside(entry)
    mine.write_bytes(b"being written")
    dead = tmp_path / f".copy.duckdb.{_dead_pid()}.0badc0de.tmp"
    dead.write_bytes(b"left by a killed writer")
    other = tmp_path / f".other.duckdb.{_dead_pid()}.0badc0de.tmp"
    other.write_bytes(b"another entry's")
    sweep_temps(entry)
    assert mine.exists() and not dead.exists() and other.exists()
    assert str(os.getpid()) in mine.name
