"""Every planted fact in truth.json, re-derived from the Parquet tables with DuckDB.

Independence: each fact is computed here the way a careful candidate would answer the
challenge (SQL over the tables, statistics with numpy), never by calling the generator.
Dates come from truth.json (window ends are exclusive), never from generator constants.

Each challenge also gets its traps: the common wrong query must give a different result
from the right one, otherwise the challenge cannot tell them apart.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

CHI2_P001 = 10.828  # chi-square critical value, 1 degree of freedom, p = 0.001
Z95 = 1.96


def rows(ds, sql: str) -> list[tuple]:
    return ds.connect().execute(sql).fetchall()


def arrays(ds, sql: str) -> dict[str, np.ndarray]:
    return ds.connect().execute(sql).fetchnumpy()


def welch(y: np.ndarray, treated: np.ndarray) -> tuple[float, float]:
    """Difference in means (treated - control) and its Welch standard error."""
    a, b = y[treated], y[~treated]
    diff = float(a.mean() - b.mean())
    se = math.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
    return diff, se


# --------------------------------------------------------------------------------------------
# new_best_friend
# --------------------------------------------------------------------------------------------

BOTH_DIRECTIONS_TWICE = "SELECT user_id, friend_id FROM friends UNION ALL SELECT friend_id, user_id FROM friends"


def best_friend_sql(*, friends: str = "SELECT user_id, friend_id FROM friends", exclude_self: bool = True,
                    exclude: str = "current", blocks: str = "both", order: str = "score",
                    signals: str = "FULL") -> str:
    """John's best new friend; the keyword arguments switch on one common mistake each.

    Candidates are everyone who shares a friend or a liked page with John (anyone else
    scores 0). mutual = John's friends who are also the candidate's friends; shared =
    pages both liked.
    """
    where = []
    if exclude_self:
        where.append("c.cand <> john.j")
    if exclude == "current":
        where.append("c.cand NOT IN (SELECT fid FROM jf)")
    elif exclude == "ever_added":  # wrong: everyone John was ever added with, instead of current friends
        where.append("""c.cand NOT IN (SELECT CASE WHEN a.user_a = john.j THEN a.user_b ELSE a.user_a END
                                       FROM friends_added a, john WHERE john.j IN (a.user_a, a.user_b))""")
    if blocks in ("both", "by_john"):
        where.append("c.cand NOT IN (SELECT b.blocked_id FROM block_list b, john WHERE b.user_id = john.j)")
    if blocks in ("both", "of_john"):
        where.append("c.cand NOT IN (SELECT b.user_id FROM block_list b, john WHERE b.blocked_id = john.j)")
    order_by = {
        "score": "3 * m + 2 * p DESC, c.cand ASC",
        "score_larger_id": "3 * m + 2 * p DESC, c.cand DESC",
        "mutual": "m DESC, c.cand ASC",
        "pages": "p DESC, c.cand ASC",
    }[order]
    return f"""
        WITH john AS (SELECT user_id AS j FROM users WHERE name = 'John Doe'),
        f AS ({friends}),
        jf AS (SELECT f.friend_id AS fid FROM f, john WHERE f.user_id = john.j),
        mutual AS (SELECT f.friend_id AS cand, count(*) AS m FROM jf JOIN f ON f.user_id = jf.fid GROUP BY 1),
        jp AS (SELECT pl.page_id FROM page_likes pl, john WHERE pl.user_id = john.j),
        shared AS (SELECT pl.user_id AS cand, count(*) AS p FROM page_likes pl JOIN jp USING (page_id) GROUP BY 1),
        c AS (SELECT coalesce(mu.cand, s.cand) AS cand, coalesce(mu.m, 0) AS m, coalesce(s.p, 0) AS p
              FROM mutual mu {signals} JOIN shared s ON mu.cand = s.cand)
        SELECT c.cand AS user_id, m AS mutual_friends, p AS shared_pages, 3 * m + 2 * p AS score
        FROM c, john WHERE {' AND '.join(where) or 'TRUE'}
        ORDER BY {order_by} LIMIT 1"""


def as_answer(row: tuple) -> dict:
    return dict(zip(("user_id", "mutual_friends", "shared_pages", "score"), row))


def test_john_is_the_unique_john_doe(dataset):
    t = dataset.truth["new_best_friend"]
    assert rows(dataset, "SELECT user_id FROM users WHERE name = 'John Doe'") == [(t["user_id"],)]
    # the name decoys exist and a LIKE would catch them
    like = {r[0] for r in rows(dataset, "SELECT user_id FROM users WHERE name LIKE 'John%Doe%' AND name <> 'John Doe'")}
    assert set(t["name_decoys"]) <= like
    # his current friends and his ex-friend are as recorded
    friends = [r[0] for r in rows(dataset, f"SELECT friend_id FROM friends WHERE user_id = {t['user_id']} ORDER BY 1")]
    assert friends == t["friends"]
    ex = t["ex_friend"]
    added = rows(dataset, f"""SELECT count(*) FROM friends_added
                              WHERE least(user_a, user_b) = least({ex}, {t['user_id']})
                                AND greatest(user_a, user_b) = greatest({ex}, {t['user_id']})""")[0][0]
    assert added >= 1 and ex not in friends


def test_new_best_friend_matches_truth(dataset):
    got = rows(dataset, best_friend_sql())
    assert len(got) == 1
    assert as_answer(got[0]) == dataset.truth["new_best_friend"]["best_friend"]


# (mistake, keyword arguments, the truth.json key naming the member the mistake should pick)
BEST_FRIEND_TRAPS = [
    ("no block exclusion", dict(blocks="none"), "blocked_by_john"),
    ("only blocks by John", dict(blocks="by_john"), "blocks_john"),
    ("only blocks of John", dict(blocks="of_john"), "blocked_by_john"),
    ("mutual friends only", dict(order="mutual"), "mutual_only_pick"),
    ("shared pages only", dict(order="pages"), "pages_only_pick"),
    ("tie by larger id", dict(order="score_larger_id"), "tie_loser"),
    ("ex-friends excluded via friends_added", dict(exclude="ever_added"), "tie_loser"),
    ("current friends not excluded", dict(exclude="none"), None),
    ("John not excluded", dict(exclude_self=False), "user_id"),
    ("friendships counted in both directions twice", dict(friends=BOTH_DIRECTIONS_TWICE), "mutual_only_pick"),
]


# The edge profile's variant makes the answer a member with mutual friends only (truth:
# best_friend = mutual_only_pick), which catches combining the signals with an inner join;
# the traps that need the two-signal answer are caught on the main dataset instead.
EDGE_TRAPS = [t for t in BEST_FRIEND_TRAPS if t[0] not in (
    "mutual friends only", "tie by larger id", "ex-friends excluded via friends_added",
    "friendships counted in both directions twice")] + [
    ("inner join of the two signals", dict(signals="INNER"), "ex_friend"),
]


@pytest.mark.parametrize("name,mistake,kwargs,picks",
                         [("medium", *t) for t in BEST_FRIEND_TRAPS] + [("edge", *t) for t in EDGE_TRAPS],
                         ids=[f"medium-{t[0]}" for t in BEST_FRIEND_TRAPS] + [f"edge-{t[0]}" for t in EDGE_TRAPS])
def test_new_best_friend_traps(request, name, mistake, kwargs, picks):
    ds = request.getfixturevalue(name)
    t = ds.truth["new_best_friend"]
    right = as_answer(rows(ds, best_friend_sql())[0])
    wrong = as_answer(rows(ds, best_friend_sql(**kwargs))[0])
    assert wrong != right, f"{mistake}: the wrong query gives the right answer {right}"
    if picks is not None:
        assert wrong["user_id"] == t[picks], f"{mistake}: picked {wrong}, truth says {picks}={t[picks]}"
    else:
        assert wrong["user_id"] in t["friends"], f"{mistake}: picked {wrong}, expected one of John's friends"


# --------------------------------------------------------------------------------------------
# second_highest_salary
# --------------------------------------------------------------------------------------------

ENG = "FROM salaries WHERE department = 'Engineering'"
SECOND_SALARY = f"SELECT max(salary) {ENG} AND salary < (SELECT max(salary) {ENG})"


def test_second_highest_salary(dataset):
    truth = dataset.truth
    got = rows(dataset, SECOND_SALARY)
    assert got == [(truth["second_highest_salary"],)]
    # the same with DENSE_RANK, returning one NULL row when there is no second value
    dense = rows(dataset, f"""SELECT (SELECT DISTINCT salary FROM (SELECT salary, dense_rank() OVER (ORDER BY salary DESC) r
                                       {ENG} AND salary IS NOT NULL) WHERE r = 2)""")
    assert dense == got


def test_salary_facts(dataset):
    truth = dataset.truth
    s = truth["salaries"]
    assert s["second_highest_engineering_salary"] == truth["second_highest_salary"]
    assert rows(dataset, "SELECT count(*) FROM salaries") == [(s["employees"],)]
    top, shared, nulls = rows(dataset, f"""SELECT max(salary), count(*) FILTER (WHERE salary = (SELECT max(salary) {ENG})),
                                                  count(*) FILTER (WHERE salary IS NULL) {ENG}""")[0]
    assert (top, shared, nulls) == (s["highest_engineering_salary"], s["engineering_top_shared_by"],
                                    s["engineering_null_salaries"])


SALARY_TRAPS = [
    ("OFFSET 1 without DISTINCT", f"SELECT (SELECT salary {ENG} ORDER BY salary DESC NULLS LAST LIMIT 1 OFFSET 1)"),
    ("DISTINCT, NULLS FIRST", f"SELECT (SELECT DISTINCT salary {ENG} ORDER BY salary DESC NULLS FIRST LIMIT 1 OFFSET 1)"),
    ("no department filter", "SELECT max(salary) FROM salaries WHERE salary < (SELECT max(salary) FROM salaries)"),
    ("department LIKE 'Engineering%'",
     "SELECT max(salary) FROM salaries WHERE department LIKE 'Engineering%' AND salary < "
     "(SELECT max(salary) FROM salaries WHERE department LIKE 'Engineering%')"),
]


@pytest.mark.parametrize("name", ["medium", "edge"])
@pytest.mark.parametrize("mistake,sql", SALARY_TRAPS, ids=[t[0] for t in SALARY_TRAPS])
def test_second_highest_salary_traps(request, name, mistake, sql):
    ds = request.getfixturevalue(name)
    right = rows(ds, SECOND_SALARY)[0][0]
    assert right == ds.truth["second_highest_salary"]
    wrong = rows(ds, sql)[0][0]
    assert wrong != right, f"{mistake}: gives the right answer {right}"


def test_second_highest_salary_nulls_first_gives_null(medium):
    """PostgreSQL's default for DESC is NULLS FIRST: the plain OFFSET query returns a NULL salary."""
    assert medium.truth["second_highest_salary"] is not None
    wrong = rows(medium, f"SELECT (SELECT salary {ENG} ORDER BY salary DESC NULLS FIRST LIMIT 1 OFFSET 1)")
    assert wrong == [(None,)]


