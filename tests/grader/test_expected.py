"""Expected results: computed once per (dataset, solution text), read back from the cache, and
recomputed when the cache file is damaged or the solution changes."""

from __future__ import annotations

import dataclasses

import pytest

from simgen import challenges
from simgen.grader import expected as expected_module


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
    assert [p.suffix for p in private_cache.rglob("srm_check-*")] == [".arrow"]


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
