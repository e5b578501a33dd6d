"""The challenge bank: every challenge loads, its reference solution agrees with the planted truth,
and it tells right from wrong through the real grader.

`expected/<id>/wrong/*.sql` are realistic wrong solutions (each names its one mistake in a
`-- mistake:` comment); `expected/<id>/alt/*.sql` are correct alternatives in other dialects and
styles (each starts with `-- dialect: NAME`). Each one is graded like `simgen check` grades a file:
prepare, run in a Sandbox on the main (100k members) and the edge dataset, compare with the
reference result on both. A wrong solution must come back "wrong" (it runs, the rows differ), an
alternative "pass". A wrong solution that passes means the data lacks the trap for its mistake:
that is a finding about the data, and this test reports it rather than hiding it.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
import sqlglot
from sqlglot import exp

from simgen import challenges
from simgen.errors import SimgenError
from simgen.grader import Sandbox
from simgen.grader.dialects import DIALECTS, header_dialect, normalize_dialect
from simgen.grader.expected import expected
from simgen.grader.grading import Submission, grade_all
from simgen.grader.sql import prepare
from simgen.spec import TABLES

ROOT = challenges.bank_root()
# Listed from disk, so that one broken challenge fails its own tests, not the collection.
IDS = sorted(p.name for p in (ROOT / "challenges").iterdir() if (p / "challenge.toml").is_file())
FIRST_THREE = {"second_highest_salary", "first_touch_attribution", "trial_conversion"}
OTHER_DIALECTS = {"postgres", "mysql", "tsql", "bigquery", "snowflake", "spark"}
CHANNELS = {"organic", "paid_search", "social", "email", "display", "referral", "affiliate"}


def _files(kind: str) -> list[Path]:
    return [p for cid in IDS for p in sorted((ROOT / "expected" / cid / kind).glob("*.sql"))]


WRONG = _files("wrong")
ALT = _files("alt")


def _case_id(path: Path) -> str:
    return f"{path.parents[1].name}/{path.stem}"


def _leading_comments(text: str) -> list[str]:
    lines = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if not line.lstrip().startswith("--"):
            break
        lines.append(line.strip())
    return lines


@pytest.fixture(scope="module")
def datasets(medium, edge) -> dict[str, Path]:
    return {"main": medium.path, "edge": edge.path}


@pytest.fixture(scope="module")
def box(datasets):
    # One worker per test process: pytest-xdist already spreads the files over the cores.
    with Sandbox(datasets, timeout_s=60, memory_limit="2GB", workers=1) as sandbox:
        yield sandbox


def _grade(path: Path, datasets: dict[str, Path], box: Sandbox):
    cid = path.parents[1].name
    (graded,) = list(grade_all([Submission(path.stem, cid, path=path)], datasets, box))
    assert graded.submission.challenge == cid
    return graded.verdict


# ------------------------------------------------------------------------------------- the bank loads

def test_the_bank_loads_with_the_first_three_challenges():
    assert FIRST_THREE <= set(IDS)
    assert sorted(challenges.bank()) == IDS


@pytest.mark.parametrize("cid", IDS)
def test_challenge_loads(cid):
    ch = challenges._load(ROOT, cid)
    assert ch.id == cid
    assert ch.title and ch.difficulty in ("easy", "medium", "hard")
    assert ch.tags and ch.columns and len(ch.hints) >= 2
    known = {t.name for t in TABLES}
    assert set(ch.tables) <= known, f"{cid} names tables the dataset does not have"
    for column in ch.columns:
        assert f"`{column.name}`" in ch.prompt or f"| {column.name} |" in ch.prompt, \
            f"the prompt of {cid} does not state output column {column.name!r}"
    assert (ROOT / "challenges" / cid / "starter.sql").is_file()
    # The reference passes the same gate a submission does, and produces the contract's columns.
    prepared = prepare(ch.solution, "duckdb")
    assert [c.lower() for c in prepared.columns] == [c.lower() for c in ch.column_names]
    tree = sqlglot.parse_one(ch.solution, read="duckdb")
    ctes = {cte.alias.lower() for cte in tree.find_all(exp.CTE)}
    read = {t.name.lower() for t in tree.find_all(exp.Table)} - ctes
    assert read <= set(ch.tables), f"the reference of {cid} reads {sorted(read - set(ch.tables))}, " \
                                   "not listed in challenge.toml tables"


@pytest.mark.parametrize("cid", [cid for cid in IDS if challenges.get(cid).key])
def test_the_declared_key_is_unique_on_the_expected_result(cid, small):
    ch = challenges.get(cid)
    table = expected(ch, small.path)
    assert table.num_rows > 1, f"{cid}: a key only makes sense for a result of several rows"
    key = ", ".join(f'"{name}"' for name in ch.key)
    con = duckdb.connect()
    con.register("result", table)
    dupes = con.sql(f"SELECT {key}, count(*) FROM result GROUP BY ALL HAVING count(*) > 1").fetchall()
    assert not dupes, f"{cid}: key ({key}) repeats on the expected result, e.g. {dupes[:3]}"


def test_a_key_naming_no_output_column_is_refused(tmp_path):
    import shutil

    cid = "first_touch_attribution"
    for folder in ("challenges", "expected"):
        shutil.copytree(ROOT / folder / cid, tmp_path / folder / cid)
    toml = tmp_path / "challenges" / cid / "challenge.toml"
    toml.write_text(toml.read_text().replace('key = ["user_id"]', 'key = ["user"]'))
    with pytest.raises(SimgenError, match="first_touch_attribution: key names 'user'"):
        challenges._load(tmp_path, cid)


def test_unknown_challenge_suggests_a_close_match():
    with pytest.raises(challenges.UnknownChallenge, match="did you mean 'trial_conversion'"):
        challenges.get("trial_convertion")


# --------------------------------------------------------------- the proof-of-discrimination files

@pytest.mark.parametrize("cid", IDS)
def test_each_challenge_has_wrong_and_alternative_solutions(cid):
    wrong = [p for p in WRONG if p.parents[1].name == cid]
    alt = [p for p in ALT if p.parents[1].name == cid]
    assert len(wrong) >= 4, f"{cid}: {len(wrong)} wrong solutions, want at least 4"
    assert len(alt) >= 3, f"{cid}: {len(alt)} alternatives, want at least 3"
    for path in wrong + alt:
        assert re.fullmatch(r"\d\d_[a-z0-9_]+\.sql", path.name), f"{path.name}: name it NN_<slug>.sql"


@pytest.mark.parametrize("path", WRONG, ids=_case_id)
def test_wrong_solution_names_its_one_mistake(path):
    comments = _leading_comments(path.read_text(encoding="utf-8"))
    mistakes = [c for c in comments if c.lower().startswith("-- mistake:")]
    assert len(mistakes) == 1, f"{path}: start with one '-- mistake: ...' comment (after an optional dialect line)"
    assert len(mistakes[0]) > len("-- mistake: ") + 15, f"{path}: say what the mistake is"
    if comments[0] != mistakes[0]:
        assert header_dialect(comments[0]), f"{path}: only a '-- dialect:' line may precede the mistake"


@pytest.mark.parametrize("path", ALT, ids=_case_id)
def test_alternative_declares_its_dialect(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    named = header_dialect(first)
    assert first.startswith("-- dialect: ") and named, f"{path}: first line must be '-- dialect: NAME'"
    dialect = normalize_dialect(named)
    assert dialect in DIALECTS
    assert path.stem.split("_")[1] == dialect, f"{path.name}: name it NN_{dialect}_<slug>.sql"


def test_alternatives_cover_the_other_dialects():
    used = {normalize_dialect(header_dialect(p.read_text(encoding="utf-8"))) for p in ALT}
    assert OTHER_DIALECTS <= used, f"no alternative in {sorted(OTHER_DIALECTS - used)}"


# ------------------------------------------------------------------- the reference vs planted truth

@pytest.fixture(params=["medium", "edge"])
def ds(request):
    return request.getfixturevalue(request.param)


def test_second_highest_salary_agrees_with_truth(ds):
    table = expected(challenges.get("second_highest_salary"), ds.path)
    assert table.column_names == ["salary"]
    assert table.num_rows == 1, "always exactly one row, NULL when there is no second salary"
    truth = ds.truth
    assert table.column("salary")[0].as_py() == truth["second_highest_salary"]
    assert truth["second_highest_salary"] == truth["salaries"]["second_highest_engineering_salary"]
    if ds.cfg.profile.name == "edge":
        assert truth["second_highest_salary"] is None  # the edge trap: one distinct Engineering salary
    else:
        assert truth["second_highest_salary"] < truth["salaries"]["highest_engineering_salary"]


def test_first_touch_attribution_agrees_with_truth(ds):
    table = expected(challenges.get("first_touch_attribution"), ds.path)
    assert table.column_names == ["user_id", "channel"]
    converted = ds.truth["counts"]["converted_members"]
    assert converted > 0
    assert table.num_rows == converted
    users = table.column("user_id").to_pylist()
    assert len(set(users)) == len(users), "one row per converted member"
    assert set(table.column("channel").to_pylist()) <= CHANNELS


def test_trial_conversion_agrees_with_truth(ds):
    table = expected(challenges.get("trial_conversion"), ds.path)
    assert table.column_names == ["variant", "members", "converted", "conversion_pct"]
    truth = ds.truth["experiments"]["free_trial_7d"]["converted"]
    rows = {r["variant"]: r for r in table.to_pylist()}
    assert set(rows) == set(truth) == {"control", "trial"}
    for variant, want in truth.items():
        got = rows[variant]
        assert (got["members"], got["converted"]) == (want["members"], want["converted"]), variant
        assert abs(got["conversion_pct"] - 100 * want["converted"] / want["members"]) <= 0.005 + 1e-9
    # The planted trap: trial members who cancel inside the week do not count.
    assert truth["trial"]["converted"] < truth["trial"]["subscribed_any"]


# --------------------------------------------------------------------- through the real grader

@pytest.mark.parametrize("cid", IDS)
def test_reference_solution_passes(cid, datasets, box):
    solution = (ROOT / "expected" / cid / "solution.sql").read_text(encoding="utf-8")
    (graded,) = list(grade_all([Submission("reference", cid, text=solution)], datasets, box))
    assert graded.verdict.status == "pass", graded.verdict.message


@pytest.mark.parametrize("path", WRONG, ids=_case_id)
def test_wrong_solution_fails(path, datasets, box):
    verdict = _grade(path, datasets, box)
    assert verdict.status != "pass", (
        f"{path.relative_to(ROOT)} PASSED on the main and the edge dataset: the data has no trap for "
        f"this mistake ({_leading_comments(path.read_text())[-1]})")
    # It must run and be wrong, not be rejected: an error would prove nothing about the data.
    assert verdict.status == "wrong", f"{path.name} could not be graded: {verdict.message}"
    assert verdict.details["kind"] in ("missing_rows", "extra_rows", "wrong_values", "wrong_order")
    assert verdict.message and any(word in verdict.message for word in ("missing", "unexpected", "differ"))


@pytest.mark.parametrize("path", ALT, ids=_case_id)
def test_alternative_passes(path, datasets, box):
    verdict = _grade(path, datasets, box)
    assert verdict.status == "pass", f"{path.relative_to(ROOT)}: {verdict.message}"
    assert [d["status"] for d in verdict.details["datasets"]] == ["pass", "pass"]