def test_second_highest_salary_edge_needs_a_null_row(edge):
    """Edge: one distinct Engineering salary, so the answer is one NULL row, not an empty result."""
    assert edge.truth["second_highest_salary"] is None
    assert rows(edge, f"SELECT count(DISTINCT salary) {ENG}") == [(1,)]
    assert rows(edge, f"SELECT DISTINCT salary {ENG} AND salary IS NOT NULL ORDER BY salary DESC LIMIT 1 OFFSET 1") == []


# --------------------------------------------------------------------------------------------
# outage_day
# --------------------------------------------------------------------------------------------

def test_outage_day_is_empty(dataset):
    day = dataset.truth["outage_day"]
    assert rows(dataset, f"SELECT count(*) FROM sessions WHERE CAST(session_ts AS DATE) = DATE '{day}'") == [(0,)]


def test_outage_day_is_the_only_empty_day(medium):
    empty = rows(medium, """
        SELECT CAST(d AS DATE) FROM range(DATE '2025-01-01', DATE '2026-01-01', INTERVAL 1 DAY) t(d)
        WHERE CAST(d AS DATE) NOT IN (SELECT DISTINCT CAST(session_ts AS DATE) FROM sessions) ORDER BY 1""")
    assert [str(r[0]) for r in empty] == [medium.truth["outage_day"]]


