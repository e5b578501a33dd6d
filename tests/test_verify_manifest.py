"""`simgen verify` does not trust the manifest: its shape, its paths, its row counts and its
seed/users/profile are all checked against the files, truth.json and the contract."""

from __future__ import annotations

import hashlib
import json
import os
import shutil

import pytest
from click.testing import CliRunner

from simgen.cli import main
from simgen.errors import DatasetError
from simgen.dataset import Dataset
from simgen.sim.calendar import outage_day
from simgen.verify import verify


@pytest.fixture
def copy(tmp_path, small):
    dst = tmp_path / "ds"
    shutil.copytree(small.path, dst)
    return dst


def flat(text: str) -> str:
    return " ".join(text.split())


def edit(root, change) -> None:
    m = json.loads((root / "manifest.json").read_text())
    m = change(m) or m
    (root / "manifest.json").write_text(json.dumps(m))


def edit_truth(root, change) -> None:
    """Change truth.json and record its new checksum, as a careful forger would."""
    t = json.loads((root / "truth.json").read_text())
    change(t)
    (root / "truth.json").write_text(json.dumps(t))
    digest = hashlib.sha256((root / "truth.json").read_bytes()).hexdigest()
    edit(root, lambda m: m["truth"].__setitem__("sha256", digest))


def cli_verify(root):
    r = CliRunner().invoke(main, ["verify", str(root)])
    assert "Traceback" not in r.output and isinstance(r.exception, (SystemExit, type(None))), r.output
    return r


def test_the_untouched_copy_is_whole(copy):
    r = cli_verify(copy)
    assert r.exit_code == 0 and r.output == f"{copy}: whole (34 files match the manifest)\n"


# ---------------------------------------------------------------- shape
SHAPES = {
    "no tables": lambda m: m.pop("tables"),
    "no seed": lambda m: m.pop("seed"),
    "no truth entry": lambda m: m.pop("truth"),
    "an array": lambda m: [m],
    "a string": lambda m: "manifest",
    "tables is a list": lambda m: m.__setitem__("tables", list(m["tables"].values())),
    "a table is a number": lambda m: m["tables"].__setitem__("users", 5),
    "files is an object": lambda m: m["tables"]["users"].__setitem__("files", {}),
    "a file entry is a string": lambda m: m["tables"]["users"]["files"].__setitem__(0, "users/part-00000.parquet"),
    "a file entry lacks sha256": lambda m: m["tables"]["users"]["files"][0].pop("sha256"),
    "rows is a string": lambda m: m["tables"]["users"]["files"][0].__setitem__("rows", "2000"),
    "rows is negative": lambda m: m["tables"]["users"].__setitem__("rows", -1),
    "bytes is a float": lambda m: m["tables"]["users"]["files"][0].__setitem__("bytes", 1.5),
    "sha256 is not hex": lambda m: m["tables"]["users"]["files"][0].__setitem__("sha256", "z" * 64),
    "seed is a string": lambda m: m.__setitem__("seed", "0"),
    "seed is a boolean": lambda m: m.__setitem__("seed", False),
    "seed is negative": lambda m: m.__setitem__("seed", -1),
    "users is zero": lambda m: m.__setitem__("users", 0),
    "users is huge": lambda m: m.__setitem__("users", 10**30),
    "chunk_users is zero": lambda m: m.__setitem__("chunk_users", 0),
    "profile is a number": lambda m: m.__setitem__("profile", 1),
    "truth is a list": lambda m: m.__setitem__("truth", []),
    "an unknown key in an entry": lambda m: m["tables"]["users"]["files"][0].__setitem__("owner", "x"),
    "a table name with a slash": lambda m: m["tables"].__setitem__("../users", m["tables"].pop("users")),
    "a path listed twice": lambda m: m["tables"]["sessions"]["files"].append(m["tables"]["users"]["files"][0]),
}
OUTSIDE = ["../x", "../../etc/passwd", "/etc/passwd", "users/../../x", "users/./part-00000.parquet",
           "users//part-00000.parquet", "", "users\\part-00000.parquet", "manifest.json"]


@pytest.mark.parametrize("change", SHAPES.values(), ids=SHAPES.keys())
def test_a_manifest_of_the_wrong_shape_is_a_clear_error(copy, change):
    edit(copy, change)
    with pytest.raises(DatasetError, match="manifest"):
        verify(copy)
    r = cli_verify(copy)
    assert r.exit_code == 1 and "Error:" in r.output


