"""Expected results: computed once per (dataset, solution text), read back from the cache, and
recomputed when the cache file is damaged or the solution changes."""

from __future__ import annotations

import dataclasses

import pytest

import pyarrow as pa

from simgen import challenges
from simgen.grader import expected as expected_module
from simgen.grader.grading import Submission, grade_all
from simgen.grader.sandbox import Sandbox, native_copy


@pytest.fixture
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SIMGEN_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _count_computes(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = expected_module.compute

    def counting(challenge, dataset):
        calls.append(challenge.id)
        return real(challenge, dataset)

    monkeypatch.setattr(expected_module, "compute", counting)
    return calls


def test_a_result_is_computed_once_and_read_back_equal(edge, private_cache, monkeypatch):
    calls = _count_computes(monkeypatch)
    ch = challenges.get("srm_check")
    first = expected_module.expected(ch, edge.path)
    again = expected_module.expected(ch, edge.path)
    assert calls == ["srm_check"]
    assert again.equals(first) and first.num_rows == 4
    # the result, its seal, and the reference's measured time (it sets the time limit)
    assert sorted(p.suffix for p in private_cache.rglob("srm_check-*")) == [".arrow", ".seal", ".seconds"]


def test_a_damaged_cache_file_is_recomputed(edge, private_cache, monkeypatch):
    calls = _count_computes(monkeypatch)
    ch = challenges.get("srm_check")
    good = expected_module.expected(ch, edge.path)
    (path,) = private_cache.rglob("srm_check-*.arrow")
    path.write_bytes(path.read_bytes()[:50])  # truncated, as a full disk or a killed copy leaves it
    again = expected_module.expected(ch, edge.path)  # an unordered result: rows may come in another order
    assert again.sort_by("experiment_id").equals(good.sort_by("experiment_id"))
    assert calls == ["srm_check", "srm_check"]
    assert not list(private_cache.rglob("*.tmp"))


def test_an_edited_solution_is_a_different_entry(edge, private_cache, monkeypatch):
    calls = _count_computes(monkeypatch)
    ch = challenges.get("second_highest_salary")
    expected_module.expected(ch, edge.path)
    edited = dataclasses.replace(ch, solution=ch.solution.rstrip().rstrip(";") + "\n-- edited\n")
    expected_module.expected(edited, edge.path)
    assert calls == ["second_highest_salary"] * 2
    assert len(list(private_cache.rglob("second_highest_salary-*.arrow"))) == 2


def _rewrite(path, table: pa.Table) -> None:
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


def test_a_cache_file_edited_to_another_valid_result_is_not_trusted(edge, private_cache, monkeypatch):
    """Rewritten as a well-formed Arrow file holding `SELECT 1`'s answer: a blind cache would
    fail every correct answer and pass `SELECT 1`. The seal catches it and the result is recomputed."""
    calls = _count_computes(monkeypatch)
    ch = challenges.get("second_highest_salary")
    good = expected_module.expected(ch, edge.path)
    (path,) = private_cache.rglob("second_highest_salary-*.arrow")
    _rewrite(path, pa.table({"salary": pa.array([1], good.schema.field(0).type)}))
    assert expected_module.expected(ch, edge.path).equals(good)
    assert calls == ["second_highest_salary"] * 2


def test_grading_after_an_edited_cache_file_gives_the_right_verdicts(edge, private_cache, monkeypatch):
    ch = challenges.get("second_highest_salary")
    good = expected_module.expected(ch, edge.path)
    (path,) = private_cache.rglob("second_highest_salary-*.arrow")
    _rewrite(path, pa.table({"salary": pa.array([1], good.schema.field(0).type)}))
    monkeypatch.setattr("simgen.grader.grading._EXPECTED", {})  # nothing memoized from other tests
    subs = [Submission("right", ch.id, text=ch.solution), Submission("cheat", ch.id, text="SELECT 1 AS salary")]
    with Sandbox({"edge": edge.path}, timeout_s=30) as box:
        verdicts = {g.submission.who: g.verdict.status for g in grade_all(subs, {"edge": edge.path}, box)}
    assert verdicts == {"right": "pass", "cheat": "wrong"}


@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_a_damaged_native_copy_is_rebuilt_and_grading_works(edge, private_cache, damage):
    from simgen.grader.sandbox import dataset_tables

    tables = dataset_tables(edge.path)
    path = native_copy(edge.path, tables)
    data = bytearray(path.read_bytes())
    size = len(data)
    if damage == "truncate":
        data = data[: size // 3]
    else:
        data[size // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    assert native_copy(edge.path, tables) == path
    assert path.stat().st_size == size and path.read_bytes() != bytes(data)  # rebuilt, not attached as it was
    with Sandbox({"edge": edge.path}, timeout_s=30) as box:
        assert box.run("SELECT count(*) AS n FROM users", "edge").column(0).to_pylist() == [edge.cfg.users]