# --------------------------------------------------------------------------------------------
# counts
# --------------------------------------------------------------------------------------------

EVENTS = """
    WITH ev AS (
        SELECT least(user_a, user_b) AS lo, greatest(user_a, user_b) AS hi, added_at AS ts, 'add' AS kind FROM friends_added
        UNION ALL
        SELECT least(user_a, user_b), greatest(user_a, user_b), removed_at, 'remove' FROM friends_removed),
    seq AS (SELECT *, lead(kind) OVER w AS next_kind, lead(ts) OVER w AS next_ts, lag(kind) OVER w AS prev_kind
            FROM ev WINDOW w AS (PARTITION BY lo, hi ORDER BY ts))
"""


def test_converted_members(dataset):
    got = rows(dataset, """SELECT count(DISTINCT s.user_id) FROM sessions s JOIN attribution a USING (session_id)
                           WHERE a.conversion""")[0][0]
    assert got == dataset.truth["counts"]["converted_members"]


def test_members_without_sessions(dataset):
    got = rows(dataset, "SELECT count(*) FROM users u ANTI JOIN sessions s USING (user_id)")[0][0]
    assert got == dataset.truth["counts"]["members_without_sessions"]


def test_friendship_spells(dataset):
    c = dataset.truth["counts"]
    spells, alternation_breaks, open_adds = rows(dataset, EVENTS + """
        SELECT count(*) FILTER (WHERE kind = 'add' AND next_kind = 'remove'),
               count(*) FILTER (WHERE kind = prev_kind OR (prev_kind IS NULL AND kind = 'remove')),
               count(*) FILTER (WHERE kind = 'add' AND next_kind IS NULL)
        FROM seq""")[0]
    assert alternation_breaks == 0
    assert spells == c["friendship_spells"] == c["completed_spells"]
    assert open_adds == c["current_friend_pairs"]
    # the wrong matching (each add with every later remove of the pair) counts more
    every_later = rows(dataset, """
        SELECT count(*) FROM friends_added a JOIN friends_removed r
          ON least(a.user_a, a.user_b) = least(r.user_a, r.user_b)
         AND greatest(a.user_a, a.user_b) = greatest(r.user_a, r.user_b) AND r.removed_at > a.added_at""")[0][0]
    assert every_later > spells


