"""Benchmark the grader: per-submission overhead outside DuckDB, and `simgen grade` throughput.

    python bench/grade.py [--main DIR] [--edge DIR] [--submissions 10000] [--distinct 300]
                          [--jobs 2] [--samples 1000] [--keep DIR] [--seed 0] [--breakdown]

(a) Overhead outside DuckDB execution:
    - read + prepare (parse, gate, qualify, transpile) of distinct realistic submissions: median, p95;
    - a sandbox round trip for a trivial query (SELECT 1): median, p95.
(b) Throughput of `simgen grade` (a subprocess, exactly as a person runs it) on N submissions with
    realistic duplication: ~D distinct canonical queries drawn from the reference, alt/ and wrong/
    solutions of the challenges plus alias variants of them (the same query under another derived
    table alias is a different canonical query), each rendered with whitespace / keyword-case /
    comment variants (the same canonical query), Zipf-popular, spread over N/3 <who> folders of one
    file per challenge; graded on a 100k-member dataset (or --main) plus the edge dataset with
    --jobs 2 and a fresh expected-result cache: wall time, submissions/s, distinct queries executed.

Prints figures, asserts nothing. Without --main/--edge the datasets are generated first (not timed).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from simgen import challenges
from simgen.grader import sql as sqlmod
from simgen.grader.errors import GradeError
from simgen.grader.sandbox import Sandbox
from simgen.grader.sql import prepare, read_submission

DEFAULT_CHALLENGES = ("second_highest_salary", "first_touch_attribution", "trial_conversion")
ALIASES = ("t", "q", "res", "answer", "final", "x", "result", "out", "sol", "r1")
KEYWORDS = ("select distinct from where join left inner on as and or not null is group by order having with "
            "case when then else end limit offset desc asc in exists union all over partition count sum max "
            "min round cast qualify filter").split()
_KEYWORD = re.compile(r"\b(" + "|".join(KEYWORDS) + r")\b", re.IGNORECASE)
_DIALECT = re.compile(r"^\s*--\s*dialect\s*:", re.IGNORECASE)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


# ------------------------------------------------------------------------------ the submissions

def split_header(text: str) -> tuple[str, str]:
    """('-- dialect: x' or '', the SQL without full-line comments and without a final semicolon)."""
    lines = text.splitlines()
    header = lines[0] if lines and _DIALECT.match(lines[0]) else ""
    body = [line for line in lines[1 if header else 0:] if not line.lstrip().startswith("--")]
    return header, "\n".join(body).strip().rstrip(";").rstrip()


def base_queries(ids: list[str], root: Path) -> dict[str, list[tuple[str, str]]]:
    """challenge -> [(header, body)] from solution.sql, alt/*.sql and wrong/*.sql."""
    found: dict[str, list[tuple[str, str]]] = {}
    for cid in ids:
        folder = root / "expected" / cid
        files = [folder / "solution.sql", *sorted((folder / "alt").glob("*.sql")),
                 *sorted((folder / "wrong").glob("*.sql"))]
        found[cid] = [split_header(f.read_text(encoding="utf-8")) for f in files]
    return found


def canonical_queries(bases: dict[str, list[tuple[str, str]]], want: int) -> dict[str, list[tuple[str, str]]]:
    """Up to `want` distinct canonical queries: each base as written, then wrapped under derived-table
    aliases (SELECT * FROM (...) AS answer), round-robin over bases, deduplicated by the grader's key."""
    chosen: dict[str, list[tuple[str, str]]] = {cid: [] for cid in bases}
    keys: set[str] = set()
    # interleave the challenges, so that a small --distinct still draws from every one of them
    longest = max((len(items) for items in bases.values()), default=0)
    pool = [(cid, *items[i]) for i in range(longest) for cid, items in bases.items() if i < len(items)]
    for variant in range(len(ALIASES) + 1):
        for cid, header, body in pool:
            if len(keys) >= want:
                return chosen
            text = body if variant == 0 else f"SELECT *\nFROM (\n{body}\n) AS {ALIASES[variant - 1]}"
            try:
                key = prepare("\n".join(filter(None, [header, text])) + "\n").key
            except GradeError:
                continue
            if key not in keys:
                keys.add(key)
                chosen[cid].append((header, text))
    return chosen


def keyword_case(text: str, style: int) -> str:
    if style == 0:
        return text
    parts = text.split("'")  # never touch string literals: they are data
    for i in range(0, len(parts), 2):
        parts[i] = _KEYWORD.sub(lambda m: m.group().lower() if style == 1 else m.group().upper(), parts[i])
    return "'".join(parts)


def whitespace(text: str, style: int) -> str:
    if style == 1:
        return " ".join(text.split())
    if style == 2:
        return "\n".join(line.replace("    ", "\t") for line in text.splitlines())
    if style == 3:
        return "\n\n".join(line.rstrip() + "   " for line in text.splitlines())
    return text


def render(header: str, body: str, who: str, rng: random.Random) -> str:
    """One person's file for a canonical query: same query, their own layout, case and comments."""
    text = keyword_case(whitespace(body, rng.randrange(4)), rng.randrange(3))
    comment = rng.choices(["", "-- my answer", "/* final version */", f"-- submitted by {who}"],
                          weights=[3, 2, 2, 3])[0]
    end = rng.choice([";", "", ";\n"])
    return "\n".join(filter(None, [header, comment, text])) + end + "\n"


