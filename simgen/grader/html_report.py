"""The batch report as one self-contained HTML page, for an instructor to look at.

    simgen grade SUBMISSIONS/ --report report.html

The page holds the pass rate per challenge, the most common failure kinds and each person's
totals, each with a bar chart (inline SVG: no script, no network), then every submission's
verdict, with the rows a wrong answer missed and the rows it should not have returned under
their column names (where the challenge has a key, the rows of one key side by side, the
differing cells marked). Rows come in a fixed order (challenge, person), so two runs over the same
submissions give the same page. Every value is escaped: a folder name or a message may hold
anything a submission wrote.
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from collections.abc import Sequence

from simgen.grader.grading import Graded
from simgen.grader.verdict import Verdict

_STATUS_LABEL = {"pass": "pass", "wrong": "wrong", "error": "cannot grade"}
_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{padding:.2em .7em;border-bottom:1px solid #ddd;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}span.pass{color:#1a7f37}span.wrong{color:#b42318}
span.error,p.error{color:#9a6700}
details{margin:.2em 0;border-left:3px solid #ddd;padding-left:.6em}details.wrong{border-color:#b42318}
details.error{border-color:#9a6700}details.pass{border-color:#1a7f37}.rows{display:flex;gap:2em;flex-wrap:wrap}
pre{white-space:pre-wrap;margin:.3em 0}svg{vertical-align:middle}td.differs{background:#fde8e8;font-weight:600}
"""


def render(graded: Sequence[Graded], summary: dict) -> str:
    """The whole page. `summary` is report.summary(graded, total)."""
    items = sorted(graded, key=lambda g: (g.submission.challenge, g.submission.who))
    parts = [f"<!doctype html><html lang=en><meta charset=utf-8><title>simgen grading report</title>"
             f"<style>{_STYLE}</style><h1>simgen grading report</h1>", _overview(summary)]
    parts += _per_challenge(summary), _failure_kinds(summary), _per_person(items), _submissions(items)
    return "\n".join(parts) + "\n</html>\n"


def verdict_html(verdict: Verdict) -> str:
    """One verdict as a notebook shows it (Verdict._repr_html_): the status, the message and, for a
    wrong answer, the same tables as the report's."""
    body = _diff(verdict.details) if verdict.status == "wrong" else ""
    return (f"<div><style>{_STYLE.replace('body{', '.simgen-verdict{')}</style><div class=simgen-verdict>"
            f"<b><span class={verdict.status}>{_STATUS_LABEL[verdict.status]}</span></b> {_e(verdict.challenge)}"
            f"<pre>{_e(verdict.message)}</pre>{body}</div></div>")


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _bar(fraction: float, colour: str = "#1a7f37", width: int = 160) -> str:
    filled = max(0.0, min(1.0, fraction)) * width
    return (f'<svg width="{width}" height="12" role="img" aria-label="{fraction:.0%}">'
            f'<rect width="{width}" height="12" fill="#eee"/><rect width="{filled:.1f}" height="12" '
            f'fill="{colour}"/></svg>')


def _overview(summary: dict) -> str:
    n, passed = summary["submissions"], summary["passed"]
    rate = passed / n if n else 0.0
    line = (f"<p>{n:,} submissions, {passed:,} passed ({rate:.1%}), "
            f"{summary['distinct_queries']:,} distinct queries run.</p>")
    if not summary.get("complete", True):
        line += f"<p class=error><b>Incomplete run:</b> {summary['ungraded']:,} submissions were not graded.</p>"
    return line


def _per_challenge(summary: dict) -> str:
    rows = "".join(
        f"<tr><td>{_e(cid)}</td><td class=n>{c['submissions']:,}</td><td class=n>{c['passed']:,}</td>"
        f"<td class=n>{c['wrong']:,}</td><td class=n>{c['error']:,}</td><td class=n>{c['pass_rate']:.1%}</td>"
        f"<td>{_bar(c['pass_rate'])}</td></tr>" for cid, c in summary["challenges"].items())
    head = _head("challenge", "submissions", "passed", "wrong", "cannot grade", "pass rate", "")
    return f"<h2>Pass rate per challenge</h2><table>{head}{rows}</table>"


