"""Does the default-size dataset look like a real streaming service? Sanity thresholds, each
justified by what real product data shows, computed with DuckDB on the `medium` dataset
(100,000 members, the default of `make run`)."""

from __future__ import annotations


def one(ds, sql: str) -> tuple:
    return ds.connect().execute(sql).fetchone()


def test_activity_is_concentrated(medium):
    """Usage is heavy-tailed: in real products the top 1% of users produce many times their
    share of activity. A uniform-ish spread would give ~1%; we require > 5%."""
    share, top, median = one(medium, """
        WITH c AS (SELECT user_id, count(*) AS n FROM sessions GROUP BY 1),
        u AS (SELECT coalesce(c.n, 0) AS n FROM users LEFT JOIN c USING (user_id)),
        r AS (SELECT n, row_number() OVER (ORDER BY n DESC) AS rn, count(*) OVER () AS members FROM u)
        SELECT sum(n) FILTER (WHERE rn <= members / 100) / sum(n), max(n), median(n) FROM r""")
    assert share > 0.05, f"top 1% of members hold {share:.2%} of sessions"
    assert top > 10 * median, f"max sessions {top}, median {median}"


def test_friend_graph_is_clustered(medium):
    """Friends of friends are friends (triadic closure): real social graphs have global clustering
    of 0.1-0.5, while a random graph with the same nodes and edges has clustering equal to its
    edge density (~1e-4 here). We require > 20x the density and > 0.05 in absolute terms.
    Measured on the wedges centred at a 2% hash sample of members (an unbiased estimate of
    transitivity = closed wedges / wedges)."""
    clustering, edges, nodes = one(medium, """
        WITH s AS (SELECT user_id AS v FROM users WHERE hash(user_id) % 50 = 0),
        nb AS (SELECT f.user_id AS v, f.friend_id AS w FROM friends f JOIN s ON f.user_id = s.v),
        deg AS (SELECT v, count(*) AS d FROM nb GROUP BY v),
        closed AS (SELECT count(*) AS c FROM nb a JOIN nb b ON a.v = b.v AND a.w < b.w
                   JOIN friends e ON e.user_id = a.w AND e.friend_id = b.w)
        SELECT (SELECT c FROM closed) / (SELECT sum(d * (d - 1) / 2) FROM deg),
               (SELECT count(*) FROM friends) / 2,
               (SELECT count(DISTINCT user_id) FROM friends)""")
    density = edges / (nodes * (nodes - 1) / 2)
    assert clustering > 20 * density, f"clustering {clustering:.4f}, random-graph density {density:.2e}"
    assert clustering > 0.05, f"clustering {clustering:.4f}"


def test_degree_is_heavy_tailed(medium):
    """A few members have very many friends. With mean degree ~10, a Poisson (random) graph of
    100k nodes has max degree ~ 2.7x its median; real networks have hubs far beyond that:
    we require max >= 5x median and p99 >= 2x median."""
    top, median, p99 = one(medium, """
        WITH d AS (SELECT user_id, count(*) AS deg FROM friends GROUP BY 1)
        SELECT max(deg), median(deg), quantile_cont(deg, 0.99) FROM d""")
    assert top >= 5 * median, f"max degree {top}, median {median}"
    assert p99 >= 2 * median, f"p99 degree {p99}, median {median}"


def test_diurnal_cycle(medium):
    """Viewing peaks in the evening and nearly stops at night: the busiest hour of a real
    streaming service sees several times the traffic of the quietest. We require > 2x."""
    busiest, quietest = one(medium, """
        WITH h AS (SELECT hour(session_ts) AS h, count(*) AS n FROM sessions GROUP BY 1)
        SELECT max(n), min(n) FROM h""")
    assert busiest > 2 * quietest, f"busiest hour {busiest}, quietest {quietest}"


def test_weekly_cycle(medium):
    """People watch more at weekends: the mean sessions per Saturday/Sunday exceed the mean
    per weekday (averaged over all of 2025, the outage day excluded by having no rows)."""
    weekend, weekday = one(medium, """
        WITH d AS (SELECT CAST(session_ts AS DATE) AS day, count(*) AS n FROM sessions GROUP BY 1)
        SELECT avg(n) FILTER (WHERE isodow(day) >= 6), avg(n) FILTER (WHERE isodow(day) < 6) FROM d""")
    assert weekend > weekday, f"weekend {weekend:.0f} vs weekday {weekday:.0f} sessions per day"


def test_signups_grow(medium):
    """A growing service: more members join in Q4 2025 than in Q1 2025."""
    q1, q4 = one(medium, """
        SELECT count(*) FILTER (WHERE quarter(signup_date) = 1), count(*) FILTER (WHERE quarter(signup_date) = 4)
        FROM users WHERE year(signup_date) = 2025""")
    assert q4 > q1, f"Q1 {q1}, Q4 {q4}"


