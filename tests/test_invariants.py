"""Integrity rules of SPEC 1.1, checked with DuckDB on every dataset (including across chunks)."""

import pytest


def zero(ds, sql: str) -> None:
    n = ds.one(sql)[0]
    assert n == 0, f"{n} violations: {sql}"


FOREIGN_KEYS = [
    ("sessions", "user_id", "users", "user_id"),
    ("attribution", "session_id", "sessions", "session_id"),
    ("friends", "user_id", "users", "user_id"),
    ("friends", "friend_id", "users", "user_id"),
    ("friends_added", "user_a", "users", "user_id"),
    ("friends_added", "user_b", "users", "user_id"),
    ("friends_removed", "user_a", "users", "user_id"),
    ("friends_removed", "user_b", "users", "user_id"),
    ("page_likes", "user_id", "users", "user_id"),
    ("page_likes", "page_id", "pages", "page_id"),
    ("block_list", "user_id", "users", "user_id"),
    ("block_list", "blocked_id", "users", "user_id"),
    ("ab_tests", "user_id", "users", "user_id"),
    ("subscriptions", "user_id", "users", "user_id"),
]


@pytest.mark.parametrize("child,col,parent,key", FOREIGN_KEYS, ids=lambda x: str(x))
def test_foreign_keys_resolve(dataset, child, col, parent, key):
    zero(dataset, f"SELECT count(*) FROM {child} c ANTI JOIN {parent} p ON c.{col} = p.{key}")


def test_primary_keys_are_unique(dataset):
    for t, k in [("users", "user_id"), ("sessions", "session_id"), ("attribution", "session_id"),
                 ("pages", "page_id"), ("subscriptions", "subscription_id"), ("salaries", "employee_id"),
                 ("users", "email"), ("page_likes", "user_id, page_id"), ("friends", "user_id, friend_id"),
                 ("block_list", "user_id, blocked_id"), ("ab_tests", "experiment_id, user_id"),
                 ("email_daily", "day, cohort")]:
        zero(dataset, f"SELECT count(*) FROM (SELECT {k} FROM {t} GROUP BY ALL HAVING count(*) > 1)")


def test_ids_are_dense(dataset):
    n = dataset.cfg.users
    assert dataset.one("SELECT min(user_id), max(user_id), count(*) FROM users") == (1, n, n)
    s = dataset.one("SELECT min(session_id), max(session_id), count(*) FROM sessions")
    assert s == (1, s[2], s[2])
    s = dataset.one("SELECT min(subscription_id), max(subscription_id), count(*) FROM subscriptions")
    assert s == (1, s[2], s[2])


def test_friends_are_symmetric_without_self_pairs(dataset):
    zero(dataset, "SELECT count(*) FROM friends WHERE user_id = friend_id")
    zero(dataset, "SELECT count(*) FROM friends f ANTI JOIN friends g ON f.user_id = g.friend_id AND f.friend_id = g.user_id")


def test_friendship_events_alternate_and_agree_with_friends(dataset):
    events = """
        WITH ev AS (
            SELECT least(user_a, user_b) lo, greatest(user_a, user_b) hi, added_at ts, 1 kind FROM friends_added
            UNION ALL
            SELECT least(user_a, user_b), greatest(user_a, user_b), removed_at, 0 FROM friends_removed),
        seq AS (SELECT *, row_number() OVER (PARTITION BY lo, hi ORDER BY ts) - 1 AS i,
                       count(*) OVER (PARTITION BY lo, hi) AS n FROM ev)
    """
    # adds at even positions, removes at odd ones: they alternate, starting with an add
    zero(dataset, events + "SELECT count(*) FROM seq WHERE kind <> (i % 2 = 0)::INT")
    zero(dataset, events + "SELECT count(*) FROM (SELECT lo, hi, ts FROM ev GROUP BY ALL HAVING count(*) > 1)")
    zero(dataset, "SELECT count(*) FROM friends_added WHERE user_a = user_b")
    # current friends are exactly the pairs whose last event is an add
    current = events + "SELECT lo, hi FROM seq WHERE i = n - 1 AND kind = 1"
    friends = "SELECT user_id, friend_id FROM friends WHERE user_id < friend_id"
    zero(dataset, f"SELECT count(*) FROM (({current}) EXCEPT ({friends}))")
    zero(dataset, f"SELECT count(*) FROM (({friends}) EXCEPT ({current.split('SELECT lo', 1)[0]} SELECT lo, hi FROM seq WHERE i = n - 1 AND kind = 1))")


def test_some_pairs_cycle_and_appear_in_both_directions(medium):
    many = medium.one("SELECT count(*) FROM (SELECT least(user_a,user_b), greatest(user_a,user_b) FROM friends_added GROUP BY ALL HAVING count(*) > 1)")[0]
    assert many > 0
    both = medium.one("""SELECT count(*) FROM (SELECT least(user_a,user_b) lo, greatest(user_a,user_b) hi
                         FROM friends_added GROUP BY ALL HAVING count(DISTINCT user_a) = 2)""")[0]
    assert both > 0


def test_friendships_start_after_both_members_joined(dataset):
    zero(dataset, """SELECT count(*) FROM friends_added f JOIN users a ON a.user_id = f.user_a
                     JOIN users b ON b.user_id = f.user_b
                     WHERE f.added_at < greatest(a.signup_date, b.signup_date)""")


