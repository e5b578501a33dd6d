"""Time every reference solution in plain DuckDB on a dataset (e.g. 10M members).

    python bench/references.py DATASET [--threads 2]

Prints one line per challenge: rows returned and seconds. Figures only, no assertions.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import duckdb

from simgen import challenges
from simgen.spec import TABLES


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dataset", type=Path)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    con = duckdb.connect(config={"threads": args.threads, "temp_directory": tempfile.mkdtemp(prefix="simgen-ref-")})
    for t in TABLES:
        con.execute(f"CREATE VIEW {t.name} AS SELECT * FROM read_parquet('{args.dataset / t.name}/*.parquet')")
    print(f"| challenge | rows | seconds ({args.threads} threads) |\n|---|---|---|", flush=True)
    for ch in challenges.bank().values():
        t0 = time.perf_counter()
        rows = con.sql(ch.solution).to_arrow_table().num_rows
        print(f"| {ch.id} | {rows:,} | {time.perf_counter() - t0:.1f} |", flush=True)


if __name__ == "__main__":
    main()
