"""Time every reference solution in plain DuckDB on a dataset (e.g. 10M members).

    python bench/references.py DATASET [--threads 2]

Prints one line per challenge: rows returned and seconds. Figures only, no assertions.
bench/check_overhead.py uses `plain_duckdb` and `run_plain` to compare `simgen check` with this.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from simgen import challenges
from simgen.spec import TABLES


@contextmanager
def plain_duckdb(dataset: Path, threads: int) -> Iterator[duckdb.DuckDBPyConnection]:
    """A plain DuckDB connection (no sandbox, no limits) with one view per table over the dataset's Parquet."""
    with tempfile.TemporaryDirectory(prefix="simgen-ref-") as spill:
        con = duckdb.connect(config={"threads": threads, "temp_directory": spill})
        try:
            for t in TABLES:
                con.execute(f"CREATE VIEW {t.name} AS SELECT * FROM read_parquet('{dataset / t.name}/*.parquet')")
            yield con
        finally:
            con.close()


def run_plain(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[int, float]:
    """(rows, seconds) of one query, its result fetched as an Arrow table."""
    t0 = time.perf_counter()
    rows = con.sql(sql).to_arrow_table().num_rows
    return rows, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dataset", type=Path)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    with plain_duckdb(args.dataset, args.threads) as con:
        print(f"| challenge | rows | seconds ({args.threads} threads) |\n|---|---|---|", flush=True)
        for ch in challenges.bank().values():
            rows, seconds = run_plain(con, ch.solution)
            print(f"| {ch.id} | {rows:,} | {seconds:.1f} |", flush=True)


if __name__ == "__main__":
    main()
