"""`simgen verify` finds flipped bytes, truncated files, missing files and strays."""

import shutil

import pytest

from simgen.errors import DatasetError
from simgen.verify import verify


@pytest.fixture
def copy(tmp_path, small):
    dst = tmp_path / "ds"
    shutil.copytree(small.path, dst)
    return dst


def test_whole_dataset_verifies(copy):
    rep = verify(copy)
    assert rep.ok and rep.checked == 3 * 10 + 3 + 1


def test_flipped_byte_is_altered(copy):
    f = copy / "sessions" / "part-00001.parquet"
    data = bytearray(f.read_bytes())
    data[len(data) // 2] ^= 0x01
    f.write_bytes(bytes(data))
    rep = verify(copy)
    assert rep.altered == ["sessions/part-00001.parquet"] and not rep.missing and not rep.truncated


def test_truncated_file(copy):
    f = copy / "friends" / "part-00000.parquet"
    f.write_bytes(f.read_bytes()[:100])
    rep = verify(copy)
    assert len(rep.truncated) == 1 and rep.truncated[0].startswith("friends/part-00000.parquet")


def test_missing_file_and_stray_file(copy):
    (copy / "users" / "part-00002.parquet").unlink()
    (copy / "users" / "notes.txt").write_text("hello")
    rep = verify(copy)
    assert rep.missing == ["users/part-00002.parquet"]
    assert rep.unexpected == ["users/notes.txt"]


def test_edited_truth_is_altered(copy):
    (copy / "truth.json").write_text((copy / "truth.json").read_text().replace("John", "Jon") + " ")
    assert verify(copy).altered == ["truth.json"]


def test_not_a_dataset(tmp_path):
    with pytest.raises(DatasetError, match="no manifest.json"):
        verify(tmp_path)