def test_country_mix(medium):
    """Members come from many countries, with the US by far the largest market (for a US
    streaming service the home market is several times the next one). We require the US to be
    the largest, at least twice the second country, and at least 10 countries in all."""
    got = medium.connect().execute("SELECT country, count(*) FROM users GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()
    assert got[0][0] == "US", got[:3]
    assert got[0][1] >= 2 * got[1][1], got[:3]
    assert len(got) >= 10, len(got)


def _zones_of_countries() -> dict[str, set[str]]:
    """The tz database's own country -> zone table (tzdata's zone.tab, not simgen's list)."""
    table: dict[str, set[str]] = {}
    for line in open("/usr/share/zoneinfo/zone.tab", encoding="utf-8"):
        if line.strip() and not line.startswith("#"):
            code, _, zone = line.split("\t")[:3]
            table.setdefault(code, set()).add(zone.strip())
    return table


def test_every_member_has_a_time_zone_of_their_country(medium):
    pairs = medium.connect().execute(
        "SELECT country, timezone, count(*) FROM users GROUP BY ALL").fetchall()
    known = _zones_of_countries()
    assert all(zone is not None for _, zone, _ in pairs)
    wrong = [(country, zone) for country, zone, _ in pairs if zone not in known.get(country, set())]
    assert not wrong, f"zones the tz database does not place in their country: {wrong}"
    us = {zone: n for country, zone, n in pairs if country == "US"}
    assert len(us) >= 4 and max(us, key=us.get) == "America/New_York"  # the Eastern zone holds the most people
    assert us["America/Chicago"] > us["America/Los_Angeles"] > us["America/Denver"]


def test_page_popularity_is_zipf_like(medium):
    """A few pages get most of the likes (Zipf): the top 1% of pages hold > 10% of likes,
    where a uniform popularity would give them 1%."""
    share = one(medium, """
        WITH p AS (SELECT pg.page_id, count(pl.user_id) AS n FROM pages pg LEFT JOIN page_likes pl USING (page_id) GROUP BY 1),
        r AS (SELECT n, row_number() OVER (ORDER BY n DESC) AS rn, count(*) OVER () AS n_pages FROM p)
        SELECT sum(n) FILTER (WHERE rn <= ceil(n_pages / 100)) / sum(n) FROM r""")[0]
    assert share > 0.10, f"top 1% of pages hold {share:.2%} of likes"


HOMOPHILY = """
    WITH n_users AS (SELECT count(*) AS n FROM users),
    friend_pairs AS (SELECT 'friend' AS kind, user_id AS a, friend_id AS b FROM friends
                     WHERE user_id < friend_id AND hash(user_id, friend_id) % 20 = 0),
    random_pairs AS (SELECT 'random' AS kind, user_id AS a, hash(user_id, 'pair') % (SELECT n FROM n_users) + 1 AS b
                     FROM users WHERE hash(user_id) % 4 = 0),
    pairs AS (SELECT * FROM friend_pairs UNION ALL SELECT * FROM random_pairs WHERE a <> b),
    shared AS (SELECT p.kind, p.a, p.b, count(y.page_id) AS s FROM pairs p
               LEFT JOIN page_likes x ON x.user_id = p.a
               LEFT JOIN page_likes y ON y.user_id = p.b AND y.page_id = x.page_id
               GROUP BY ALL)
    SELECT avg(s) FILTER (WHERE kind = 'friend'), avg(s) FILTER (WHERE kind = 'random'),
           avg((s > 0)::INT) FILTER (WHERE kind = 'friend'), avg((s > 0)::INT) FILTER (WHERE kind = 'random')
    FROM shared"""


def test_homophily(medium):
    """Friends share tastes: friend pairs have far more liked pages in common than random pairs
    of members (homophily is one of the most robust findings about social networks, and the
    premise of page_recommendations). We require friend pairs to share on average at least
    twice as many liked pages as random pairs (a 5% sample of friendships vs 25,000 random pairs)."""
    friend_mean, random_mean, friend_any, random_any = one(medium, HOMOPHILY)
    assert friend_mean >= 2 * random_mean, (
        f"shared liked pages: friends {friend_mean:.3f}, random pairs {random_mean:.3f} "
        f"(share with any page in common: {friend_any:.3f} vs {random_any:.3f})")


def test_first_touch_differs_from_converting_channel(medium):
    """Multi-touch journeys: members are often acquired through one channel and convert
    through another, which is what makes first-touch attribution a question at all. We require
    the first session's channel to differ from the (first) converting session's channel for
    more than 30% of converted members."""
    share, converted = one(medium, """
        WITH s AS (SELECT s.user_id, s.session_ts, a.channel, a.conversion
                   FROM sessions s JOIN attribution a USING (session_id)),
        first_touch AS (SELECT user_id, arg_min(channel, session_ts) AS ch FROM s GROUP BY 1),
        converting AS (SELECT user_id, arg_min(channel, session_ts) AS ch FROM s WHERE conversion GROUP BY 1)
        SELECT avg((f.ch <> c.ch)::INT), count(*) FROM converting c JOIN first_touch f USING (user_id)""")
    assert converted > 0
    assert share > 0.30, f"first-touch channel differs from the converting channel for {share:.2%} of {converted} members"
