"""Every figure of the benchmark in one run on one machine: `make bench`.

    python bench/all.py [--sizes 1M 10M] [--quick] [--jobs 2] [--repeat N] [--submissions 10000]
                        [--items 1 2 3 4 5] [--keep DIR] [--workdir DIR]

1. `simgen --users <largest size>`: wall, CPU, peak RSS, rows and cells per second (bench/generate.py).
2. tpchgen-cli writing Parquet with about as many cells, same threads and codec (bench/peers.py);
   simgen cells/s / tpchgen cells/s.
3. The floor: numpy + pyarrow writing uniform random columns of simgen's schemas and that run's
   row counts, simgen's writer and process pool (bench/peers.py); simgen time / floor time.
4. Scaling: simgen at every size; time per member of the largest / the smallest.
5. Grading: `simgen grade` on --submissions files with realistic duplication on a 100k-member
   dataset plus the edge dataset (bench/grade.py's generator), and every reference solution
   through `simgen check` on the largest dataset against plain DuckDB (bench/check_overhead.py).

Each figure is the median of --repeat runs (default: 1 at 10M members or more, 3 below). --quick is
--sizes 100k 1M --submissions 1000, a smoke run. Datasets go to a temporary directory removed at
the end, unless --keep DIR. Prints one markdown table per item; progress goes to stderr.
Figures only, never assertions.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import check_overhead
import generate
import peers
import psutil

from simgen.cli import UserCount

GRADE_USERS = "100k"  # the default dataset of `make run`, which bench/grade.py grades on too
_T0 = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - _T0:7.1f} s] {message}", file=sys.stderr, flush=True)


def members(size: str) -> int:
    return UserCount().convert(size, None, None)


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{model}; {psutil.cpu_count(logical=True)} logical cores ({psutil.cpu_count(logical=False)} physical); "
            f"{psutil.virtual_memory().total / 2**30:.1f} GiB RAM; {platform.platform()}; Python {platform.python_version()}")


def loadavg() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def md(headers: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def n(x: float, digits: int = 0) -> str:
    return f"{x:,.{digits}f}"


def mib(x: float) -> str:
    return f"{x:,.0f} MiB"


def gib(x: float) -> str:
    return f"{x / 2**30:.2f} GiB"


# ------------------------------------------------------------------------------------------- runs

def run_simgen(size: str, jobs: int, repeat: int, out: Path) -> dict:
    runs = []
    for i in range(repeat):
        shutil.rmtree(out, ignore_errors=True)  # a fresh directory: no --force replacement inside the timing
        runs.append(generate.run(size, jobs, out))
        log(f"simgen {size} run {i + 1}/{repeat}: {runs[-1]['wall_s']:.1f} s")
    return generate.medians(runs)


def untimed_dataset(args: list[str], out: Path) -> Path:
    if not (out / "manifest.json").is_file():
        subprocess.run([sys.executable, "-m", "simgen.cli", *args, "--out", str(out), "--force"], check=True,
                       stdout=subprocess.DEVNULL)
    return out


# ----------------------------------------------------------------------------------------- tables

def table_generate(r: dict) -> str:
    return md(["members", "jobs", "runs", "wall s", "CPU s", "peak RSS (tree)", "largest process", "rows", "cells",
               "rows/s", "cells/s", "Parquet"],
              [[n(r["users"]), r["jobs"], r["runs"], n(r["wall_s"], 1), n(r["cpu_s"], 1), mib(r["peak_rss_tree_mb"]),
                mib(r["peak_rss_one_mb"]), n(r["rows"]), n(r["cells"]), n(r["rows"] / r["wall_s"]),
                n(r["cells"] / r["wall_s"]), gib(r["bytes"])]])


def table_peers(sim: dict, others: list[tuple[str, str, dict]], ratio: str) -> str:
    """simgen and its peers, one row each; the last column is `ratio` (cells/s or time) of simgen / the row."""
    def speed(r: dict) -> float:
        return r["cells"] / r["wall_s"]

    rows = []
    for name, size, r in [("simgen", f"--users {n(sim['users'])}", sim), *others]:
        value = speed(sim) / speed(r) if ratio == "cells/s" else sim["wall_s"] / r["wall_s"]
        rows.append([name, size, r["jobs"], r["runs"], n(r["wall_s"], 1), n(r["cpu_s"], 1),
                     mib(r["peak_rss_tree_mb"]), n(r["rows"]), n(r["cells"]), n(speed(r)), gib(r["bytes"]),
                     f"{value:.2f}"])
    return md(["writer", "size", "jobs / threads", "runs", "wall s", "CPU s", "peak RSS (tree)", "rows", "cells",
               "cells/s", "Parquet", f"simgen {ratio} / this"], rows)


def table_scaling(results: list[dict]) -> str:
    base = results[0]
    rows = []
    for r in results:
        per = [r[k] / r["users"] * 1e6 for k in ("wall_s", "cpu_s")]
        ratio = [r[k] / r["users"] / (base[k] / base["users"]) for k in ("wall_s", "cpu_s")]
        rows.append([n(r["users"]), r["runs"], n(r["wall_s"], 1), n(r["cpu_s"], 1), n(per[0], 1), n(per[1], 1),
                     f"{ratio[0]:.2f}", f"{ratio[1]:.2f}"])
    label = f"vs {n(base['users'])}"
    return md(["members", "runs", "wall s", "CPU s", "µs/member (wall)", "µs/member (CPU)",
               f"time/member {label} (wall)", f"time/member {label} (CPU)"], rows)


def table_grade(g: dict) -> str:
    share = g["compare_s"] / g["wall_s"]
    return md(["submissions", "distinct texts", "distinct queries", "datasets", "jobs", "runs", "wall s",
               "submissions/s", "startup + imports s", "sandbox start s", "prepare s (thread)", "expected s",
               "compare s", "compare share"],
              [[n(g["submissions"]), n(g["distinct_texts"]), n(g["distinct_queries"]), f"{n(g['users'])} + edge",
                g["jobs"], g["runs"], n(g["wall_s"], 1), n(g["submissions"] / g["wall_s"]), n(g["startup_s"], 2),
                n(g["sandbox_start_s"], 2), n(g["prepare_s"], 1), n(g["expected_s"], 1), n(g["compare_s"], 2),
                f"{share:.1%}"]])


def table_check(results: list[dict], users: int, repeat: int) -> str:
    threads = results[0]["threads"]
    passed = [r for r in results if r["passed"]]
    overall = {"challenge": f"**overall** ({len(passed)} passing)", "status": "", "rows": "", "passed": True,
               **{k: sum(r[k] for r in passed) for k in results[0] if k.endswith("_s")}}
    rows = []
    for r in [*results, overall] if passed else results:
        ratio = f"{r['wall_s'] / r['plain_s']:.1f}" if r["passed"] else "n/a"  # a refusal is no grading time
        rows.append([r["challenge"], r["status"], n(r["rows"]) if r["rows"] != "" else "", n(r["plain_s"], 2),
                     n(r["wall_s"], 2), ratio, n(r["query_s"], 2), n(r["compare_s"], 3),
                     f"{r['compare_s'] / r['wall_s']:.1%}", n(r["startup_s"], 2),
                     n(r["sandbox_start_s"] + r["sandbox_stop_s"], 2), n(r["cold_s"], 2)])
    notes = "".join(f"\n- {r['challenge']}: {r['note']}" for r in results if r["note"])
    return md(["challenge", "verdict", "rows", f"plain DuckDB s ({threads} thread{'s' * (threads > 1)})",
               "simgen check s", "overhead ×", "query in sandbox s", "compare s", "compare share",
               "startup + imports s", "sandbox start + stop s", "check s, cold cache"], rows) + (
        f"\n\n{n(users)}-member dataset; medians of {repeat} run(s); `simgen check` with its expected result "
        f"cached (the cold first run also computes it); plain DuckDB with the sandbox's thread count.{notes}")


# ------------------------------------------------------------------------------------------- main

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", nargs="+", default=["1M", "10M"], help="simgen sizes (the largest is item 1's)")
    ap.add_argument("--quick", action="store_true", help="a smoke run: --sizes 100k 1M --submissions 1000")
    ap.add_argument("--jobs", type=int, default=2, help="simgen --jobs, tpchgen threads, floor processes, grade --jobs")
    ap.add_argument("--repeat", type=int, help="runs per figure (default: 1 at >= 10M members, else 3)")
    ap.add_argument("--submissions", type=int, default=10_000)
    ap.add_argument("--distinct", type=int, default=300, help="distinct canonical queries among the submissions")
    ap.add_argument("--items", nargs="+", type=int, default=[1, 2, 3, 4, 5], choices=[1, 2, 3, 4, 5])
    ap.add_argument("--check-timeout", type=float, default=3600, help="simgen check --timeout (the CLI's maximum)")
    ap.add_argument("--keep", type=Path, help="keep every dataset and output under this directory")
    ap.add_argument("--workdir", type=Path, help="parent of the temporary directory (default: the system's)")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a kill still removes the temporary datasets
    if args.quick:
        args.sizes, args.submissions = ["100k", "1M"], 1_000
    sizes = sorted(args.sizes, key=members)
    largest = sizes[-1]

    def repeat(users: int) -> int:
        return args.repeat or (1 if users >= 10_000_000 else 3)

    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    work = args.keep or Path(tempfile.mkdtemp(prefix="simgen-bench-all-", dir=args.workdir))
    keep = args.keep is not None
    out = []
    header = (f"# simgen benchmark\n\ndate: {datetime.now(UTC).isoformat(timespec='seconds')}  \n"
              f"machine: {machine()}  \nload average (1, 5, 15 min) at the start: {loadavg()}  \n"
              f"command: bench/all.py {' '.join(sys.argv[1:])} (sizes {', '.join(sizes)}; jobs {args.jobs})")
    try:
        datasets = {size: work / f"simgen-{size}" for size in sizes}
        gen: dict[str, dict] = {}
        if {1, 2, 3, 4} & set(args.items):
            for size in sizes if 4 in args.items else [largest]:
                gen[size] = run_simgen(size, args.jobs, repeat(members(size)), datasets[size])
                if not keep and size != largest and members(size) != members(GRADE_USERS):
                    shutil.rmtree(datasets[size])
        sim = gen.get(largest)
        if 1 in args.items:
            out.append(f"## 1. simgen --users {largest}\n\n{table_generate(sim)}")
        if 2 in args.items:
            log(f"tpchgen-cli for {sim['cells']:,} cells")
            t = peers.tpchgen(sim["cells"], args.jobs, work, repeat(sim["users"]), keep)
            out.append("## 2. Peer: tpchgen-cli (Rust TPC-H generator), Parquet\n\n"
                       + table_peers(sim, [("tpchgen-cli", f"scale factor {t['scale_factor']:g}", t)], "cells/s"))
        if 3 in args.items:
            log("the floor")
            f = peers.floor(datasets[largest], args.jobs, work, repeat(sim["users"]), keep)
            out.append("## 3. Floor: numpy + pyarrow, uniform random columns, simgen's schemas, writer and rows\n\n"
                       + table_peers(sim, [("floor", f"--users {n(sim['users'])} rows", f)], "time"))
        if 4 in args.items:
            out.append(f"## 4. Scaling\n\n{table_scaling([gen[s] for s in sizes])}")
        if 5 in args.items:
            main_ds = next((datasets[s] for s in gen if members(s) == members(GRADE_USERS)), None)
            main_ds = main_ds or untimed_dataset(["--users", GRADE_USERS, "--jobs", str(args.jobs)],
                                                 work / f"simgen-{GRADE_USERS}")
            edge_ds = untimed_dataset(["--profile", "edge"], work / "simgen-edge")
            log(f"simgen grade: {args.submissions:,} submissions")
            g = check_overhead.grade_batch(main_ds, edge_ds, args.submissions, args.distinct, args.jobs,
                                           repeat(members(GRADE_USERS)), work)
            check_ds = untimed_dataset(["--users", largest, "--jobs", str(args.jobs)], datasets[largest])
            log(f"simgen check vs plain DuckDB on {largest}")
            c = check_overhead.check_all(check_ds, repeat(members(largest)), work, args.check_timeout, log=log)
            out.append(f"## 5. Grading\n\n`simgen grade`:\n\n{table_grade(g)}\n\n"
                       f"Every reference solution through `simgen check` vs plain DuckDB:\n\n"
                       f"{table_check(c, members(largest), repeat(members(largest)))}")
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    print("\n\n".join([header, *out]))
    print(f"\nload average at the end: {loadavg()}; total {time.perf_counter() - _T0:.0f} s")


if __name__ == "__main__":
    main()
