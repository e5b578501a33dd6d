"""Write each reference solution's result on the default and edge datasets to expected/<id>/golden/.

    python scripts/golden.py [--data DEFAULT_DIR] [--edge EDGE_DIR]

The datasets are generated (seed 0; 100k members; the edge profile) unless given. The golden
files are checked in: tests/test_golden.py recomputes every reference result and compares it
with them, so a change to the generator or to a solution shows up as a diff to review.
Run this after an intended change, and commit the new files with it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simgen import challenges  # noqa: E402
from simgen.sim.engine import Config, generate  # noqa: E402
from simgen.grader.expected import compute  # noqa: E402
from simgen.profile import DEFAULT, EDGE  # noqa: E402

GOLDEN_DATASETS = {"default": Config(seed=0, users=100_000, profile=DEFAULT),
                   "edge": Config(seed=0, users=EDGE.default_users, profile=EDGE)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, help="an existing default dataset (seed 0, 100k)")
    ap.add_argument("--edge", type=Path, help="an existing edge dataset (seed 0)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="simgen-golden-"))
    given = {"default": args.data, "edge": args.edge}
    for name, cfg in GOLDEN_DATASETS.items():
        path = given[name] or tmp / name
        if given[name] is None:
            generate(cfg, path, jobs=2)
        for ch in challenges.bank().values():
            table = compute(ch, path)
            out = ROOT / "expected" / ch.id / "golden" / f"{name}.parquet"
            out.parent.mkdir(exist_ok=True)
            pq.write_table(table, out, compression="zstd")
            print(f"{ch.id:28s} {name:8s} {table.num_rows:>9,} rows  {out.stat().st_size / 1e3:>8,.1f} kB")


if __name__ == "__main__":
    main()