def test_current_friend_pairs(dataset):
    c = dataset.truth["counts"]
    n_rows = rows(dataset, "SELECT count(*) FROM friends")[0][0]
    assert n_rows == 2 * c["current_friend_pairs"] == 2 * c["current_pairs"]
    # and they are exactly the pairs whose last event is an add
    diff = rows(dataset, EVENTS + """
        , cur AS (SELECT lo, hi FROM seq WHERE kind = 'add' AND next_kind IS NULL),
        fr AS (SELECT user_id AS lo, friend_id AS hi FROM friends WHERE user_id < friend_id)
        SELECT (SELECT count(*) FROM (SELECT * FROM cur EXCEPT SELECT * FROM fr)),
               (SELECT count(*) FROM (SELECT * FROM fr EXCEPT SELECT * FROM cur))""")[0]
    assert diff == (0, 0)


# --------------------------------------------------------------------------------------------
# experiments: allocation and sample-ratio mismatch
# --------------------------------------------------------------------------------------------

def allocation(ds) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for exp, variant, n in rows(ds, "SELECT experiment_id, variant, count(*) FROM ab_tests GROUP BY ALL"):
        out.setdefault(exp, {})[variant] = n
    return out


def test_allocation_used(dataset):
    got = allocation(dataset)
    exps = dataset.truth["experiments"]
    assert set(got) == set(exps)
    for exp, t in exps.items():
        assert got[exp] == t["allocation_used"], exp
        assert set(got[exp]) == set(t["designed_split"]), exp
    communities = dict(rows(dataset, """SELECT variant, count(DISTINCT unit_id) FROM ab_tests
                                        WHERE experiment_id = 'close_friends' GROUP BY 1"""))
    assert communities == exps["close_friends"]["communities"]