def test_sessions_after_signup_and_distinct_per_member(dataset):
    zero(dataset, "SELECT count(*) FROM sessions s JOIN users u USING (user_id) WHERE s.session_ts < u.signup_date")
    zero(dataset, "SELECT count(*) FROM (SELECT user_id, session_ts FROM sessions GROUP BY ALL HAVING count(*) > 1)")
    zero(dataset, "SELECT count(*) FROM sessions WHERE session_ts < '2025-01-01' OR session_ts >= '2026-01-01'")
    zero(dataset, "SELECT count(*) FROM sessions WHERE watch_minutes < 0 OR duration_s < watch_minutes * 60")


def test_outage_day_has_no_sessions(dataset):
    day = dataset.truth["outage_day"]
    zero(dataset, f"SELECT count(*) FROM sessions WHERE session_ts::DATE = DATE '{day}'")


def test_subscription_spells_do_not_overlap(dataset):
    zero(dataset, "SELECT count(*) FROM subscriptions WHERE cancel_dt < sub_dt")
    zero(dataset, """SELECT count(*) FROM (
        SELECT user_id, sub_dt, lag(cancel_dt) OVER w AS prev_cancel, lag(sub_dt) OVER w AS prev_sub
        FROM subscriptions WINDOW w AS (PARTITION BY user_id ORDER BY sub_dt))
        WHERE prev_sub IS NOT NULL AND (prev_cancel IS NULL OR prev_cancel >= sub_dt)""")


def test_conversions_match_subscription_starts(dataset):
    """conversion is TRUE exactly on a session on the first day of each spell started in 2025."""
    spells = "SELECT user_id, sub_dt FROM subscriptions WHERE sub_dt >= DATE '2025-01-01'"
    conv = """SELECT s.user_id, s.session_ts::DATE FROM attribution a JOIN sessions s USING (session_id)
              WHERE a.conversion"""
    zero(dataset, f"SELECT count(*) FROM (({spells}) EXCEPT ALL ({conv}))")
    zero(dataset, f"SELECT count(*) FROM (({conv}) EXCEPT ALL ({spells}))")


def test_exactly_one_john_doe(dataset):
    assert dataset.one("SELECT count(*) FROM users WHERE name = 'John Doe'")[0] == 1


def test_block_list_has_no_self_blocks(dataset):
    zero(dataset, "SELECT count(*) FROM block_list WHERE user_id = blocked_id")


def test_ab_tests_rules(dataset):
    zero(dataset, """SELECT count(*) FROM ab_tests WHERE experiment_id NOT IN
                     ('free_trial_7d', 'new_row_ranker', 'artwork_v2', 'close_friends')""")
    zero(dataset, """SELECT count(*) FROM ab_tests
                     WHERE (experiment_id = 'free_trial_7d' AND variant NOT IN ('control', 'trial'))
                        OR (experiment_id <> 'free_trial_7d' AND variant NOT IN ('control', 'treatment'))""")
    zero(dataset, "SELECT count(*) FROM ab_tests WHERE experiment_id <> 'close_friends' AND unit_id <> user_id")
    # close_friends: a unit is one community, assigned as a whole
    zero(dataset, """SELECT count(*) FROM (SELECT unit_id FROM ab_tests WHERE experiment_id = 'close_friends'
                     GROUP BY unit_id HAVING count(DISTINCT variant) > 1)""")
    zero(dataset, "SELECT count(*) FROM ab_tests a JOIN users u USING (user_id) WHERE a.assigned_at < u.signup_date")


def test_close_friends_units_are_friend_communities(medium):
    """Most friendships of close_friends members stay inside their unit (dense clusters, few bridges)."""
    inside, total = medium.one("""
        SELECT sum((a.unit_id = b.unit_id)::INT), count(*) FROM friends f
        JOIN ab_tests a ON a.user_id = f.user_id AND a.experiment_id = 'close_friends'
        JOIN ab_tests b ON b.user_id = f.friend_id AND b.experiment_id = 'close_friends'""")
    assert total > 0 and inside / total > 0.8


def test_sessions_sit_exactly_on_window_edges(dataset):
    """Per arm, a session at assigned_at and one at the exclusive window end (and, for the ranker,
    one at the start of the 28-day pre-period): half-open windows written as BETWEEN differ."""
    ends = {e: t["window"]["end_exclusive"] for e, t in dataset.truth["experiments"].items() if "window" in t}
    for exp, end in ends.items():
        rows = dataset.connect().execute(f"""
            SELECT a.variant,
                   count(*) FILTER (WHERE s.session_ts = a.assigned_at),
                   count(*) FILTER (WHERE s.session_ts = TIMESTAMP '{end}'),
                   count(*) FILTER (WHERE s.session_ts = a.assigned_at - INTERVAL 28 DAY)
            FROM ab_tests a JOIN sessions s USING (user_id) WHERE a.experiment_id = '{exp}' GROUP BY 1""").fetchall()
        assert len(rows) == 2
        for variant, at_assign, at_end, at_pre in rows:
            assert at_assign >= 1 and at_end >= 1, (exp, variant)
            if exp == "new_row_ranker":
                assert at_pre >= 1, variant
