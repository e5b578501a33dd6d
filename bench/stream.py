"""Benchmark `simgen stream`: events per second to /dev/null and to rolling files, and peak RSS.

    python bench/stream.py 100k 1M [--seed 0] [--jobs 2] [--formats jsonl,csv,arrow] [--file-events 10M]

Per size: first `prepare` (generate the dataset into the cache and sort its events by time; a
no-op when cached), then one full stream per format into /dev/null, then one jsonl stream
into rolling files in a temporary directory (capped at --file-events, to spare the disk;
deleted afterwards). Peak RSS is the stream process's own maximum (wait4's ru_maxrss), so a
cached dataset shows what streaming costs, not generation. Figures only, never assertions.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from simgen.cli import UserCount


def timed(cmd: list[str], stdout) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB) of one command."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.read().decode()}")
    return wall, usage.ru_maxrss / 1024


def one(base: list[str], extra: list[str], label: str, stdout, truth: Path) -> dict:
    wall, rss = timed([*base, *extra, "--truth", str(truth)], stdout)
    events = json.loads(truth.read_text())["events"]
    return {"run": label, "events": events, "wall_s": round(wall, 2), "events_per_s": round(events / wall),
            "peak_rss_mb": round(rss)}


def bench(size: str, seed: int, jobs: int, formats: list[str], file_events: int | None, tmp: Path) -> list[dict]:
    base = [sys.executable, "-m", "simgen.cli", "stream", "--users", size, "--seed", str(seed)]
    truth = tmp / "truth.json"
    prep_s, prep_rss = timed([*base, "--jobs", str(jobs), "--max-events", "0"], subprocess.DEVNULL)
    rows = [{"run": "prepare (generate + sort, once)", "wall_s": round(prep_s, 2), "peak_rss_mb": round(prep_rss)}]
    with open(os.devnull, "wb") as null:
        for fmt in formats:
            rows.append(one(base, ["--format", fmt], f"{fmt} -> /dev/null", null, truth))
    out = tmp / "files"
    cap = ["--max-events", str(file_events)] if file_events else []
    rows.append(one(base, ["--format", "jsonl", "--out", str(out), *cap], "jsonl -> rolling files", subprocess.DEVNULL, truth))
    rows[-1]["bytes_per_event"] = round(sum(p.stat().st_size for p in out.iterdir()) / rows[-1]["events"])
    shutil.rmtree(out)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("sizes", nargs="+")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=2, help="generation workers, when the dataset is not cached")
    ap.add_argument("--formats", default="jsonl,csv,arrow")
    ap.add_argument("--file-events", help="cap on the events written to files, e.g. 10M (default: all)")
    args = ap.parse_args()
    cap = UserCount().convert(args.file_events, None, None) if args.file_events else None
    table = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="simgen-stream-bench-") as tmp:
            for row in bench(size, args.seed, args.jobs, args.formats.split(","), cap, Path(tmp)):
                row = {"users": size, **row}
                print(json.dumps(row), flush=True)
                table.append(row)
    print("\n| members | run | events | wall s | events/s | peak RSS MiB |\n|---|---|---|---|---|---|")
    for r in table:
        rate = f"{r['events_per_s']:,}" if "events_per_s" in r else ""
        events = f"{r['events']:,}" if "events" in r else ""
        print(f"| {r['users']} | {r['run']} | {events} | {r['wall_s']} | {rate} | {r['peak_rss_mb']} |")


if __name__ == "__main__":
    main()
