"""Benchmark `simgen --users N`: wall time, CPU, peak RSS of the whole process tree, rows and cells per second.

    python bench/generate.py 100k 1M 10M [--jobs 2] [--keep DIR]

Prints one line per size and a markdown table. Timings are figures, never test assertions;
quote medians of repeated runs, since these machines are noisy.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from simgen.cli import UserCount


def tree_rss(proc: psutil.Process) -> tuple[int, int]:
    """(sum, max) resident bytes over a process and its descendants."""
    total = biggest = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            rss = p.memory_info().rss
        except psutil.Error:
            continue
        total += rss
        biggest = max(biggest, rss)
    return total, biggest


def measure(cmd: list[str], what: str = "simgen") -> dict:
    """Run a command; its wall time, CPU seconds and peak RSS summed over its process tree (sampled every 0.1 s)."""
    t0 = time.perf_counter()
    proc = psutil.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak_sum = peak_one = 0
    cpu: dict[int, float] = {}
    while proc.poll() is None:
        s, m = tree_rss(proc)
        peak_sum, peak_one = max(peak_sum, s), max(peak_one, m)
        for p in [proc, *proc.children(recursive=True)]:
            try:
                t = p.cpu_times()
                cpu[p.pid] = t.user + t.system
            except psutil.Error:
                pass
        time.sleep(0.1)
    wall = time.perf_counter() - t0
    if proc.returncode:
        raise SystemExit(f"{what} failed: {proc.stderr.read().decode()}")
    return {"wall_s": wall, "cpu_s": sum(cpu.values()), "peak_rss_tree_mb": peak_sum / 2**20,
            "peak_rss_one_mb": peak_one / 2**20}


def medians(runs: list[dict]) -> dict:
    """One figure per key from repeated runs: the median of numbers, the last run's value otherwise."""
    out = {k: statistics.median(r[k] for r in runs) if isinstance(v, (int, float)) and not isinstance(v, bool) else v
           for k, v in runs[-1].items()}
    return {**out, "runs": len(runs)}


def run(users: str, jobs: int, out: Path) -> dict:
    cmd = [sys.executable, "-m", "simgen.cli", "--users", users, "--out", str(out), "--jobs", str(jobs), "--force"]
    measured = measure(cmd)
    manifest = json.loads((out / "manifest.json").read_text())
    rows = sum(t["rows"] for t in manifest["tables"].values())
    from simgen.spec import table

    cells = sum(t["rows"] * len(table(name).columns) for name, t in manifest["tables"].items())
    size = sum(f["bytes"] for t in manifest["tables"].values() for f in t["files"])
    return {"users": UserCount().convert(users, None, None), "jobs": jobs, **measured, "rows": rows,
            "cells": cells, "bytes": size}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("sizes", nargs="+")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", type=Path, help="keep the datasets under this directory")
    args = ap.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="simgen-bench-"))
    results = []
    for size in args.sizes:
        r = run(size, args.jobs, base / size)
        results.append(r)
        print(json.dumps(r), flush=True)
        if not args.keep:
            shutil.rmtree(base / size)
    print("\n| members | jobs | wall s | CPU s | peak RSS (tree) | largest process | rows | rows/s | cells/s | size |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['users']:,} | {r['jobs']} | {r['wall_s']:.1f} | {r['cpu_s']:.1f} | {r['peak_rss_tree_mb']:,.0f} MiB "
              f"| {r['peak_rss_one_mb']:,.0f} MiB | {r['rows']:,} | {r['rows'] / r['wall_s']:,.0f} "
              f"| {r['cells'] / r['wall_s']:,.0f} | {r['bytes'] / 2**30:.2f} GiB |")


if __name__ == "__main__":
    main()
