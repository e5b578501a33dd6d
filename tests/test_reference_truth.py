"""Each reference solution agrees with the planted truth: exact facts exactly, estimates within
their 95% interval of the planted effect (standard errors derived here from the data)."""

import math

import pytest

from simgen import challenges
from simgen.grader.expected import compute


def ref(ds, cid) -> list[dict]:
    return compute(challenges.get(cid), ds.path).to_pylist()


@pytest.mark.parametrize("name", ["medium", "edge"])
def test_new_best_friend(request, name):
    ds = request.getfixturevalue(name)
    assert ref(ds, "new_best_friend") == [ds.truth["new_best_friend"]["best_friend"]]


@pytest.mark.parametrize("name", ["medium", "edge"])
def test_friendship_timeline_counts_every_completed_spell(request, name):
    ds = request.getfixturevalue(name)
    rows = ref(ds, "friendship_timeline")
    assert len(rows) == ds.truth["counts"]["friendship_spells"]
    assert all(r["user_a"] < r["user_b"] and r["started_at"] < r["ended_at"] for r in rows)


@pytest.mark.parametrize("name", ["medium", "edge"])
def test_srm_check(request, name):
    ds = request.getfixturevalue(name)
    for r in ref(ds, "srm_check"):
        t = ds.truth["experiments"][r["experiment_id"]]
        control, other = t["allocation_used"]["control"], sum(t["allocation_used"].values()) - t["allocation_used"]["control"]
        assert (r["control_n"], r["treatment_n"]) == (control, other)
        assert r["chi_square"] == pytest.approx(t["member_level_chi_square"], abs=6e-4)
        assert bool(r["srm"]) == t["member_level_srm_flag"]


@pytest.mark.parametrize("name", ["medium", "edge"])
def test_conversion_ci(request, name):
    ds = request.getfixturevalue(name)
    truth = ds.truth["experiments"]["free_trial_7d"]["converted"]
    for r in ref(ds, "conversion_ci"):
        t = truth[r["variant"]]
        rate = t["converted"] / t["members"]
        assert r["n"] == t["members"]
        assert float(r["rate"]) == pytest.approx(rate, abs=6e-5)
        half = 1.96 * math.sqrt(rate * (1 - rate) / t["members"])
        assert float(r["ci_low"]) == pytest.approx(rate - half, abs=6e-5)
        assert float(r["ci_high"]) == pytest.approx(rate + half, abs=6e-5)


@pytest.mark.parametrize("name", ["medium", "edge"])
def test_rolling_watch_time_has_the_outage_as_its_only_zero_day(request, name):
    ds = request.getfixturevalue(name)
    rows = ref(ds, "rolling_watch_time")
    assert len(rows) == 365
    zero = [str(r["day"])[:10] for r in rows if float(r["watch_minutes"]) == 0]
    assert zero == [ds.truth["outage_day"]]


def test_welch_diff_covers_the_planted_effect(medium):
    (r,) = ref(medium, "welch_ttest")
    true = medium.truth["experiments"]["new_row_ranker"]["true_effect_minutes"]
    se = abs(r["diff"] / r["t_stat"])
    assert abs(r["diff"] - true) < 1.96 * se, (r, true, se)


def test_cuped_diff_covers_the_planted_effect_with_a_narrower_interval(medium):
    (w,) = ref(medium, "welch_ttest")
    (c,) = ref(medium, "cuped_effect")
    true = medium.truth["experiments"]["new_row_ranker"]["true_effect_minutes"]
    assert c["raw_diff"] == pytest.approx(w["diff"], abs=1e-4)
    assert c["variance_reduction_pct"] > 10  # watch minutes before the test predict those during it
    se = abs(w["diff"] / w["t_stat"]) * math.sqrt(1 - c["variance_reduction_pct"] / 100)
    assert abs(c["cuped_diff"] - true) < 1.96 * se, (c, true, se)


def test_cluster_effect_covers_the_planted_effect_less_spillover(medium):
    (r,) = ref(medium, "cluster_experiment")
    t = medium.truth["experiments"]["close_friends"]
    expected = t["true_effect_minutes"] - t["spillover_in_control_minutes"]
    end = t["window"]["end_exclusive"]
    per_unit = medium.connect().execute(f"""
        WITH m AS (SELECT a.unit_id, a.variant, coalesce(sum(s.watch_minutes), 0) AS y
                   FROM ab_tests a LEFT JOIN sessions s ON s.user_id = a.user_id
                        AND s.session_ts >= a.assigned_at AND s.session_ts < TIMESTAMP '{end}'
                   WHERE a.experiment_id = 'close_friends' GROUP BY a.user_id, a.unit_id, a.variant),
        u AS (SELECT unit_id, variant, avg(y) AS y FROM m GROUP BY 1, 2)
        SELECT variant, var_samp(y) / count(*) FROM u GROUP BY 1""").fetchall()
    se = math.sqrt(sum(v for _, v in per_unit))
    assert abs(r["effect"] - expected) < 1.96 * se, (r, expected, se)


def test_email_did_covers_the_planted_lift(medium):
    (r,) = ref(medium, "email_redesign_did")
    t = medium.truth["email_redesign"]
    cells = medium.connect().execute(f"""
        SELECT cohort, day >= DATE '{t["launch_day"]}' AS post, sum(conversions) / sum(sends), sum(sends)
        FROM email_daily GROUP BY 1, 2""").fetchall()
    se = math.sqrt(sum(p * (1 - p) / n for _, _, p, n in cells))
    assert abs(r["did_estimate"] - t["true_lift"]) < 1.96 * se, (r, t["true_lift"], se)