def chi_square(counts: dict[str, int], split: dict[str, float]) -> float:
    n = sum(counts.values())
    return sum((counts.get(arm, 0) - n * p) ** 2 / (n * p) for arm, p in split.items())


# the designed splits of SPEC 1.2, independent of truth.json's own record of them
DESIGNED = {"free_trial_7d": {"control": 0.5, "trial": 0.5},
            "new_row_ranker": {"control": 0.8, "treatment": 0.2},
            "artwork_v2": {"control": 0.5, "treatment": 0.5},
            "close_friends": {"control": 0.5, "treatment": 0.5}}


@pytest.mark.parametrize("exp", ["free_trial_7d", "new_row_ranker", "artwork_v2"])
def test_srm(medium, exp):
    t = medium.truth["experiments"][exp]
    assert t["designed_split"] == DESIGNED[exp]
    chi2 = chi_square(allocation(medium)[exp], DESIGNED[exp])
    assert (chi2 > CHI2_P001) == t["bucketing_bug"], f"{exp}: chi-square {chi2:.3f}, bucketing_bug={t['bucketing_bug']}"
    assert t["bucketing_bug"] == (exp == "artwork_v2")


def test_member_level_chi_square_in_truth(dataset):
    """truth.json's member-level chi-square (what srm_check computes) matches the ab_tests counts."""
    alloc = allocation(dataset)
    for exp, split in DESIGNED.items():
        t = dataset.truth["experiments"][exp]
        chi2 = chi_square(alloc[exp], split)
        assert t["member_level_chi_square"] == pytest.approx(chi2, rel=1e-9)
        assert t["member_level_srm_flag"] == (chi2 > CHI2_P001)


def test_close_friends_has_no_srm_at_its_unit(medium):
    """Randomized by community: the community counts per arm show no mismatch (truth: no bucketing bug)."""
    t = medium.truth["experiments"]["close_friends"]
    units = dict(rows(medium, """SELECT variant, count(DISTINCT unit_id) FROM ab_tests
                                 WHERE experiment_id = 'close_friends' GROUP BY 1"""))
    assert not t["bucketing_bug"]
    assert chi_square(units, DESIGNED["close_friends"]) < CHI2_P001


# --------------------------------------------------------------------------------------------
# free_trial_7d conversion
# --------------------------------------------------------------------------------------------

def trial_counts(ds, control_rule: bool, trial_rule: bool, strict: bool = False) -> dict[str, dict[str, int]]:
    """Members and converted members per arm; `*_rule` applies the 7-day rule to that arm."""
    ok = "(s.cancel_dt IS NULL OR date_diff('day', s.sub_dt, s.cancel_dt) {} 7)".format(">" if strict else ">=")
    cond = {"control": ok if control_rule else "TRUE", "trial": ok if trial_rule else "TRUE"}
    got = rows(ds, f"""
        WITH a AS (SELECT user_id, variant, CAST(assigned_at AS DATE) AS day FROM ab_tests
                   WHERE experiment_id = 'free_trial_7d')
        SELECT a.variant, count(DISTINCT a.user_id),
               count(DISTINCT s.user_id) FILTER (WHERE (a.variant = 'control' AND {cond['control']})
                                                    OR (a.variant = 'trial' AND {cond['trial']})),
               count(DISTINCT s.user_id)
        FROM a LEFT JOIN subscriptions s ON s.user_id = a.user_id AND s.sub_dt >= a.day
        GROUP BY 1""")
    return {v: {"members": m, "converted": c, "subscribed_any": any_} for v, m, c, any_ in got}


