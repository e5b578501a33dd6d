"""`simgen report`: the realism figures recomputed here another way (polars, Python's zoneinfo),
the page, and what the command says about a bad dataset or an --out inside it."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from simgen.cli import main
from simgen.dataset import Dataset
from simgen.report import PEAK_HOURS, measure


@pytest.fixture(scope="module")
def figures(small):
    return {f.key: f for f in measure(Dataset.open(small.path))}


def table(small, name: str) -> pl.DataFrame:
    return pl.read_parquet(Dataset.open(small.path).paths(name))


def test_shares_agree_with_polars(figures, small):
    sessions, users, friends = table(small, "sessions"), table(small, "users"), table(small, "friends")
    assert figures["tv_share"].value == pytest.approx((sessions["device"] == "tv").mean())
    assert figures["base_before_2025"].value == pytest.approx(
        users.select((pl.col("signup_date") < pl.date(2025, 1, 1)).mean()).item())
    country = users.select("user_id", "country")
    pairs = (friends.join(country, on="user_id")
             .join(country.rename({"user_id": "friend_id", "country": "friend_country"}), on="friend_id"))
    assert figures["same_country_friends"].value == pytest.approx((pairs["country"] == pairs["friend_country"]).mean())
    near = ((friends["user_id"] - friends["friend_id"]).abs() <= 200).mean()
    assert figures["friends_nearby_ids"].value == pytest.approx(near)
    assert figures["max_degree"].value == friends.group_by("user_id").len()["len"].max()


def test_the_local_evening_peak_follows_each_members_time_zone(figures, small):
    """The page converts with DuckDB's ICU; here each zone's sessions go through polars' own tz
    conversion, and each country's most common local hour must be the same."""
    sessions = table(small, "sessions").join(table(small, "users").select("user_id", "country", "timezone"), on="user_id")
    hours: dict[str, Counter] = {}
    for (zone,), part in sessions.group_by(["timezone"]):
        local = part.select("country", pl.col("session_ts").dt.replace_time_zone("UTC").dt.convert_time_zone(zone)
                            .dt.hour().alias("h"))
        for country, h in local.iter_rows():
            hours.setdefault(country, Counter())[h] += 1
    peaks = {c: min(h for h, n in counts.items() if n == max(counts.values())) for c, counts in hours.items()}
    chart = {country: int(h) for country, h in figures["local_evening_peak"].chart}
    assert chart == peaks
    assert figures["local_evening_peak"].value == pytest.approx(sum(h in PEAK_HOURS for h in peaks.values()) / len(peaks))


def test_every_figure_has_an_anchor_and_a_source(figures):
    for f in figures.values():
        assert f.title and f.anchor and f.source, f.key
        assert f.value == f.value, f"{f.key} could not be measured: {f.source}"  # not NaN
    assert figures["monthly_churn"].band == (0.015, 0.045) and len(figures["monthly_churn"].chart) == 11


def test_the_command_writes_the_page_and_refuses_bad_input(small, tmp_path):
    out = tmp_path / "r.html"
    r = CliRunner().invoke(main, ["report", str(small.path), "--out", str(out)])
    assert r.exit_code == 0, r.output
    page = out.read_text()
    assert "Ugander et al." in page and "Antenna" in page and page.count("<tr>") == 1 + len(measure(Dataset.open(small.path)))
    assert "OUTSIDE" in r.output or "within" in r.output
    inside = CliRunner().invoke(main, ["report", str(small.path), "--out", str(small.path / "r.html")])
    assert inside.exit_code == 2 and "inside the dataset" in inside.output and not (small.path / "r.html").exists()
    missing = CliRunner().invoke(main, ["report", str(tmp_path / "nope"), "--out", str(out)])
    assert missing.exit_code == 1 and "not a directory" in missing.output


def test_a_dataset_from_before_time_zones_still_gets_its_other_figures(small, tmp_path):
    old = tmp_path / "old"
    shutil.copytree(small.path, old)
    for part in sorted((old / "users").glob("*.parquet")):
        pq.write_table(pq.read_table(part).drop(["timezone"]), part)
    figures = {f.key: f for f in measure(Dataset.open(old))}
    assert figures["local_evening_peak"].value != figures["local_evening_peak"].value  # NaN: not measurable
    assert "timezone" in figures["local_evening_peak"].source
    assert figures["tv_share"].value == figures["tv_share"].value
