"""`simgen report DATASET`: the first checks a streaming data scientist runs, each beside its
published anchor, on one self-contained HTML page.

    figures = measure(Dataset.open("data/default"))   # [Figure], each with value, anchor, band
    Path("report.html").write_text(render(figures, ds))

Every figure is computed from the dataset's tables (DuckDB over its Parquet files, local time
through each member's `users.timezone`), never from the generator's own parameters, so the page
tells what a person analysing the data would find. A figure with a band says whether it falls in
it; the bands are where the published anchor puts a real service (the README lists them). A
figure outside its band is reported, not hidden: that is what the page is for.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb

from simgen.dataset import Dataset

PEAK_HOURS = range(19, 23)  # 19:00-22:59 local: the evening peak of every published diurnal curve


@dataclass
class Figure:
    key: str
    title: str
    value: float
    unit: str  # "share" (shown as %), "hours", "count", "usd"
    anchor: str
    source: str
    band: tuple[float, float] | None = None
    chart: list[tuple[str, float]] = field(default_factory=list)  # (label, value) bars, where a picture helps

    @property
    def within(self) -> bool | None:
        return None if self.band is None else self.band[0] <= self.value <= self.band[1]

    def shown(self, value: float | None = None) -> str:
        v = self.value if value is None else value
        return {"share": f"{v:.1%}", "usd": f"${v:,.2f}", "count": f"{v:,.0f}"}.get(self.unit, f"{v:,.2f}")


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> float:
    value = con.execute(sql).fetchone()[0]
    return float(value) if value is not None else float("nan")


# ---------------------------------------------------------------- the figures
@dataclass(frozen=True)
class Simple:
    """A figure that is one number from one query, declared as data."""

    key: str
    title: str
    sql: str
    unit: str
    anchor: str
    source: str
    band: tuple[float, float] | None = None

    def __call__(self, con: duckdb.DuckDBPyConnection) -> Figure:
        return Figure(self.key, self.title, _one(con, self.sql), self.unit, self.anchor, self.source, self.band)


_FRIEND_PAIRS = "FROM friends f JOIN users a ON a.user_id = f.user_id JOIN users b ON b.user_id = f.friend_id"
UGANDER = "Ugander et al., The Anatomy of the Facebook Social Graph, 2011"
SIMPLE = (
    Simple("viewing_outside_membership", "Sessions outside any subscription or trial", """
        SELECT avg(CASE WHEN covered THEN 0 ELSE 1 END) FROM (
          SELECT s.session_id, bool_or(p.user_id IS NOT NULL) AS covered
          FROM sessions s LEFT JOIN subscriptions p ON p.user_id = s.user_id
           AND s.session_ts::DATE >= p.sub_dt AND (p.cancel_dt IS NULL OR s.session_ts::DATE < p.cancel_dt)
          GROUP BY s.session_id)""", "share",
           "streaming needs a paid membership: viewing happens inside one", "Netflix terms of use", (0.0, 0.05)),
    Simple("streaming_without_membership", "Members who stream but never subscribe", """
        SELECT avg(CASE WHEN p.user_id IS NULL THEN 1 ELSE 0 END) FROM (SELECT DISTINCT user_id FROM sessions) s
        LEFT JOIN (SELECT DISTINCT user_id FROM subscriptions) p USING (user_id)""", "share",
           "no membership, no streaming", "Netflix terms of use", (0.0, 0.05)),
    Simple("comebacks", "Cancellations followed by a new membership within 6 months", """
        SELECT avg(CASE WHEN EXISTS (SELECT 1 FROM subscriptions n WHERE n.user_id = c.user_id
                                     AND n.sub_dt >= c.cancel_dt AND n.sub_dt < c.cancel_dt + 183) THEN 1 ELSE 0 END)
        FROM subscriptions c WHERE c.cancel_dt IS NOT NULL AND c.cancel_dt <= DATE '2025-07-01'""", "share",
           "about half of those who cancel come back within 6 months", "Antenna, 2024", (0.3, 0.7)),
    Simple("base_before_2025", "Members who joined before 2025",
           "SELECT avg(CASE WHEN signup_date < DATE '2025-01-01' THEN 1 ELSE 0 END) FROM users", "share",
           "paid memberships grew about 16% in 2024: most of a year's members joined before it",
           "Netflix shareholder letter, Q4 2024", (0.75, 0.92)),
    Simple("us_standard_price", "US standard plan, monthly price of 2025 sign-ups", """
        SELECT mode(monthly_price) FROM subscriptions p JOIN users u USING (user_id)
        WHERE u.country = 'US' AND p.plan = 'standard' AND p.sub_dt >= DATE '2025-02-01'""", "usd",
           "$17.99 (with ads $7.99, premium $24.99) in the US since January 2025",
           "Netflix price change, January 2025", (17.49, 18.49)),
    Simple("tv_share", "Sessions watched on a TV", "SELECT avg(CASE WHEN device = 'tv' THEN 1 ELSE 0 END) FROM sessions",
           "share", "about 70% of Netflix viewing is on TVs", "Netflix, 2023", (0.6, 0.8)),
    Simple("same_country_friends", "Friendships within one country",
           f"SELECT avg(CASE WHEN a.country = b.country THEN 1 ELSE 0 END) {_FRIEND_PAIRS}", "share",
           "about 84% of Facebook friendships are within one country", UGANDER, (0.7, 0.95)),
    Simple("age_homophily", "Correlation of friends' birth years", f"SELECT corr(a.birth_year, b.birth_year) {_FRIEND_PAIRS}",
           "ratio", "strong age homophily: friends are mostly of an age", UGANDER, (0.3, 1.0)),
    Simple("friends_nearby_ids", "Friendships between members fewer than 200 ids apart",
           "SELECT avg(CASE WHEN abs(user_id - friend_id) <= 200 THEN 1 ELSE 0 END) FROM friends", "share",
           "member ids follow signup order; friends are not people who signed up the same hour",
           "Backstrom et al., Four Degrees of Separation, 2012 (a small world)", (0.0, 0.2)),
    Simple("niche_pages", "Pages with under a tenth of the mean number of likes", """
        WITH likes AS (SELECT p.page_id, count(l.user_id) AS n FROM pages p LEFT JOIN page_likes l USING (page_id) GROUP BY 1)
        SELECT avg(CASE WHEN n < (SELECT avg(n) / 10 FROM likes) THEN 1 ELSE 0 END) FROM likes""", "share",
           "a long tail: most pages have few fans", "Anderson, The Long Tail, 2006", (0.5, 1.0)),
)


def monthly_churn(con) -> Figure:
    rows = con.execute("""
        WITH months AS (SELECT range::DATE AS m FROM range(DATE '2025-02-01', DATE '2026-01-01', INTERVAL 1 MONTH)),
        t AS (SELECT m, (SELECT count(*) FROM subscriptions WHERE sub_dt < m AND (cancel_dt IS NULL OR cancel_dt >= m)) AS active,
                        (SELECT count(*) FROM subscriptions WHERE cancel_dt >= m AND cancel_dt < m + INTERVAL 1 MONTH) AS cancelled
              FROM months)
        SELECT strftime(m, '%b'), cancelled / nullif(active, 0) FROM t ORDER BY m""").fetchall()
    rates = [r for _, r in rows if r is not None]
    return Figure("monthly_churn", "Monthly churn (cancellations / memberships active at the month's start)",
                  sum(rates) / len(rates) if rates else float("nan"), "share",
                  "about 2-3% a month for Netflix in the US; 3.3% after a price rise", "Antenna, 2023-2025",
                  (0.015, 0.045), [(m, float(r or 0)) for m, r in rows])


def comebacks(con) -> Figure:
    share = _one(con, """
        SELECT avg(CASE WHEN EXISTS (SELECT 1 FROM subscriptions n WHERE n.user_id = c.user_id
                                     AND n.sub_dt >= c.cancel_dt AND n.sub_dt < c.cancel_dt + 183) THEN 1 ELSE 0 END)
        FROM subscriptions c WHERE c.cancel_dt IS NOT NULL AND c.cancel_dt <= DATE '2025-07-01'""")
    return Figure("comebacks", "Cancellations followed by a new membership within 6 months", share, "share",
                  "about half of those who cancel come back within 6 months", "Antenna, 2024", (0.3, 0.7))


def local_evening_peak(con) -> Figure:
    rows = con.execute(f"""
        WITH local AS (
          SELECT u.country, hour(timezone(u.timezone, s.session_ts AT TIME ZONE 'UTC')) AS h
          FROM sessions s JOIN users u USING (user_id)),
        counts AS (SELECT country, h, count(*) AS n FROM local GROUP BY ALL),
        ranked AS (SELECT country, h, row_number() OVER (PARTITION BY country ORDER BY n DESC, h) AS r FROM counts)
        SELECT country, h FROM ranked WHERE r = 1 ORDER BY country""").fetchall()
    in_peak = sum(h in PEAK_HOURS for _, h in rows)
    return Figure("local_evening_peak", "Countries whose viewing peaks at 19:00-22:59 local time",
                  in_peak / len(rows) if rows else float("nan"), "share",
                  "an evening peak between 20:00 and 22:00 local time in every country",
                  "Netflix, Nielsen diurnal viewing curves", (0.9, 1.0), [(c, float(h)) for c, h in rows])


def max_degree(con) -> Figure:
    rows = con.execute("""
        SELECT n, count(*) FROM (SELECT user_id, count(*) AS n FROM friends GROUP BY 1) GROUP BY 1 ORDER BY 1""").fetchall()
    top = max((n for n, _ in rows), default=0)
    return Figure("max_degree", "Largest number of friends of one member", float(top), "count",
                  "a heavy tail: hundreds to thousands of friends at the top of a large network",
                  "Ugander et al., 2011", None, [(str(n), float(c)) for n, c in rows][-40:])


MEASURES: tuple[Callable[[duckdb.DuckDBPyConnection], Figure], ...] = (*SIMPLE, monthly_churn, local_evening_peak,
                                                                  max_degree)


def srm(con: duckdb.DuckDBPyConnection, truth: dict) -> Figure:
    """Experiments whose member-level chi-square lies between 3.841 (p = 0.05) and 10.828
    (p = 0.001): the SRM trap needs one, or a check at the wrong threshold gives the right answer."""
    between, bars = 0, []
    for name, design in sorted(truth.get("experiments", {}).items()):
        split = design.get("designed_split")
        if not isinstance(split, dict) or "communities" in design:
            continue  # randomized by community: a member-level chi-square is no bucketing check there
        counts = dict(con.execute("SELECT variant, count(*) FROM ab_tests WHERE experiment_id = ? GROUP BY 1",
                                  [name]).fetchall())
        total = sum(counts.values())
        if not total:
            continue
        chi = sum((counts.get(v, 0) - total * p) ** 2 / (total * p) for v, p in split.items() if p > 0)
        between += 3.841 < chi < 10.828
        bars.append((name, chi))
    return Figure("srm_between_thresholds", "Experiments with a chi-square between 3.841 and 10.828",
                  float(between), "count", "at least one: a check at p < 0.05 instead of p < 0.001 must flag it",
                  "Kohavi et al., Trustworthy Online Controlled Experiments, 2020 (SRM at p < 0.001)",
                  (1.0, float("inf")), bars)


def _guarded(m: Callable[[duckdb.DuckDBPyConnection], Figure], con: duckdb.DuckDBPyConnection) -> Figure:
    """A figure the dataset cannot give (one from an older simgen lacks users.timezone) is shown
    as such, and the others are still measured."""
    try:
        return m(con)
    except duckdb.Error as error:
        reason = str(error).splitlines()[0]
        key = getattr(m, "key", None) or m.__name__
        return Figure(key, key.replace("_", " "), float("nan"), "count",
                      "could not be measured on this dataset", reason)


def measure(ds: Dataset) -> list[Figure]:
    import json

    con = ds.connect()
    figures = [_guarded(m, con) for m in MEASURES]
    truth = json.loads((ds.root / "truth.json").read_text(encoding="utf-8")) if ds.truth else {}
    figures.append(srm(con, truth))
    return figures


# ---------------------------------------------------------------- the page
_STYLE = """body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:64em;color:#222}
table{border-collapse:collapse}td,th{padding:.3em .6em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
.in{color:#1a7f37}.out{color:#b42318;font-weight:600}.src{color:#666;font-size:12px}svg{display:block;margin:.3em 0}"""


def _bars(chart: list[tuple[str, float]], width: int = 560, height: int = 90) -> str:
    if not chart:
        return ""
    top = max((v for _, v in chart), default=0) or 1
    step = width / len(chart)
    bars = "".join(f'<rect x="{i * step:.1f}" y="{height - 14 - v / top * (height - 20):.1f}" width="{max(step - 2, 1):.1f}" '
                   f'height="{v / top * (height - 20):.1f}" fill="#4a6fa5"><title>{html.escape(str(k))}: {v:,.3g}</title></rect>'
                   for i, (k, v) in enumerate(chart))
    labels = "".join(f'<text x="{i * step + step / 2:.1f}" y="{height - 2}" font-size="9" text-anchor="middle">'
                     f"{html.escape(str(k))[:6]}</text>" for i, (k, _) in enumerate(chart) if len(chart) <= 24)
    return f'<svg width="{width}" height="{height}" role="img">{bars}{labels}</svg>'


def render(figures: list[Figure], ds: Dataset) -> str:
    rows = []
    for f in figures:
        verdict = "" if f.within is None else ('<span class="in">within</span>' if f.within else '<span class="out">outside</span>')
        band = "" if f.band is None else f"{f.shown(f.band[0])} to {f.shown(f.band[1]) if f.band[1] != float('inf') else 'more'}"
        rows.append(f"<tr><td><b>{html.escape(f.title)}</b>{_bars(f.chart)}</td><td>{html.escape(f.shown())}</td>"
                    f"<td>{html.escape(band)} {verdict}</td><td>{html.escape(f.anchor)}"
                    f'<div class="src">{html.escape(f.source)}</div></td></tr>')
    outside = sum(f.within is False for f in figures)
    head = (f"<h1>simgen realism report</h1><p>{html.escape(str(ds.root))}: {ds.users or 0:,} members, seed {ds.seed}, "
            f"profile {html.escape(str(ds.profile))}. {outside} of {sum(f.band is not None for f in figures)} figures "
            "with a band fall outside it.</p>")
    return (f"<!doctype html><html lang=en><meta charset=utf-8><title>simgen realism report</title><style>{_STYLE}</style>"
            f"{head}<table><tr><th>figure</th><th>this dataset</th><th>band</th><th>published anchor</th></tr>"
            f"{''.join(rows)}</table></html>\n")
