"""Batch reports: JSON, CSV or JUnit XML, chosen by the file's extension, plus a summary."""

from __future__ import annotations

import csv
import json
import os
import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from xml.etree import ElementTree as ET

from simgen.errors import UsageError
from simgen.grader.grading import Graded

FORMATS = (".json", ".csv", ".xml")


def failure_kind(g: Graded) -> str:
    d = g.verdict.details
    return d.get("kind") or g.verdict.status


def summary(graded: Sequence[Graded]) -> dict:
    per: dict[str, Counter] = defaultdict(Counter)
    kinds: Counter = Counter()
    for g in graded:
        per[g.submission.challenge][g.verdict.status] += 1
        if not g.verdict.passed:
            kinds[failure_kind(g)] += 1
    challenges = {
        cid: {"submissions": sum(c.values()), "passed": c["pass"], "wrong": c["wrong"], "error": c["error"],
              "pass_rate": round(c["pass"] / sum(c.values()), 4)}
        for cid, c in sorted(per.items())
    }
    return {
        "submissions": len(graded), "passed": sum(g.verdict.passed for g in graded),
        "distinct_queries": len({g.key for g in graded if g.key}), "challenges": challenges,
        "failure_kinds": dict(kinds.most_common()),
    }


def _rows(graded: Sequence[Graded]) -> list[dict]:
    return [{"who": g.submission.who, "challenge": g.submission.challenge,
             "file": str(g.submission.path or ""), "dialect": g.dialect or "", "status": g.verdict.status,
             "passed": g.verdict.passed, "kind": failure_kind(g) if not g.verdict.passed else "",
             "message": g.verdict.message} for g in graded]


def _junit(graded: Sequence[Graded]) -> ET.ElementTree:
    suites = ET.Element("testsuites", name="simgen", tests=str(len(graded)))
    by_challenge: dict[str, list[Graded]] = defaultdict(list)
    for g in graded:
        by_challenge[g.submission.challenge].append(g)
    for cid, items in sorted(by_challenge.items()):
        suite = ET.SubElement(suites, "testsuite", name=cid, tests=str(len(items)),
                              failures=str(sum(g.verdict.status == "wrong" for g in items)),
                              errors=str(sum(g.verdict.status == "error" for g in items)))
        for g in items:
            case = ET.SubElement(suite, "testcase", classname=cid, name=g.submission.who)
            if g.verdict.status != "pass":
                tag = "failure" if g.verdict.status == "wrong" else "error"
                el = ET.SubElement(case, tag, message=g.verdict.message[:500], type=failure_kind(g))
                el.text = g.verdict.message
    return ET.ElementTree(suites)


def write(path: Path, graded: Sequence[Graded]) -> None:
    """Write the report atomically (a temporary file renamed into place)."""
    path = Path(path)
    ext = path.suffix.lower()
    if ext not in FORMATS:
        raise UsageError(f"cannot write a report to {str(path)!r}: use a .json, .csv or .xml (JUnit) file name")
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    if ext == ".json":
        doc = {"summary": summary(graded), "results": [{**r, "details": g.verdict.details}
                                                       for r, g in zip(_rows(graded), graded)]}
        tmp.write_text(json.dumps(doc, indent=2, default=str, ensure_ascii=False) + "\n", encoding="utf-8")
    elif ext == ".csv":
        with open(tmp, "w", newline="", encoding="utf-8") as f:
            rows = _rows(graded)
            w = csv.DictWriter(f, fieldnames=list(rows[0]) if rows else ["who", "challenge", "status"])
            w.writeheader()
            w.writerows(rows)
    else:
        tree = _junit(graded)
        ET.indent(tree)
        tree.write(tmp, encoding="utf-8", xml_declaration=True)
    os.replace(tmp, path)