def test_trial_conversion(dataset):
    assert trial_counts(dataset, control_rule=False, trial_rule=True) == \
        dataset.truth["experiments"]["free_trial_7d"]["converted"]


@pytest.mark.parametrize("mistake,kwargs", [
    ("7-day rule on both arms", dict(control_rule=True, trial_rule=True)),
    ("7-day rule on neither arm", dict(control_rule=False, trial_rule=False)),
    ("> 7 instead of >= 7", dict(control_rule=False, trial_rule=True, strict=True)),
])
def test_trial_conversion_traps(medium, mistake, kwargs):
    right = trial_counts(medium, control_rule=False, trial_rule=True)
    wrong = trial_counts(medium, **kwargs)
    assert wrong != right, f"{mistake}: gives the right counts {right}"


def test_edge_has_trial_cancellations_at_6_and_7_days(edge):
    got = dict(rows(edge, """
        SELECT date_diff('day', s.sub_dt, s.cancel_dt) AS d, count(*) FROM ab_tests a
        JOIN subscriptions s ON s.user_id = a.user_id AND s.sub_dt >= CAST(a.assigned_at AS DATE)
        WHERE a.experiment_id = 'free_trial_7d' AND a.variant = 'trial' AND d IN (6, 7) GROUP BY 1"""))
    assert got.get(6, 0) > 0 and got.get(7, 0) > 0, got


# --------------------------------------------------------------------------------------------
# new_row_ranker: Welch and CUPED
# --------------------------------------------------------------------------------------------