def _failure_kinds(summary: dict) -> str:
    kinds = summary["failure_kinds"]
    if not kinds:
        return "<h2>Failure kinds</h2><p>No failures.</p>"
    top = max(kinds.values())
    rows = "".join(f"<tr><td>{_e(kind)}</td><td class=n>{n:,}</td><td>{_bar(n / top, '#b42318')}</td></tr>"
                   for kind, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))
    return f"<h2>Most common failure kinds</h2><table>{_head('kind', 'submissions', '')}{rows}</table>"


def _per_person(items: Sequence[Graded]) -> str:
    per: dict[str, Counter] = defaultdict(Counter)
    for g in items:
        per[g.submission.who][g.verdict.status] += 1
    rows = []
    for who, c in sorted(per.items()):
        total = sum(c.values())
        rows.append(f"<tr><td>{_e(who)}</td><td class=n>{total:,}</td><td class=n>{c['pass']:,}</td>"
                    f"<td class=n>{c['wrong']:,}</td><td class=n>{c['error']:,}</td>"
                    f"<td>{_bar(c['pass'] / total)}</td></tr>")
    return (f"<h2>Per person</h2><table>{_head('who', 'submissions', 'passed', 'wrong', 'cannot grade', '')}"
            f"{''.join(rows)}</table>")


def _rows_table(title: str, columns: list[str], rows: list) -> str:
    if not rows:
        return ""
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in rows)
    return f"<div><b>{_e(title)}</b><table>{_head(*columns)}{body}</table></div>"


def _cell(value: object, marked: bool = False) -> str:
    shown = _e("NULL" if value is None else value)
    return f"<td class=differs>{shown}</td>" if marked else f"<td>{shown}</td>"


def _pairs_table(details: dict) -> str:
    """Each paired row as two lines, expected and yours, the cells that differ marked."""
    pairs = details.get("pairs") or []
    if not pairs:
        return ""
    body = []
    for pair in pairs:
        differs = {i + 1 for i in pair.get("differs") or []}  # +1: the label column
        for label, values in (("expected", pair.get("expected")), ("yours", pair.get("actual"))):
            body.append("<tr>" + "".join(_cell(v, i in differs) for i, v in enumerate([label, *(values or [])])) + "</tr>")
    title = f"rows that differ, by key ({', '.join(details.get('key') or [])})"
    return f"<div><b>{_e(title)}</b><table>{_head('', *(details.get('columns') or []))}{''.join(body)}</table></div>"


def _head(*names: str) -> str:
    return "<tr>" + "".join(f"<th>{_e(n)}</th>" for n in names) + "</tr>"


def _diff(details: dict) -> str:
    columns = list(details.get("columns") or [])
    changed = details.get("changed") or 0  # paired rows are in the pairs table: only the others here
    only_missing = (details.get("missing_examples") or [])[:max(0, (details.get("missing") or 0) - changed)]
    only_extra = (details.get("extra_examples") or [])[:max(0, (details.get("extra") or 0) - changed)]
    parts = [_pairs_table(details), _rows_table("expected rows not found", columns, only_missing),
             _rows_table("rows not expected", columns, only_extra)]
    first = details.get("first_difference")
    if first:
        parts.append(_rows_table(f"first difference in order, row {first.get('row')}", ["", *columns],
                                 [["expected", *(first.get("expected") or [])],
                                  ["yours", *(first.get("actual") or [])]]))
    shown = "".join(p for p in parts if p)
    return f'<div class=rows>{shown}</div>' if shown else ""


def _submissions(items: Sequence[Graded]) -> str:
    out = ["<h2>Submissions</h2>"]
    for g in items:
        v = g.verdict
        where = f" ({_e(v.details['dataset'])} dataset)" if v.details.get("dataset") else ""
        dialect = f"<br>dialect: {_e(g.dialect)}" if g.dialect else ""
        body = f"<pre>{_e(v.message)}</pre>{dialect}" + (_diff(v.details) if v.status == "wrong" else "")
        opened = "" if v.passed else " open"  # what went wrong is shown; a pass is one line
        out.append(f"<details class={v.status}{opened}><summary>{_e(g.submission.challenge)} / {_e(g.submission.who)}: "
                   f"<span class={v.status}>{_STATUS_LABEL[v.status]}</span>{where}</summary>{body}</details>")
    return "\n".join(out)
