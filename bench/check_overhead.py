"""The grader's overhead: `simgen check` on every reference solution against the same SQL in plain DuckDB,
and `simgen grade` throughput on a batch, each with the time of the grader's phases.

    python bench/check_overhead.py DATASET [--repeat 1] [--timeout 3600] [--memory auto]

For each challenge, on DATASET alone:
  - `simgen check SOLUTION --challenge ID --data DATASET --json`, a subprocess of the CLI, first with
    an empty expected-result cache ("cold": it also computes the expected result, i.e. runs the
    reference once more in the grader's trusted DuckDB), then --repeat times with that cache warm;
  - the same SQL in plain DuckDB (bench/references.py) with the sandbox's thread count (what
    `simgen check` gives its one worker), its result fetched as Arrow, --repeat times.
The overhead ratio is check wall time (warm, median) / plain DuckDB time (median), per challenge
and overall (sums over the challenges whose check passed). A reference returning more rows than the
sandbox allows (max_rows, which the CLI cannot change) gets the CLI's verdict, and then its figures
come from the same checks with that limit lifted (the one thing the bench changes in the grader).

The CLI runs in a subprocess through `instrumented_cli` below, which wraps the grader's functions
(no grader code is changed) and writes the seconds spent in each phase to a JSON file: prepare
(parse, gate, transpile), expected (read or compute), compare, the sandbox's start and stop, and
grade_all as a whole (the sandbox's query execution is what grade_all spent outside the others).
Figures only, no assertions.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_BOOT = time.perf_counter()
_MAX_ROWS = "SIMGEN_BENCH_MAX_ROWS"  # the sandbox row limit inside instrumented_cli (bench only)
PHASES = ("imports", "sandbox_start", "prepare", "expected", "compare", "grade_all", "sandbox_stop", "in_process")


# ------------------------------------------------------------------------------- the CLI, instrumented

def instrumented_cli(phases_path: Path, argv: list[str]) -> None:
    """Run `simgen ARGV` in this process with timers around the grader's phases; write them to phases_path."""
    from simgen import cli, grader
    from simgen.grader import grading

    spent: dict[str, float] = defaultdict(float)

    @contextmanager
    def clock(name: str) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            spent[name] += time.perf_counter() - t0

    def timed(name: str, fn):
        if inspect.isgeneratorfunction(fn):  # grade_all: its time is from the first item to the last
            def wrapper(*a, **k):
                with clock(name):
                    yield from fn(*a, **k)
        else:
            def wrapper(*a, **k):
                with clock(name):
                    return fn(*a, **k)
        return wrapper

    max_rows = os.environ.get(_MAX_ROWS)

    class TimedSandbox(grader.Sandbox):
        def __init__(self, *a, **k):
            if max_rows:
                k["max_rows"] = int(max_rows)
            with clock("sandbox_start"):
                super().__init__(*a, **k)

        close = timed("sandbox_stop", grader.Sandbox.close)

    grading._prepare = timed("prepare", grading._prepare)  # in the preparing thread
    grading.expected = timed("expected", grading.expected)
    grading.compare = timed("compare", grading.compare)
    grading.grade_all = timed("grade_all", grading.grade_all)
    grading.Sandbox = TimedSandbox  # what grading.workers() starts for check and grade
    spent["imports"] = time.perf_counter() - _BOOT
    try:
        cli.main(argv, prog_name="simgen")
    finally:
        spent["in_process"] = time.perf_counter() - _BOOT
        phases_path.write_text(json.dumps(spent))


def run_cli(argv: list[str], cache: Path, work: Path, max_rows: int | None = None) -> tuple[dict, dict]:
    """`simgen ARGV` as a subprocess (instrumented), with SIMGEN_CACHE=cache: (process outcome, figures).

    Figures: wall (the whole process, interpreter start included), the phases, and `query`: the
    time grade_all spent outside prepare, expected and compare (the sandbox running queries).
    max_rows: the sandbox's row limit instead of its default (the CLI has no option for it).
    """
    phases = work / "phases.json"
    phases.unlink(missing_ok=True)
    cmd = [sys.executable, __file__, "--cli", str(phases), "--", *argv]
    env = {**os.environ, "SIMGEN_CACHE": str(cache), _MAX_ROWS: str(max_rows or "")}
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    wall = time.perf_counter() - t0
    if not phases.is_file():
        raise SystemExit(f"simgen {' '.join(argv[:1])} failed ({proc.returncode}): {proc.stderr[-3000:]}")
    p = {**dict.fromkeys(PHASES, 0.0), **json.loads(phases.read_text())}  # a phase never reached took 0 s
    figures = {"wall_s": wall, **{f"{k}_s": v for k, v in p.items()},
               "query_s": max(0.0, p["grade_all"] - p["prepare"] - p["expected"] - p["compare"])}
    figures["startup_s"] = wall - p["in_process"] + p["imports"]  # interpreter start and imports
    out = proc.stdout.strip()
    return {"returncode": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr,
            "verdict": json.loads(out) if out.startswith("{") else {}}, figures


# ------------------------------------------------------------------------------------ simgen check

