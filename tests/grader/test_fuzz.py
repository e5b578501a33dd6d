"""Fuzzing the grader with mutated submissions: each gets exactly one verdict, as JSON, with no
traceback, whatever the mutation did to it (and whatever sqlglot or DuckDB did with that).

The corpus is the pack's own SQL (references, alternatives and wrong solutions in seven dialects);
mutations delete, repeat and shuffle pieces, cut files short, splice in calls of functions from
every dialect with wrong numbers of arguments, odd identifiers and stray punctuation, and change
the declared dialect. The generator is seeded: a failure names a reproducible case.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from simgen.grader.grading import Submission, grade_all
from simgen.grader.sandbox import Sandbox
from simgen.grader.verdict import STATUSES

ROOT = Path(__file__).resolve().parents[2]
CORPUS = sorted((ROOT / "expected").glob("*/**/*.sql"))
DIALECTS = ["duckdb", "postgres", "mysql", "bigquery", "snowflake", "spark", "tsql"]
FUNCTIONS = ["DATEDIFF", "DATE_ADD", "DATE_SUB", "MAP", "regexp_extract", "OBJECT_CONSTRUCT", "STRUCT", "ARRAY",
             "CONVERT", "CAST", "EXTRACT", "DATE_TRUNC", "TO_CHAR", "FORMAT", "IIF", "DECODE", "NVL2", "COALESCE",
             "GENERATE_SERIES", "UNNEST", "LATERAL", "FLATTEN", "SPLIT_PART", "STRING_AGG", "LISTAGG", "PERCENTILE_CONT",
             "APPROX_COUNT_DISTINCT", "JSON_EXTRACT", "PARSE_JSON", "TRY_CAST", "DATEADD", "EOMONTH", "TIMESTAMPDIFF",
             "STR_TO_DATE", "SAFE_DIVIDE", "ARRAY_AGG", "ROW_NUMBER", "LAG", "NTILE", "read_csv", "glob"]
ODD = ["\"\"", "``", "[]", "\"a\"\"b\"", "`x`", "[users]", "ü", "𝔘", "\u202e", "0x1F", "1e999", "-- c\n", "/* c */",
       "N'x'", "$$x$$", "@x", ":x", "?", "$1", "*", "ALL", "DISTINCT", "NULL", "()", "(SELECT 1)", "\\", "'", "\""]
KINDS = {"submission", "parse", "forbidden", "unsupported", "query", "limit", "sandbox", "internal", "error",
         "ok", "wrong_columns", "wrong_types", "missing_rows", "extra_rows", "wrong_values", "wrong_order"}


def _pieces(text: str) -> list[str]:
    return re.findall(r"\w+|\s+|.", text, re.DOTALL)


def mutate(text: str, rng: random.Random) -> tuple[str, str | None]:
    """One mutated submission and the dialect it claims (None: its header or DuckDB)."""
    pieces = _pieces(text)
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(pieces) + 1)
        op = rng.randrange(7)
        if op == 0 and pieces:  # delete a span
            del pieces[i:i + rng.randint(1, 6)]
        elif op == 1 and pieces:  # repeat a span
            j = rng.randrange(len(pieces))
            pieces[i:i] = pieces[j:j + rng.randint(1, 8)]
        elif op == 2:  # a call with the wrong number of arguments
            args = ", ".join(rng.choice(["1", "salary", "'x'", "", "NULL", "INTERVAL 1 DAY"])
                             for _ in range(rng.randint(0, 3)))
            pieces[i:i] = [" ", rng.choice(FUNCTIONS), "(", args, ") "]
        elif op == 3:  # cut short
            pieces = pieces[:i]
        elif op == 4:  # odd identifiers and literals
            pieces[i:i] = [" ", rng.choice(ODD), " "]
        elif op == 5 and len(pieces) > 2:  # swap two pieces
            a, b = rng.randrange(len(pieces)), rng.randrange(len(pieces))
            pieces[a], pieces[b] = pieces[b], pieces[a]
        else:  # stray punctuation
            pieces[i:i] = [rng.choice("(),;'\"`[]{}.:=<>|&^%~!")]
    dialect = rng.choice([None, None, *DIALECTS])
    return "".join(pieces), dialect


def _corpus(n: int, seed: int) -> list[Submission]:
    rng = random.Random(seed)
    subs = []
    for k in range(n):
        source = rng.choice(CORPUS)
        challenge = source.parts[len(ROOT.parts) + 1]
        text, dialect = mutate(source.read_text(), rng)
        subs.append(Submission(f"fuzz-{seed}-{k:04d}", challenge, text=text, dialect=dialect))
    return subs


def _check_verdict(verdict, who: str) -> None:
    data = json.loads(verdict.to_json())
    assert data["status"] in STATUSES, who
    assert isinstance(data["message"], str) and data["message"], who
    assert "Traceback" not in data["message"] and "Stack Trace" not in data["message"], (who, data["message"])
    assert data["status"] == "pass" or data["details"].get("kind") in KINDS, (who, data["details"])


@pytest.mark.parametrize("seed", [1, 2])
def test_every_mutated_submission_gets_one_verdict(edge, seed):
    subs = _corpus(200, seed)
    with Sandbox({"edge": edge.path}, timeout_s=3, workers=2) as box:
        graded = list(grade_all(subs, {"edge": edge.path}, box))
    assert sorted(g.submission.who for g in graded) == sorted(s.who for s in subs)  # each exactly once
    for g in graded:
        _check_verdict(g.verdict, g.submission.who)
    assert any(g.verdict.status == "error" for g in graded) and any(g.verdict.status != "error" for g in graded)


def test_grade_reports_every_mutated_file_without_a_traceback(edge, tmp_path):
    folder = tmp_path / "subs"
    subs = _corpus(60, seed=3)
    for s in subs:
        header = f"-- dialect: {s.dialect}\n" if s.dialect else ""
        path = folder / s.who / f"{s.challenge}.sql"
        path.parent.mkdir(parents=True)
        path.write_text(header + s.text)
    report = tmp_path / "report.json"
    result = subprocess.run([sys.executable, "-m", "simgen.cli", "grade", str(folder), "--data", str(edge.path),
                             "--jobs", "2", "--timeout", "3", "--report", str(report)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode in (0, 2), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    rows = json.loads(report.read_text())["results"]
    assert sorted(r["who"] for r in rows) == sorted(s.who for s in subs)