def write_submissions(folder: Path, canon: dict[str, list[tuple[str, str]]], n: int, seed: int) -> Counter:
    """N files in folder/<who>/<challenge>.sql; returns how often each (challenge, index) was used."""
    rng = random.Random(seed)
    weights = {cid: [1 / (rank + 1) ** 0.9 for rank in range(len(items))] for cid, items in canon.items()}
    order = {cid: rng.sample(range(len(items)), len(items)) for cid, items in canon.items()}
    used: Counter = Counter()
    ids = [cid for cid in canon if canon[cid]]
    written = 0
    who_n = 0
    while written < n:
        who = f"student_{who_n:05d}"
        who_n += 1
        for cid in ids:
            if written >= n:
                break
            rank = rng.choices(range(len(canon[cid])), weights=weights[cid])[0]
            index = order[cid][rank]
            header, body = canon[cid][index]
            path = folder / who / f"{cid}.sql"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(render(header, body, who, rng), encoding="utf-8")
            used[(cid, index)] += 1
            written += 1
    return used


# ------------------------------------------------------------------------------------ measurements

def measure_prepare(files: list[Path], samples: int) -> list[float]:
    """read + prepare of `samples` files with distinct texts, the prepare cache cleared first."""
    seen: set[str] = set()
    chosen: list[Path] = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        if text not in seen:
            seen.add(text)
            chosen.append(path)
        if len(chosen) >= samples:
            break
    sqlmod.clear_caches()
    times = []
    for path in chosen:
        t0 = time.perf_counter()
        try:
            prepare(read_submission(path))
        except GradeError:
            pass
        times.append(time.perf_counter() - t0)
    return times


def measure_round_trip(datasets: dict[str, Path], runs: int) -> list[float]:
    with Sandbox(datasets, timeout_s=10, memory_limit="1GB", workers=1) as box:
        for _ in range(50):
            box.run("SELECT 1", "main")
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            box.run("SELECT 1", "main")
            times.append(time.perf_counter() - t0)
    return times


def breakdown(subs: Path, datasets: dict[str, Path], jobs: int) -> dict[str, float]:
    """The same batch through grade_all in this process, timing its serial stages: preparing every
    submission (before anything runs), computing expected results, and comparing (in the grader's
    process, between dispatches); the rest is waiting for the sandbox workers."""
    from simgen.grader import grading

    spent = {"prepare": 0.0, "expected": 0.0, "compare": 0.0}

    def timed(name: str, fn):
        def wrapper(*a, **k):
            t0 = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                spent[name] += time.perf_counter() - t0
        return wrapper

    saved = grading._prepare, grading.expected, grading.compare
    grading._prepare, grading.expected, grading.compare = (timed("prepare", saved[0]), timed("expected", saved[1]),
                                                           timed("compare", saved[2]))
    grading._EXPECTED.clear()
    sqlmod.clear_caches()
    try:
        with Sandbox(datasets, timeout_s=30, memory_limit="auto", workers=jobs) as box:
            t0 = time.perf_counter()
            first = None
            for g in grading.grade_all(grading.collect(subs), datasets, box):
                if first is None and g.key:
                    first = time.perf_counter() - t0
            spent["total"] = time.perf_counter() - t0
            spent["first_verdict"] = first or 0.0
    finally:
        grading._prepare, grading.expected, grading.compare = saved
    return spent


