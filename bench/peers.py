"""Peers of a `simgen --users N` run, on the same machine: the Rust TPC-H generator and a numpy + pyarrow floor.

    python bench/peers.py DATASET [--jobs 2] [--repeat 1] [--simgen-seconds S] [--workdir DIR]

DATASET is a simgen dataset directory (or its manifest.json); it supplies the row counts.

(a) tpchgen-cli (pip extra `bench`) writes Parquet at the scale factor whose cell count (rows x
    columns) is closest to DATASET's, with --num-threads = --jobs and simgen's codec and level
    (simgen.sim.writer). The scale factor comes from a small untimed calibration run; the cells
    reported are counted from the Parquet footers it wrote, never from a formula.
(b) The floor: uniform random columns of exactly simgen's schemas (simgen.spec.TABLES, types and
    nullability), exactly DATASET's row counts per part file (its manifest), written with
    simgen.sim.writer.write_part itself (same codec, level, row-group size, dictionary columns and
    per-file sha256), one task per simgen chunk plus one for the global tables, over simgen's own
    process pool (simgen.sim.executor) with --jobs processes. String columns that simgen
    dictionary-encodes draw uniformly from the values DATASET holds; other strings are random
    letters of about DATASET's mean length; nullable columns get DATASET's null fraction.

Both run as subprocesses measured like bench/generate.py (wall, CPU and peak RSS of the process
tree). Figures only, no assertions.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from generate import measure, medians

from simgen.sim import executor
from simgen.spec import DAYS, WINDOW_START, Column
from simgen.spec import table as spec_table
from simgen.sim.sinks import write_part
from simgen.sim.writer import (
    COMPRESSION,
    COMPRESSION_LEVEL,
    decimal_from_unscaled,
    labels,
)

CALIBRATION_SF = 0.01
_LEVELED = {"zstd", "gzip", "brotli"}  # codecs tpchgen-cli takes as NAME(level)
_EPOCH_DAY = (WINDOW_START - datetime(1970, 1, 1).date()).days


def parquet_counts(root: Path) -> dict:
    """Rows, cells (rows x columns, per file) and bytes of every Parquet file under root, from the footers."""
    rows = cells = size = 0
    for f in root.rglob("*.parquet"):
        meta = pq.ParquetFile(f).metadata
        rows += meta.num_rows
        cells += meta.num_rows * meta.num_columns
        size += f.stat().st_size
    return {"rows": rows, "cells": cells, "bytes": size}


# ---------------------------------------------------------------------------------- (a) tpchgen-cli

def tpchgen_binary() -> str:
    found = shutil.which("tpchgen-cli") or shutil.which("tpchgen-cli", path=str(Path(sys.executable).parent))
    if not found:
        raise SystemExit("tpchgen-cli not found: pip install -e '.[bench]' (or `make bench`)")
    return found


def tpchgen_cmd(sf: float, jobs: int, out: Path) -> list[str]:
    codec = f"{COMPRESSION.upper()}({COMPRESSION_LEVEL})" if COMPRESSION.lower() in _LEVELED else COMPRESSION.upper()
    return [tpchgen_binary(), "parquet", "--scale-factor", f"{sf:g}", "--num-threads", str(jobs),
            "--compression", codec, "--output-dir", str(out), "--no-progress", "--quiet"]


def tpch_scale_factor(cells: int, workdir: Path) -> float:
    """The scale factor (two significant digits) whose output has about `cells` cells."""
    out = workdir / "tpch-calibration"
    measure(tpchgen_cmd(CALIBRATION_SF, 1, out), "tpchgen-cli")
    per_sf = parquet_counts(out)["cells"] / CALIBRATION_SF
    shutil.rmtree(out)
    return float(f"{cells / per_sf:.2g}")


def tpchgen(cells: int, jobs: int, workdir: Path, repeat: int, keep: bool = False) -> dict:
    """tpchgen-cli at the scale factor matching `cells`: median figures of `repeat` runs (the last
    run's output stays in workdir/tpch with `keep`)."""
    sf = tpch_scale_factor(cells, workdir)
    runs = []
    for _ in range(repeat):
        out = workdir / "tpch"
        shutil.rmtree(out, ignore_errors=True)
        runs.append({"scale_factor": sf, "jobs": jobs, **measure(tpchgen_cmd(sf, jobs, out), "tpchgen-cli"),
                     **parquet_counts(out)})
        if not keep or len(runs) < repeat:
            shutil.rmtree(out)
    return medians(runs)


# ---------------------------------------------------------------------------------------- (b) floor

def _column_profile(dataset: Path, name: str, col: Column, files: list[dict]) -> dict:
    """What the floor needs of a column: null fraction; for strings a vocabulary or a mean length."""
    paths = [dataset / f["path"] for f in files if f["rows"]]
    if not paths or not all(p.is_file() for p in paths):  # only a manifest: plain defaults
        return {"null_fraction": 0.0, "vocabulary": [f"v{i}" for i in range(8)], "mean_length": 16}
    rows = nulls = 0
    for p in paths:
        meta = pq.ParquetFile(p).metadata
        index = meta.schema.names.index(col.name)
        for g in range(meta.num_row_groups):
            stats = meta.row_group(g).column(index).statistics
            rows += meta.row_group(g).num_rows
            nulls += stats.null_count if stats is not None and stats.has_null_count else 0
    prof: dict = {"null_fraction": nulls / rows if rows else 0.0}
    if pa.types.is_string(col.type):
        sample = pq.read_table(paths[0], columns=[col.name]).column(0)
        if col.dictionary:
            prof["vocabulary"] = pc.unique(sample).drop_null().to_pylist() or ["v0"]
        else:
            prof["mean_length"] = max(1, round(pc.mean(pc.binary_length(sample)).as_py() or 1))
    return prof


def floor_plan(dataset: Path) -> dict:
    """The floor's work, from a simgen dataset: row counts per part and table, and column profiles."""
    dataset = dataset.parent if dataset.name == "manifest.json" else dataset
    manifest = json.loads((dataset / "manifest.json").read_text())
    tasks: dict[tuple[str, int], dict[str, int]] = {}
    profile: dict[str, dict] = {}
    for name, t in manifest["tables"].items():
        spec = spec_table(name)
        for f in t["files"]:
            part = int(Path(f["path"]).stem.split("-")[1])
            tasks.setdefault((spec.grain, part), {})[name] = f["rows"]
        profile[name] = {c.name: _column_profile(dataset, name, c, t["files"]) for c in spec.columns
                         if c.nullable or pa.types.is_string(c.type)}
    order = sorted(tasks, key=lambda k: (k[0] != "global", k[1]))  # the globals first, as simgen does
    return {"users": manifest["users"], "profile": profile,
            "tasks": [{"part": part, "tables": tasks[(grain, part)]} for grain, part in order]}


def uniform_column(col: Column, n: int, rng: np.random.Generator, users: int, prof: dict | None) -> pa.Array:
    """n uniform random values of the column's exact Arrow type."""
    t = col.type
    if pa.types.is_string(t):
        if col.dictionary:
            arr = labels(np.array(prof["vocabulary"], dtype=object), rng.integers(0, len(prof["vocabulary"]), n))
        else:
            length = prof["mean_length"]
            offsets = np.zeros(n + 1, np.int32)
            np.cumsum(rng.integers(max(1, length // 2), length + length // 2 + 1, n, dtype=np.int32), out=offsets[1:])
            letters = rng.integers(ord("a"), ord("z") + 1, int(offsets[-1]), dtype=np.uint8)
            arr = pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(letters))
    elif pa.types.is_decimal(t):
        arr = decimal_from_unscaled(rng.integers(0, 10 ** t.precision, n), t)
    elif pa.types.is_boolean(t):
        arr = pa.array(rng.random(n) < 0.5)
    elif pa.types.is_floating(t):
        arr = pa.array(rng.random(n) * 500)
    elif pa.types.is_date(t):
        arr = pa.array(rng.integers(_EPOCH_DAY, _EPOCH_DAY + DAYS, n, dtype=np.int32)).view(t)
    elif pa.types.is_timestamp(t):
        start = _EPOCH_DAY * 86_400_000_000
        arr = pa.array(rng.integers(start, start + DAYS * 86_400_000_000, n)).view(t)
    elif t == pa.int64():
        arr = pa.array(rng.integers(1, 12 * users + 1, n))  # ids: up to ~12 per member (sessions)
    elif t == pa.int16():
        arr = pa.array(rng.integers(1930, 2011, n, dtype=np.int16))
    else:
        arr = pa.array(rng.integers(0, 100_000, n).astype(t.to_pandas_dtype()))
    if prof and prof["null_fraction"]:
        arr = pc.if_else(pa.array(rng.random(n) < prof["null_fraction"]), pa.scalar(None, t), arr)
    return arr


def floor_task(item: tuple[int, str, int, dict[str, int], dict, int]) -> int:
    """Write one part of each listed table; returns the cells written."""
    index, root, part, tables, profile, users = item
    rng = np.random.default_rng(index)
    cells = 0
    for name, rows in tables.items():
        spec = spec_table(name)
        cols = {c.name: uniform_column(c, rows, rng, users, profile[name].get(c.name)) for c in spec.columns}
        write_part(Path(root), spec, part, cols)
        cells += rows * len(spec.columns)
    return cells


def floor_run(plan_path: Path, out: Path, jobs: int) -> None:
    """The floor process itself (what is timed): every task through simgen's executor."""
    plan = json.loads(plan_path.read_text())
    items = [(i, str(out), t["part"], t["tables"], plan["profile"], plan["users"]) for i, t in enumerate(plan["tasks"])]
    for _ in executor.make(jobs).map(floor_task, items):
        pass


def floor(dataset: Path, jobs: int, workdir: Path, repeat: int, keep: bool = False) -> dict:
    """The floor for a simgen dataset: median figures of `repeat` runs, each a fresh subprocess
    (the last run's output stays in workdir/floor with `keep`)."""
    plan_path = workdir / "floor-plan.json"
    plan_path.write_text(json.dumps(floor_plan(dataset)))  # profiling the dataset is not timed
    runs = []
    for _ in range(repeat):
        out = workdir / "floor"
        shutil.rmtree(out, ignore_errors=True)
        cmd = [sys.executable, __file__, "--floor-run", str(plan_path), str(out), "--jobs", str(jobs)]
        runs.append({"jobs": jobs, **measure(cmd, "the floor"), **parquet_counts(out)})
        if not keep or len(runs) < repeat:
            shutil.rmtree(out)
    plan_path.unlink()
    return medians(runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dataset", type=Path, nargs="?")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--simgen-seconds", type=float, help="simgen's wall time for DATASET, for the ratios")
    ap.add_argument("--workdir", type=Path, help="parent of the temporary output directory")
    ap.add_argument("--floor-run", nargs=2, type=Path, help=argparse.SUPPRESS)  # internal: PLAN OUT, the timed floor
    args = ap.parse_args()
    if args.floor_run:
        floor_run(*args.floor_run, args.jobs)
        return
    if args.dataset is None:
        ap.error("DATASET is required")
    dataset = args.dataset.parent if args.dataset.name == "manifest.json" else args.dataset
    work = Path(tempfile.mkdtemp(prefix="simgen-bench-peers-", dir=args.workdir))
    try:
        t = tpchgen(manifest_cells(dataset), args.jobs, work, args.repeat)
        f = floor(dataset, args.jobs, work, args.repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for name, r in (("tpchgen-cli", t), ("floor", f)):
        ratio = f"; simgen / {name} time {args.simgen_seconds / r['wall_s']:.2f}" if args.simgen_seconds else ""
        print(f"{name}: {json.dumps(r)}{ratio}")


def manifest_cells(dataset: Path) -> int:
    """simgen's cells for a dataset: rows x the contract's columns, per table."""
    manifest = json.loads((dataset / "manifest.json").read_text())
    return sum(t["rows"] * len(spec_table(name).columns) for name, t in manifest["tables"].items())


if __name__ == "__main__":
    main()
