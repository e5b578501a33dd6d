"""Session fixtures for the grader tests: the tiny dataset (fixtures.py), plain DuckDB over it
(where expected results come from) and one shared sandbox."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from simgen.grader.sandbox import Sandbox
from simgen.spec import TABLES

from .fixtures import build_dataset


@pytest.fixture(scope="session")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_dataset(tmp_path_factory.mktemp("data") / "tiny")


@pytest.fixture(scope="session")
def reference(dataset: Path) -> duckdb.DuckDBPyConnection:
    """Plain DuckDB over the fixture: where expected results come from."""
    conn = duckdb.connect()
    for spec in TABLES:
        conn.execute(f"CREATE VIEW {spec.name} AS SELECT * FROM read_parquet('{dataset / spec.name}/*.parquet')")
    return conn


@pytest.fixture(scope="session")
def sandbox(dataset: Path) -> Sandbox:
    box = Sandbox({"tiny": dataset}, timeout_s=2.0, memory_limit="256MB", max_rows=1000, workers=2)
    yield box
    box.close()