@pytest.mark.parametrize("text", ["", "null", "{", "[1, 2", "\xff\xfe", "1e999999", "9" * 5000, "[" * 100_000 + "]" * 100_000,
                                  '{"tables": {"users": {"rows": 1, "files": [{"path": 5}]}}}'])
def test_no_json_text_gives_a_traceback(copy, text):
    (copy / "manifest.json").write_bytes(text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text)
    with pytest.raises(DatasetError):
        verify(copy)
    assert cli_verify(copy).exit_code == 1


@pytest.mark.parametrize("path", OUTSIDE)
def test_an_entry_outside_the_dataset_is_refused(copy, path):
    """An extra entry pointing outside (or at the manifest itself) is refused before anything is read."""
    entry = {"path": path, "rows": 0, "bytes": 0, "sha256": "0" * 64}
    edit(copy, lambda m: m["tables"]["users"]["files"].append(entry))
    with pytest.raises(DatasetError, match="outside the dataset|plain|listed twice"):
        verify(copy)
    r = cli_verify(copy)
    assert r.exit_code == 1 and "whole" not in r.output


def test_truth_entry_outside_the_dataset_is_refused(copy):
    edit(copy, lambda m: m["truth"].__setitem__("path", "../truth.json"))
    with pytest.raises(DatasetError, match="outside the dataset|plain"):
        verify(copy)


def test_other_readers_get_a_dataset_error_not_a_key_error(tmp_path):
    """The grader reads a manifest for `users` alone: it may be partial, but never mistyped."""
    (tmp_path / "manifest.json").write_text(json.dumps({"users": 6000}))
    ds = Dataset.open(tmp_path, require=("users",))
    assert ds.users == 6000 and ds.profile is None and ds.tables == {}
    with pytest.raises(DatasetError, match="no table 'sessions'"):
        ds.paths("sessions")
    with pytest.raises(DatasetError, match="no 'tables'"):
        Dataset.open(tmp_path)  # what every reader of files requires
    with pytest.raises(DatasetError, match="no 'seed'"):
        Dataset.open(tmp_path, require=("seed",))
    (tmp_path / "manifest.json").write_text(json.dumps({"users": "6000"}))
    with pytest.raises(DatasetError, match="users must be an integer"):
        Dataset.open(tmp_path, require=())


def test_summary_of_a_bad_manifest_is_a_message(copy):
    edit(copy, lambda m: m.pop("tables"))
    r = CliRunner().invoke(main, ["summary", str(copy)])
    assert r.exit_code == 1 and "tables" in r.output and "Traceback" not in r.output


# ---------------------------------------------------------------- what the manifest claims
def problems(root) -> str:
    rep = verify(root)
    assert not rep.ok
    r = cli_verify(root)
    assert r.exit_code == 1 and "NOT whole" in r.output
    return "\n".join(rep.lines())


def test_edited_seed(copy):
    edit(copy, lambda m: m.__setitem__("seed", 1))
    out = problems(copy)
    assert "inconsistent: seed: the manifest says 1, truth.json says 0" in out
    assert "inconsistent: seed: the outage day of seed 1" in out


def test_edited_seed_of_a_dataset_without_its_identity_in_truth(copy):
    """Datasets written before truth.json recorded seed/users/profile: the outage day still tells."""
    edit_truth(copy, lambda t: t.pop("dataset"))
    assert verify(copy).ok
    other = next(s for s in range(1, 100) if outage_day(s) != outage_day(0))
    edit(copy, lambda m: m.__setitem__("seed", other))
    assert f"inconsistent: seed: the outage day of seed {other}" in problems(copy)


def test_edited_seed_and_truth_together_are_still_caught(copy):
    """A forger who rewrites truth.json's identity (and checksum) still meets the outage day."""
    other = next(s for s in range(1, 100) if outage_day(s) != outage_day(0))
    edit_truth(copy, lambda t: t["dataset"].__setitem__("seed", other))
    edit(copy, lambda m: m.__setitem__("seed", other))
    assert "the outage day of seed" in problems(copy)


@pytest.mark.parametrize("users", [5_999, 6_001, 4_000, 60_000])
def test_edited_users(copy, users):
    edit(copy, lambda m: m.__setitem__("users", users))
    out = problems(copy)
    assert f"inconsistent: users: the manifest says {users:,} members, the users table holds 6,000 rows" in out
    assert "truth.json says 6000" in out


