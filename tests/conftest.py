"""Shared datasets for the tests, generated once per test process.

* `small`: 6,000 members in chunks of 2,000, so every cross-chunk rule is exercised.
* `medium`: 100,000 members with the real chunk size (the default dataset of `make run`).
* `edge`: the edge profile.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from simgen.profile import DEFAULT, EDGE
from simgen.sim.engine import Config, generate
from simgen.spec import TABLES


@dataclass
class Dataset:
    path: Path
    cfg: Config
    manifest: dict

    @property
    def truth(self) -> dict:
        return json.loads((self.path / "truth.json").read_text())

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A DuckDB connection with one view per table over the Parquet parts."""
        spill = self.path.parent / "duckdb-spill"  # never DuckDB's default ./.tmp in the work tree
        con = duckdb.connect(config={"temp_directory": str(spill), "memory_limit": "4GB",
                                     "max_temp_directory_size": "4GB"})
        for t in TABLES:
            con.execute(f"CREATE VIEW {t.name} AS SELECT * FROM read_parquet('{self.path / t.name}/*.parquet')")
        return con

    def one(self, sql: str, *params):
        return self.connect().execute(sql, params or None).fetchone()


def make(tmp_path_factory, name: str, cfg: Config, jobs: int = 1) -> Dataset:
    out = tmp_path_factory.mktemp(name) / "ds"
    manifest = generate(cfg, out, jobs=jobs)
    return Dataset(out, cfg, manifest)


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory):
    """Expected results, spill and a person's progress go to temporary folders, never to
    ~/.cache or ~/.local/state."""
    import os

    saved = {name: os.environ.get(name) for name in ("SIMGEN_CACHE", "SIMGEN_STATE")}
    os.environ["SIMGEN_CACHE"] = str(tmp_path_factory.mktemp("simgen-cache"))
    os.environ["SIMGEN_STATE"] = str(tmp_path_factory.mktemp("simgen-state"))
    yield
    for name, old in saved.items():
        if old is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = old


@pytest.fixture(scope="session")
def small(tmp_path_factory) -> Dataset:
    return make(tmp_path_factory, "small", Config(seed=0, users=6_000, profile=DEFAULT, chunk_users=2_000))


@pytest.fixture(scope="session")
def medium(tmp_path_factory) -> Dataset:
    return make(tmp_path_factory, "medium", Config(seed=0, users=100_000, profile=DEFAULT), jobs=2)


@pytest.fixture(scope="session")
def edge(tmp_path_factory) -> Dataset:
    return make(tmp_path_factory, "edge", Config(seed=0, users=EDGE.default_users, profile=EDGE))


@pytest.fixture(scope="session", params=["small", "medium", "edge"])
def dataset(request) -> Dataset:
    return request.getfixturevalue(request.param)
