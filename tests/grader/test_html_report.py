"""`simgen grade --report out.html`: a page with the pass rate per challenge, failure kinds, each
person's totals and each submission's diff, in a stable order, with everything escaped."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from click.testing import CliRunner

from simgen import challenges
from simgen.cli import main

SALARY = challenges.get("second_highest_salary")


class Page(HTMLParser):
    """The text of the page, its tags, and the text of each table's rows."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.rows: list[list[str]] = []
        self.text: list[str] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def _grade(folder: Path, edge, report: Path):
    return CliRunner(env={"COLUMNS": "200"}).invoke(
        main, ["grade", str(folder), "--data", str(edge.path), "--jobs", "1", "--report", str(report)])


def test_the_page_shows_rates_people_kinds_and_each_diff(tmp_path, edge):
    subs = tmp_path / "subs"
    files = {
        ("ann", SALARY.id): SALARY.solution,
        ("bob", SALARY.id): "SELECT MAX(salary) AS salary FROM salaries WHERE department = 'Engineering'",
        ("bob", "first_touch_attribution"): "SELEC nonsense",
        ("<img src=x onerror=alert(1)>", SALARY.id): "SELECT 1 AS salary",
    }
    for (who, cid), text in files.items():
        path = subs / who / f"{cid}.sql"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    report = tmp_path / "report.html"
    result = _grade(subs, edge, report)
    assert result.exit_code == 2, result.output  # one submission cannot be graded
    html_text = report.read_text(encoding="utf-8")
    page = Page(html_text)
    assert "img" not in page.tags and "b" in page.tags  # a hostile folder name is text; our own <b> is a tag
    assert "<img src=x onerror=alert(1)>" in "".join(page.text)
    rates = {r[0]: r[1:6] for r in page.rows if r and r[0] in (SALARY.id, "first_touch_attribution")}
    assert rates[SALARY.id] == ["3", "1", "2", "0", "33.3%"]  # ann passes; bob and the hostile name are wrong
    assert rates["first_touch_attribution"] == ["1", "0", "0", "1", "0.0%"]
    people = {r[0]: r[1:5] for r in page.rows if r and r[0] in ("ann", "bob")}
    assert people == {"ann": ["1", "1", "0", "0"], "bob": ["2", "0", "1", "1"]}
    kinds = {r[0]: r[1] for r in page.rows if r and r[0] in ("forbidden", "wrong_values")}
    assert kinds == {"forbidden": "1", "wrong_values": "2"}  # `SELEC nonsense` is not a query
    # bob's wrong answer: the expected row he missed and the one he returned, under the column name
    assert "expected rows not found" in html_text and "rows not expected" in html_text
    assert ["salary"] in page.rows
    assert html_text.count("<svg") >= 2 + 2 + 2  # a bar per challenge, per person, per failure kind


def test_the_page_is_the_same_on_every_run(tmp_path, edge):
    subs = tmp_path / "subs"
    for who in ("zoe", "amy", "kim"):
        path = subs / who / f"{SALARY.id}.sql"
        path.parent.mkdir(parents=True)
        path.write_text(SALARY.solution if who != "kim" else "SELECT 7 AS salary")
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    assert _grade(subs, edge, first).exit_code == 0
    assert _grade(subs, edge, second).exit_code == 0

    text = first.read_text(encoding="utf-8")
    assert text == second.read_text(encoding="utf-8")
    assert text.index(f"{SALARY.id} / amy") < text.index(f"{SALARY.id} / kim") < text.index(f"{SALARY.id} / zoe")


def test_rows_paired_by_key_are_shown_side_by_side_with_the_differing_cells_marked():
    import pyarrow as pa

    from simgen.grader import html_report, report
    from simgen.grader.compare import compare
    from simgen.grader.grading import Graded, Submission
    from simgen.grader.verdict import Verdict

    expected = pa.table({"user_id": [1, 2, 3], "channel": ["organic", "email", "social"]})
    actual = pa.table({"user_id": [1, 2, 4], "channel": ["organic", "paid_search", "social"]})
    verdict = Verdict.from_diff("first_touch_attribution", compare(actual, expected, key=["user_id"]))
    graded = [Graded(Submission("ann", "first_touch_attribution"), verdict)]
    html_text = html_report.render(graded, report.summary(graded))
    page = Page(html_text)
    assert "rows that differ, by key (user_id)" in html_text
    assert ["expected", "2", "email"] in page.rows and ["yours", "2", "paid_search"] in page.rows
    assert html_text.count("<td class=differs>") == 2  # the channel, on both lines; the key is not marked
    # The rows only on one side are listed as before; a paired row is not listed again.
    assert ["3", "social"] in page.rows and ["4", "social"] in page.rows
    assert ["2", "email"] not in page.rows and ["2", "paid_search"] not in page.rows
