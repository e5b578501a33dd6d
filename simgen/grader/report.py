"""Batch reports: JSON, CSV, JUnit XML or an HTML page (html_report.py), chosen by the file's
extension, plus a summary."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from xml.etree import ElementTree as ET

from simgen.errors import UsageError
from simgen.grader.grading import Graded

FORMATS = (".json", ".csv", ".xml", ".html")

# Characters XML 1.0 cannot hold at all, not even escaped (C0 controls but tab/LF/CR, surrogates,
# U+FFFE/U+FFFF). A hostile submission can put them in a verdict message (a parse error quotes
# the offending text) or in a folder name; written raw they make the JUnit report ill-formed.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: object) -> str:
    """A str that can be encoded as UTF-8. File and folder names that are not valid UTF-8 reach us
    with surrogate escapes (PEP 383), which no UTF-8 writer accepts: show their bytes as \\xNN."""
    text = str(value)
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _xml_text(value: object) -> str:
    """Text safe for an XML attribute or element: forbidden characters become visible \\xNN escapes."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                        else f"\\u{ord(m.group()):04x}", _text(value))


def failure_kind(g: Graded) -> str:
    d = g.verdict.details
    return d.get("kind") or g.verdict.status


def summary(graded: Sequence[Graded], total: int | None = None) -> dict:
    """Counts per challenge and failure kind. `total`: the submissions there were to grade; when
    more than were graded (an interrupted run), the summary says it is incomplete."""
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
        "distinct_queries": len({(g.submission.challenge, g.key) for g in graded if g.key}), "challenges": challenges,
        "failure_kinds": dict(kinds.most_common()),
        "complete": total is None or len(graded) >= total,
        "ungraded": max(0, (total or 0) - len(graded)),
    }


def _rows(graded: Sequence[Graded]) -> list[dict]:
    return [{"who": _text(g.submission.who), "challenge": _text(g.submission.challenge),
             "file": _text(g.submission.path or ""), "dialect": g.dialect or "", "status": g.verdict.status,
             "passed": g.verdict.passed, "kind": failure_kind(g) if not g.verdict.passed else "",
             "message": _text(g.verdict.message)} for g in graded]


def _junit(graded: Sequence[Graded], total: int | None = None) -> ET.ElementTree:
    suites = ET.Element("testsuites", name="simgen", tests=str(len(graded)))
    if total is not None and total > len(graded):  # interrupted: say so where a CI viewer shows it
        ET.SubElement(suites, "testsuite", name="simgen: incomplete run", tests="0",
                      skipped=str(total - len(graded)))
    by_challenge: dict[str, list[Graded]] = defaultdict(list)
    for g in graded:
        by_challenge[g.submission.challenge].append(g)
    for cid, items in sorted(by_challenge.items()):
        suite = ET.SubElement(suites, "testsuite", name=_xml_text(cid), tests=str(len(items)),
                              failures=str(sum(g.verdict.status == "wrong" for g in items)),
                              errors=str(sum(g.verdict.status == "error" for g in items)))
        for g in items:
            case = ET.SubElement(suite, "testcase", classname=_xml_text(cid), name=_xml_text(g.submission.who))
            if g.verdict.status != "pass":
                tag = "failure" if g.verdict.status == "wrong" else "error"
                el = ET.SubElement(case, tag, message=_xml_text(g.verdict.message[:500]),
                                   type=_xml_text(failure_kind(g)))
                el.text = _xml_text(g.verdict.message)
    return ET.ElementTree(suites)


def write(path: Path, graded: Sequence[Graded], total: int | None = None) -> None:
    """Write the report atomically (a temporary file renamed into place). `total` is the number of
    submissions there were: when fewer were graded (Ctrl-C), the JSON summary has
    "complete": false and the JUnit file an "incomplete run" suite (a CSV holds only the rows)."""
    path = Path(path)
    ext = path.suffix.lower()
    if ext not in FORMATS:
        raise UsageError(f"cannot write a report to {str(path)!r}: use a .json, .csv, .xml (JUnit) or .html file name")
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write(tmp, ext, graded, total)
        os.replace(tmp, path)
    except OSError as error:
        raise UsageError(f"cannot write the report {str(path)!r}: {_reason(path, error)}") from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def check_writable(path: Path) -> None:
    """Fail before grading, not after, when the report cannot be written where asked."""
    path = Path(path)
    probe = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.probe")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise UsageError(f"cannot write the report {str(path)!r}: {_reason(path, error)}") from None


def _reason(path: Path, error: OSError) -> str:
    """mkdir says "File exists" when a file stands where the report's folder should be."""
    for parent in (path.parent, *path.parent.parents):
        if parent.exists() and not parent.is_dir():
            return f"{str(parent)!r} is a file, not a folder"
    return error.strerror or str(error)


def _write(tmp: Path, ext: str, graded: Sequence[Graded], total: int | None) -> None:
    if ext == ".json":
        doc = {"summary": summary(graded, total),
               "results": [{**r, "details": g.verdict.details} for r, g in zip(_rows(graded), graded)]}
        # backslashreplace: a stray surrogate left in the details is written as a JSON \u escape
        tmp.write_text(json.dumps(doc, indent=2, default=str, ensure_ascii=False) + "\n", encoding="utf-8",
                       errors="backslashreplace")
    elif ext == ".csv":
        with open(tmp, "w", newline="", encoding="utf-8", errors="backslashreplace") as f:
            rows = _rows(graded)
            w = csv.DictWriter(f, fieldnames=list(rows[0]) if rows else ["who", "challenge", "status"])
            w.writeheader()
            w.writerows(rows)
    elif ext == ".html":
        from simgen.grader.html_report import render

        tmp.write_text(render(graded, summary(graded, total)), encoding="utf-8", errors="backslashreplace")
    else:
        tree = _junit(graded, total)
        ET.indent(tree)
        tree.write(tmp, encoding="utf-8", xml_declaration=True)