def generate(args: list[str], out: Path) -> Path:
    subprocess.run([sys.executable, "-m", "simgen.cli", *args, "--out", str(out)], check=True,
                   stdout=subprocess.DEVNULL)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--main", type=Path, help="main dataset (default: generate 100k members)")
    ap.add_argument("--edge", type=Path, help="edge dataset (default: generate the edge profile)")
    ap.add_argument("--submissions", type=int, default=10_000)
    ap.add_argument("--distinct", type=int, default=300, help="distinct canonical queries to draw")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--samples", type=int, default=1000, help="files / round trips timed in (a)")
    ap.add_argument("--challenges", nargs="*", default=list(DEFAULT_CHALLENGES))
    ap.add_argument("--keep", type=Path, help="keep the submissions and the report here")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--breakdown", action="store_true",
                    help="also grade the batch in-process and time its serial stages (a second run)")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="simgen-bench-grade-"))
    os.environ["SIMGEN_CACHE"] = str(work / "cache")  # fresh: expected results are computed in the run
    print(f"load average (1, 5, 15 min) at the start: {', '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} CPUs")
    try:
        t0 = time.perf_counter()
        main_ds = args.main or generate(["--users", "100k", "--jobs", str(args.jobs)], work / "main")
        edge_ds = args.edge or generate(["--profile", "edge"], work / "edge")
        users = json.loads((main_ds / "manifest.json").read_text())["users"]
        if not (args.main and args.edge):
            print(f"datasets generated in {time.perf_counter() - t0:.1f} s (not part of any figure)")

        root = challenges.bank_root()
        canon = canonical_queries(base_queries(args.challenges, root), args.distinct)
        subs = (args.keep or work) / "submissions"
        shutil.rmtree(subs, ignore_errors=True)
        used = write_submissions(subs, canon, args.submissions, args.seed)
        files = sorted(subs.glob("*/*.sql"))
        texts = {p.read_bytes() for p in files}
        print(f"{len(files):,} submissions in {len({p.parent for p in files}):,} <who> folders; "
              f"{sum(len(v) for v in canon.values())} distinct canonical queries "
              f"({', '.join(f'{c} {len(v)}' for c, v in canon.items())}); {len(used)} of them drawn; "
              f"{len(texts):,} distinct file texts")
        top = used.most_common(1)[0][1]
        print(f"duplication: most popular query {top} times, median {statistics.median(used.values()):.0f}")

        print("\n(a) per-submission overhead outside DuckDB execution")
        prep = measure_prepare(files, args.samples)
        print(f"  read + prepare, {len(prep)} distinct files: median {ms(statistics.median(prep))}, "
              f"p95 {ms(pct(prep, 0.95))}, mean {ms(statistics.fmean(prep))}")
        rt = measure_round_trip({"main": main_ds, "edge": edge_ds}, args.samples)
        print(f"  sandbox round trip (SELECT 1), {len(rt)} runs: median {ms(statistics.median(rt))}, "
              f"p95 {ms(pct(rt, 0.95))}")
        print(f"  => preparing all {len(texts):,} distinct texts would take ~"
              f"{len(texts) * statistics.fmean(prep):.1f} s of one core")

        print(f"\n(b) simgen grade: {len(files):,} submissions, {users:,}-member dataset + edge, --jobs {args.jobs}")
        report = (args.keep or work) / "report.json"
        cmd = [sys.executable, "-m", "simgen.cli", "grade", str(subs), "--data", str(main_ds),
               "--data", str(edge_ds), "--jobs", str(args.jobs), "--report", str(report)]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if proc.returncode not in (0, 2) or not report.is_file():
            print(proc.stdout[-2000:], proc.stderr[-4000:], sep="\n")
            raise SystemExit(f"simgen grade failed with exit code {proc.returncode}")
        doc = json.loads(report.read_text(encoding="utf-8"))
        s = doc["summary"]
        statuses = Counter(r["status"] for r in doc["results"])
        print(f"  exit code {proc.returncode}; wall {wall:.1f} s; {s['submissions'] / wall:,.0f} submissions/s")
        print(f"  distinct queries executed: {s['distinct_queries']} (x 2 datasets = "
              f"{2 * s['distinct_queries']} sandbox runs)")
        print(f"  verdicts: {dict(statuses)}; failure kinds: {s['failure_kinds']}")
        for line in proc.stdout.strip().splitlines():
            print("  | " + line)
        if args.breakdown:
            os.environ["SIMGEN_CACHE"] = str(work / "cache-breakdown")
            b = breakdown(subs, {"main": main_ds, "edge": edge_ds}, args.jobs)
            rest = b["total"] - b["prepare"] - b["expected"] - b["compare"]
            print(f"\n(c) where the time goes (grade_all in-process, same batch, --jobs {args.jobs}): "
                  f"total {b['total']:.1f} s")
            print(f"  prepare every submission (serial, before any query runs): {b['prepare']:.1f} s; "
                  f"first executed verdict after {b['first_verdict']:.1f} s")
            print(f"  expected results (first use per challenge and dataset): {b['expected']:.1f} s")
            print(f"  compare (serial, in the grader's process): {b['compare']:.1f} s")
            print(f"  waiting for sandbox workers (query execution): {rest:.1f} s")
        print(f"\nload average (1, 5, 15 min) at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())} "
              f"on {os.cpu_count()} CPUs")
    finally:
        shutil.rmtree(work, ignore_errors=True)  # generated datasets and caches; --keep holds the rest


if __name__ == "__main__":
    main()