def test_edited_chunk_users(copy):
    edit(copy, lambda m: m.__setitem__("chunk_users", 3_000))
    out = problems(copy)
    assert "users: the manifest lists 3 files" in out and "chunks of 3,000 has 2" in out


def test_a_manifest_claiming_billions_of_parts_is_checked_cheaply(copy):
    edit(copy, lambda m: m.update(users=2**31 - 1, chunk_users=1))
    out = problems(copy)
    assert "a dataset of 2,147,483,647 members in chunks of 1 has 2,147,483,647" in out


def test_edited_table_row_count(copy):
    edit(copy, lambda m: m["tables"]["sessions"].__setitem__("rows", m["tables"]["sessions"]["rows"] + 1))
    assert "inconsistent: sessions: the manifest says" in problems(copy)


def test_edited_file_and_table_row_counts_together(copy):
    def change(m):
        m["tables"]["users"]["files"][0]["rows"] += 1
        m["tables"]["users"]["rows"] += 1
    edit(copy, change)
    out = problems(copy)
    assert "altered: users/part-00000.parquet (row count: the file holds 2,000, the manifest says 2,001)" in out
    assert "users: the manifest says 6,001 rows, its files hold 6,000" in out


def test_edited_byte_count(copy):
    edit(copy, lambda m: m["tables"]["users"]["files"][0].__setitem__("bytes", 10))
    assert "altered: users/part-00000.parquet (" in problems(copy)


@pytest.mark.parametrize("profile", ["edge", "nope"])
def test_edited_profile(copy, profile):
    edit(copy, lambda m: m.__setitem__("profile", profile))
    out = problems(copy)
    assert f"profile: the manifest says '{profile}', truth.json says 'default'" in out
    if profile == "nope":
        assert "'nope' is not a simgen profile" in out


def test_an_extra_entry_for_a_real_file(copy):
    """A copy of a real part listed as a further part: the chunking says there is no such part."""
    shutil.copy(copy / "users" / "part-00000.parquet", copy / "users" / "part-00003.parquet")
    entry = dict(json.loads((copy / "manifest.json").read_text())["tables"]["users"]["files"][0],
                 path="users/part-00003.parquet")

    def change(m):
        m["tables"]["users"]["files"].append(entry)
        m["tables"]["users"]["rows"] += entry["rows"]
    edit(copy, change)
    out = problems(copy)
    assert "users: the manifest lists 4 files" in out


def test_an_unknown_or_missing_table(copy):
    def change(m):
        m["tables"]["extra"] = m["tables"].pop("block_list")
    edit(copy, change)
    out = problems(copy)
    assert "no 'block_list' table" in out and "'extra' that is not in the contract" in out


# ---------------------------------------------------------------- symbolic links and odd files
def test_part_replaced_by_a_symlink(copy, tmp_path):
    """Even to an identical copy: nothing in a dataset is read through a link."""
    part = copy / "users" / "part-00000.parquet"
    shutil.copy(part, tmp_path / "elsewhere.parquet")
    part.unlink()
    part.symlink_to(tmp_path / "elsewhere.parquet")
    assert "symlink: users/part-00000.parquet" in problems(copy)


def test_table_folder_replaced_by_a_symlink(copy, tmp_path):
    shutil.move(copy / "users", tmp_path / "users-elsewhere")
    (copy / "users").symlink_to(tmp_path / "users-elsewhere")
    out = problems(copy)
    assert "symlink: users" in out and "missing" not in out


@pytest.mark.parametrize("where", ["notes", "users/notes", "manifest-link.json"])
def test_any_symlink_in_the_dataset(copy, where):
    (copy / where).symlink_to("/etc/passwd")
    assert f"symlink: {where}" in problems(copy)


def test_truth_replaced_by_a_symlink(copy, tmp_path):
    shutil.move(copy / "truth.json", tmp_path / "truth.json")
    (copy / "truth.json").symlink_to(tmp_path / "truth.json")
    assert "symlink: truth.json" in problems(copy)


def test_a_dataset_reached_through_a_symlink_is_fine(copy, tmp_path):
    (tmp_path / "link").symlink_to(copy)
    assert verify(tmp_path / "link").ok


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_fifo_is_reported_not_read(copy):
    os.mkfifo(copy / "users" / "pipe")
    part = copy / "pages" / "part-00000.parquet"
    part.unlink()
    os.mkfifo(part)
    out = problems(copy)
    assert "unexpected: users/pipe (not a regular file)" in out
    assert "missing: pages/part-00000.parquet (not a regular file)" in out