def ranker_minutes(ds) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(treated, y, x) per assigned member: y = minutes from assigned_at to the window end
    (truth's window; its end date is exclusive, i.e. up to 00:00 of that day), x = minutes in
    the 28 days before assigned_at. Members without sessions count as 0."""
    t = ds.truth["experiments"]["new_row_ranker"]
    end, pre = t["window"]["end_exclusive"], t["cuped_pre_days"]
    got = arrays(ds, f"""
        WITH a AS (SELECT user_id, variant, assigned_at FROM ab_tests WHERE experiment_id = 'new_row_ranker')
        SELECT a.variant = 'treatment' AS treated,
               coalesce(sum(s.watch_minutes) FILTER (WHERE s.session_ts >= a.assigned_at), 0) AS y,
               coalesce(sum(s.watch_minutes) FILTER (WHERE s.session_ts < a.assigned_at), 0) AS x
        FROM a LEFT JOIN sessions s ON s.user_id = a.user_id
             AND s.session_ts >= a.assigned_at - INTERVAL {int(pre)} DAY AND s.session_ts < TIMESTAMP '{end}'
        GROUP BY a.user_id, a.variant""")
    return got["treated"].astype(bool), got["y"].astype(float), got["x"].astype(float)


def test_new_row_ranker_welch(medium):
    t = medium.truth["experiments"]["new_row_ranker"]
    treated, y, _ = ranker_minutes(medium)
    assert {"control": int((~treated).sum()), "treatment": int(treated.sum())} == t["allocation_used"]
    diff, se = welch(y, treated)
    z = (diff - t["true_effect_minutes"]) / se
    assert abs(z) < Z95, f"diff {diff:.4f} vs true {t['true_effect_minutes']:.4f}: {z:.2f} SE"


def test_new_row_ranker_cuped(medium):
    t = medium.truth["experiments"]["new_row_ranker"]
    treated, y, x = ranker_minutes(medium)
    theta = np.cov(x, y, ddof=1)[0, 1] / x.var(ddof=1)
    y_adj = y - theta * (x - x.mean())
    reduction = 1 - y_adj.var(ddof=1) / y.var(ddof=1)
    assert reduction > 0, f"variance reduction {reduction:.4f}"
    diff, se = welch(y_adj, treated)
    _, se_raw = welch(y, treated)
    assert se < se_raw
    z = (diff - t["true_effect_minutes"]) / se
    assert abs(z) < Z95, f"CUPED diff {diff:.4f} vs true {t['true_effect_minutes']:.4f}: {z:.2f} SE"


# --------------------------------------------------------------------------------------------
# close_friends: cluster-level estimate
# --------------------------------------------------------------------------------------------

def _close_friends_window(ds) -> str:
    """The exclusive end of the close_friends window, as truth.json records it."""
    return ds.truth["experiments"]["close_friends"]["window"]["end_exclusive"]


def test_close_friends_cluster_effect(medium):
    t = medium.truth["experiments"]["close_friends"]
    end = _close_friends_window(medium)
    got = arrays(medium, f"""
        WITH a AS (SELECT user_id, variant, unit_id, assigned_at FROM ab_tests WHERE experiment_id = 'close_friends'),
        m AS (SELECT a.unit_id, a.variant, coalesce(sum(s.watch_minutes), 0) AS y
              FROM a LEFT JOIN sessions s ON s.user_id = a.user_id
                   AND s.session_ts >= a.assigned_at AND s.session_ts < TIMESTAMP '{end}'
              GROUP BY a.user_id, a.unit_id, a.variant)
        SELECT unit_id, any_value(variant) = 'treatment' AS treated, avg(y) AS unit_mean FROM m GROUP BY unit_id""")
    treated = got["treated"].astype(bool)
    assert {"control": int((~treated).sum()), "treatment": int(treated.sum())} == t["communities"]
    diff, se = welch(got["unit_mean"].astype(float), treated)
    expected = t["true_effect_minutes"] - t["spillover_in_control_minutes"]
    z = (diff - expected) / se
    assert abs(z) < Z95, f"cluster diff {diff:.4f} vs expected {expected:.4f}: {z:.2f} SE"


# --------------------------------------------------------------------------------------------
# email_redesign: difference in differences
# --------------------------------------------------------------------------------------------

def email_cells(ds) -> dict[tuple[str, bool], tuple[float, float]]:
    """(cohort, post) -> (pooled rate, its binomial variance)."""
    launch = ds.truth["email_redesign"]["launch_day"]
    out = {}
    for cohort, post, sends, conv in rows(ds, f"""
            SELECT cohort, day >= DATE '{launch}' AS post, sum(sends), sum(conversions)
            FROM email_daily GROUP BY ALL"""):
        p = conv / sends
        out[(cohort, post)] = (p, p * (1 - p) / sends)
    return out


def test_email_redesign_did(medium):
    t = medium.truth["email_redesign"]
    c = email_cells(medium)
    assert {k[0] for k in c} == set(t["cohorts"])
    did = (c["redesign", True][0] - c["redesign", False][0]) - (c["holdout", True][0] - c["holdout", False][0])
    se = math.sqrt(sum(v for _, v in c.values()))
    z = (did - t["true_lift"]) / se
    assert abs(z) < Z95, f"DiD {did:.5f} vs true {t['true_lift']}: {z:.2f} SE"
    # the head start before launch is as planted
    gap = c["redesign", False][0] - c["holdout", False][0]
    gap_se = math.sqrt(c["redesign", False][1] + c["holdout", False][1])
    assert abs(gap - t["pre_launch_gap"]) / gap_se < Z95, f"pre-launch gap {gap:.5f} vs {t['pre_launch_gap']}"


def test_email_redesign_naive_pre_post_is_biased(medium):
    t = medium.truth["email_redesign"]
    c = email_cells(medium)
    naive = c["redesign", True][0] - c["redesign", False][0]
    se = math.sqrt(c["redesign", True][1] + c["redesign", False][1])
    z = (naive - t["true_lift"]) / se
    assert abs(z) > Z95, f"treated-only pre/post {naive:.5f} is within {z:.2f} SE of the true lift {t['true_lift']}"
