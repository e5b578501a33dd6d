"""The edge profile packs the boundary cases into a few thousand rows."""


def test_is_small(edge):
    total = sum(t["rows"] for t in edge.manifest["tables"].values())
    assert total < 20_000


def test_unicode_names(edge):
    # names outside Latin-1: Japanese, Korean, Turkish, Polish ...
    n = edge.one("SELECT count(*) FROM users WHERE regexp_matches(name, '[^\\x00-\\xFF]')")[0]
    assert n >= 10


def test_members_without_sessions(edge):
    n = edge.one("SELECT count(*) FROM users u ANTI JOIN sessions s USING (user_id)")[0]
    assert n >= 10 and n == edge.truth["counts"]["members_without_sessions"]


def test_boundary_timestamps(edge):
    first, last = edge.one("SELECT min(session_ts), max(session_ts) FROM sessions")
    assert str(first) == "2025-01-01 00:00:00" and str(last) == "2025-12-31 23:59:59"
    assert str(edge.one("SELECT max(signup_date) FROM users")[0]) == "2025-12-31"


def test_a_month_without_signups(edge):
    months = {r[0] for r in edge.connect().execute(
        "SELECT DISTINCT month(signup_date) FROM users WHERE year(signup_date) = 2025").fetchall()}
    assert months == set(range(1, 13)) - {11}


def test_engineering_has_one_distinct_salary(edge):
    assert edge.one("SELECT count(DISTINCT salary) FROM salaries WHERE department = 'Engineering'")[0] == 1
    assert edge.truth["second_highest_salary"] is None


def test_trial_cancellations_on_days_6_and_7(edge):
    days = {r[0] for r in edge.connect().execute("""
        SELECT s.cancel_dt - s.sub_dt FROM subscriptions s
        JOIN ab_tests a ON a.user_id = s.user_id AND a.experiment_id = 'free_trial_7d' AND a.variant = 'trial'
        WHERE s.cancel_dt IS NOT NULL""").fetchall()}
    assert {6, 7} <= days


def test_every_experiment_has_both_arms(edge):
    rows = edge.connect().execute("SELECT experiment_id, count(DISTINCT variant) FROM ab_tests GROUP BY 1").fetchall()
    assert dict(rows) == {"free_trial_7d": 2, "new_row_ranker": 2, "artwork_v2": 2, "close_friends": 2}