def sandbox_default(parameter: str) -> int:
    """A Sandbox default the CLI does not override: its DuckDB threads per worker, its row limit."""
    from simgen.grader import Sandbox

    return inspect.signature(Sandbox.__init__).parameters[parameter].default


def check_all(dataset: Path, repeat: int, work: Path, timeout: float = 3600, memory: str = "auto",
              log=print, only: list[str] | None = None) -> list[dict]:
    """Every reference solution: cold check, `repeat` warm checks and `repeat` plain DuckDB runs.

    A reference whose result passes the sandbox's row limit cannot be graded by `simgen check`: its
    verdict says so, and its figures are those of the same checks with the limit lifted.
    """
    from references import plain_duckdb, run_plain

    from simgen import challenges

    cache = work / "check-cache"  # fresh: the first check of each challenge computes its expected result
    shutil.rmtree(cache, ignore_errors=True)
    threads, limit = sandbox_default("threads"), sandbox_default("max_rows")
    results = []
    with plain_duckdb(dataset, threads) as con:
        for ch in challenges.bank().values():
            if only and ch.id not in only:
                continue
            solution = challenges.bank_root() / "expected" / ch.id / "solution.sql"
            argv = ["check", str(solution), "--challenge", ch.id, "--data", str(dataset), "--json",
                    "--timeout", f"{timeout:g}", "--memory", memory]
            outcome, cold = run_cli(argv, cache, work)
            verdict = outcome["verdict"]
            status, note, lifted = verdict.get("status", f"exit {outcome['returncode']}"), "", None
            if verdict.get("details", {}).get("limit") == "rows":
                lifted = 2**62
                outcome, cold = run_cli(argv, cache, work, lifted)
                status = f"{status}; {outcome['verdict'].get('status', '?')} with no row limit"
                note = f"over the sandbox's {limit:,}-row limit: figures with the limit lifted"
            if outcome["verdict"].get("status") != "pass":
                note = (note + "; " if note else "") + outcome["verdict"].get("message", outcome["stderr"][-300:])
            warm, plain = [], []
            for _ in range(repeat):
                warm.append(run_cli(argv, cache, work, lifted)[1])
                rows, seconds = run_plain(con, ch.solution)
                plain.append(seconds)
            r = {"challenge": ch.id, "status": status, "note": note, "passed": outcome["verdict"].get("passed", False),
                 "rows": rows, "threads": threads,
                 "plain_s": statistics.median(plain), "cold_s": cold["wall_s"], "cold_expected_s": cold["expected_s"],
                 **{k: statistics.median(w[k] for w in warm) for k in warm[0]}}
            results.append(r)
            log(f"check {ch.id}: {r['status']}, check {r['wall_s']:.2f} s, plain {r['plain_s']:.2f} s, "
                f"compare {r['compare_s']:.3f} s")
    return results


# ------------------------------------------------------------------------------------ simgen grade

def grade_batch(main_ds: Path, edge_ds: Path, submissions: int, distinct: int, jobs: int, repeat: int,
                work: Path, seed: int = 0) -> dict:
    """`simgen grade --jobs J` on `submissions` files with realistic duplication (bench/grade.py's
    generator), each run with a fresh cache; the median run's figures."""
    from generate import medians
    from grade import (
        DEFAULT_CHALLENGES,
        base_queries,
        canonical_queries,
        write_submissions,
    )

    from simgen import challenges

    canon = canonical_queries(base_queries(list(DEFAULT_CHALLENGES), challenges.bank_root()), distinct)
    subs = work / "submissions"
    shutil.rmtree(subs, ignore_errors=True)
    write_submissions(subs, canon, submissions, seed)
    texts = {p.read_bytes() for p in subs.glob("*/*.sql")}
    runs = []
    for i in range(repeat):
        report = work / "grade-report.json"
        argv = ["grade", str(subs), "--data", str(main_ds), "--data", str(edge_ds), "--jobs", str(jobs),
                "--report", str(report)]
        cache = work / f"grade-cache-{i}"  # fresh: expected results and native copies are built in the run
        shutil.rmtree(cache, ignore_errors=True)
        outcome, figures = run_cli(argv, cache, work)
        if outcome["returncode"] not in (0, 2) or not report.is_file():
            raise SystemExit(f"simgen grade failed ({outcome['returncode']}): {outcome['stderr'][-3000:]}")
        summary = json.loads(report.read_text())["summary"]
        runs.append({**figures, "submissions": summary["submissions"], "distinct_queries": summary["distinct_queries"]})
    return {**medians(runs), "distinct_texts": len(texts), "jobs": jobs,
            "users": json.loads((main_ds / "manifest.json").read_text())["users"]}


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--cli":  # internal: python check_overhead.py --cli PHASES -- ARGS
        instrumented_cli(Path(sys.argv[2]), sys.argv[4:])
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dataset", type=Path)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=3600, help="simgen check --timeout (its maximum)")
    ap.add_argument("--memory", default="auto", help="simgen check --memory")
    ap.add_argument("--challenges", nargs="*", help="only these challenges (default: all)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="simgen-bench-check-") as work:
        rows = check_all(args.dataset, args.repeat, Path(work), args.timeout, args.memory, only=args.challenges)
    print(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
