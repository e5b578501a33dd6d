"""What a sandbox worker is told at start: its own module, free of DuckDB and Arrow, so that the
supervisor can describe a worker and start it before loading either (that overlaps the
worker's start with the supervisor's own imports)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WorkerSpec:
    """What a worker needs to open its databases; plain data so it pickles across spawn."""

    datasets: dict[str, dict[str, list[str]]]  # dataset key -> table -> absolute parquet files
    temp_dir: str
    timeout_s: float
    memory_limit: str
    temp_limit: str
    threads: int
    max_rows: int
    max_result_bytes: int
    native: dict[str, str] | None = None  # dataset key -> a read-only DuckDB copy of its tables
