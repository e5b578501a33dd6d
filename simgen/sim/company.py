"""The users table of a chunk, and the small global tables: pages, salaries, the email funnel.

Each global table is made once per dataset by a single task. The traps planted here:
* salaries: the top Engineering salary is shared (so the 2nd row is not the 2nd distinct
  value), Engineering has NULL salaries (PostgreSQL sorts NULLs first in DESC), Legal and
  'Engineering Management' pay more than Engineering (a missing or LIKE filter shows).
  The edge profile gives Engineering one distinct salary, so the answer is NULL.
* email_daily: the redesign cohort already converted better before launch, both cohorts
  drift upward over the year, and weekend days send less but convert more, so a pre/post
  or cohort-only comparison, or a mean of daily rates, gives a different number than the
  difference-in-differences of pooled rates.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .calendar import DAY0, day_of, weekday
from .billing import PLANS, latest_plan
from .members import COUNTRIES, DEVICES, TIMEZONES
from .plant import NAMES
from ..profile import Profile
from .rng import stream
from ..spec import DAYS
from . import vocab
from .writer import labels

if TYPE_CHECKING:
    from .context import ChunkContext, RunContext, Tables

CATEGORIES = np.array(["Movies", "TV Shows", "Documentaries", "Anime", "Comedy", "Drama", "Kids & Family",
                       "Music", "Sports", "Reality", "True Crime", "Sci-Fi"])

DEPARTMENTS = np.array(["Engineering", "Data Science", "Product", "Content", "Marketing", "Finance", "Legal",
                        "Engineering Management"])
DEPT_WEIGHTS = np.array([0.34, 0.10, 0.10, 0.16, 0.12, 0.08, 0.05, 0.05])
DEPT_BASE = np.array([150_000, 160_000, 155_000, 120_000, 110_000, 125_000, 170_000, 230_000])
LEVELS = {
    "Engineering": ["Software Engineer I", "Software Engineer II", "Senior Software Engineer",
                    "Staff Software Engineer", "Principal Software Engineer"],
    "Data Science": ["Data Scientist I", "Data Scientist II", "Senior Data Scientist", "Staff Data Scientist",
                     "Principal Data Scientist"],
    "Product": ["Associate Product Manager", "Product Manager", "Senior Product Manager", "Group Product Manager",
                "Director of Product"],
    "Content": ["Content Coordinator", "Content Specialist", "Content Manager", "Senior Content Manager",
                "Director of Content"],
    "Marketing": ["Marketing Coordinator", "Marketing Manager", "Senior Marketing Manager", "Marketing Director",
                  "VP Marketing"],
    "Finance": ["Financial Analyst", "Senior Financial Analyst", "Finance Manager", "Controller", "VP Finance"],
    "Legal": ["Paralegal", "Counsel", "Senior Counsel", "Associate General Counsel", "General Counsel"],
    "Engineering Management": ["Engineering Manager", "Senior Engineering Manager", "Director of Engineering",
                               "Senior Director of Engineering", "VP Engineering"],
}
LEVEL_MULT = np.array([0.7, 0.9, 1.15, 1.45, 1.9])
LEVEL_WEIGHTS = np.array([0.25, 0.32, 0.25, 0.12, 0.06])

COHORTS = ("holdout", "redesign")
EMAIL_LIFT = 0.006  # planted lift in conversion rate from the launch day on
EMAIL_PRE_GAP = 0.004  # the redesign cohort's head start before launch (not an effect)


def pages(ctx: RunContext) -> Tables:
    seed, n_pages = ctx.seed, ctx.cfg.n_pages
    v = vocab.load()
    rng = stream(seed, "pages", "name")
    words, nouns = np.array(v["page_words"]), np.array(v["page_nouns"])
    name = pc.binary_join_element_wise(pa.array(words).take(pa.array(rng.integers(0, words.size, n_pages))),
                                       pa.array(nouns).take(pa.array(rng.integers(0, nouns.size, n_pages))), " ")
    cat = CATEGORIES[stream(seed, "pages", "category").integers(0, CATEGORIES.size, n_pages)]
    return {"pages": {"page_id": np.arange(1, n_pages + 1, dtype=np.int64), "name": name, "category": cat}}


def employee_count(profile: Profile, n_users: int) -> int:
    return int(np.clip(round(n_users * profile.employees_per_member), profile.min_employees, profile.max_employees))


def salaries(ctx: RunContext) -> Tables:
    """The salaries table; its planted truth goes to ctx.stats["salaries"]."""
    seed, profile, n_users = ctx.seed, ctx.profile, ctx.users
    n = employee_count(profile, n_users)
    rng = stream(seed, "salaries", "body")
    dept = rng.choice(DEPARTMENTS.size, n, p=DEPT_WEIGHTS)
    level = rng.choice(LEVEL_MULT.size, n, p=LEVEL_WEIGHTS)
    raw = DEPT_BASE[dept] * LEVEL_MULT[level] * rng.lognormal(0, 0.12, n)
    salary = (np.round(raw / 500) * 500).astype(np.int64)
    title = np.array([LEVELS[DEPARTMENTS[d]][lv] for d, lv in zip(dept, level)], dtype=object)
    null = rng.random(n) < 0.02

    eng = np.flatnonzero(DEPARTMENTS[dept] == "Engineering")
    top_eng = int(salary[eng].max())
    top, second = top_eng + 20_000, top_eng + 10_000
    # The planted top of Engineering: two share the top, two share the second, and a NULL above them
    # in PostgreSQL's DESC order. Legal and Engineering Management pay more still.
    pick = eng[np.argsort(-salary[eng], kind="stable")[:5]]
    salary[pick[:2]], salary[pick[2:4]] = top, second
    null[pick[:4]] = False
    null[pick[4]] = True
    for d, bump in (("Legal", 60_000), ("Engineering Management", 40_000)):
        idx = np.flatnonzero(DEPARTMENTS[dept] == d)
        if idx.size:
            salary[idx[0]] = top + bump
            null[idx[0]] = False
            level[idx[0]] = 4
            title[idx[0]] = LEVELS[d][4]
    if profile.single_engineering_salary:
        salary[eng] = top
        null[eng] = False
        null[eng[-2:]] = True
    truth_second = None if profile.single_engineering_salary else second

    v = vocab.names(("US",))
    name = pc.binary_join_element_wise(v.first.take(pa.array(rng.integers(0, len(v.first), n))),
                                       v.last.take(pa.array(rng.integers(0, len(v.last), n))), " ")
    hired = day_of(date(2008, 1, 1)) + rng.integers(0, DAY0 + DAYS - day_of(date(2008, 1, 1)), n)
    table = {
        "employee_id": np.arange(1, n + 1, dtype=np.int64), "name": name, "department": DEPARTMENTS[dept],
        "title": title, "salary": np.ma.masked_array(salary, mask=null), "hired_on": hired.astype(np.int32),
    }
    is_eng = DEPARTMENTS[dept] == "Engineering"
    ctx.stats["salaries"] = {"employees": n, "second_highest_engineering_salary": truth_second,
             "highest_engineering_salary": top,
             "engineering_top_shared_by": int((is_eng & ~null & (salary == top)).sum()),
             "engineering_null_salaries": int((null & (DEPARTMENTS[dept] == "Engineering")).sum())}
    return {"salaries": table}


# The redesign launch is a product decision, not noise: the same day for every seed, so the
# challenge prompt can state it.
LAUNCH_DAY = date(2025, 9, 26)


def launch_day(seed: int) -> int:
    return day_of(LAUNCH_DAY)


def email_daily(ctx: RunContext) -> Tables:
    """The email funnel; the planted launch and lift go to ctx.stats["email"]."""
    seed, profile, n_users = ctx.seed, ctx.profile, ctx.users
    rng = stream(seed, "email_daily", "body")
    launch = launch_day(seed)
    days = DAY0 + np.arange(DAYS)
    weekend = weekday(days) >= 5
    base = max(profile.min_email_sends, n_users * profile.email_sends_per_member)
    t = np.arange(DAYS) / DAYS
    cols: dict[str, list] = {"day": [], "cohort": [], "sends": [], "conversions": []}
    for cohort in COHORTS:
        volume = base * np.where(weekend, 0.45, 1.0) * rng.lognormal(0, 0.15, DAYS)
        sends = rng.poisson(volume)
        rate = 0.028 + 0.01 * t + np.where(weekend, 0.006, 0.0)
        if cohort == "redesign":
            rate = rate + EMAIL_PRE_GAP + np.where(days >= launch, EMAIL_LIFT, 0.0)
        conv = rng.binomial(sends, rate)
        cols["day"].append(days)
        cols["cohort"].append(np.full(DAYS, cohort, dtype=object))
        cols["sends"].append(sends)
        cols["conversions"].append(conv)
    table = {k: np.concatenate(v) for k, v in cols.items()}
    order = np.lexsort((table["cohort"].astype(str), table["day"]))
    table = {k: v[order] for k, v in table.items()}
    ctx.stats["email"] = {"launch_day": launch, "true_lift": EMAIL_LIFT, "pre_launch_gap": EMAIL_PRE_GAP,
                          "cohorts": list(COHORTS)}
    return {"email_daily": table}


def user_names(seed: int, chunk: int, country: np.ndarray, user_ids: np.ndarray,
               domains: tuple[str, ...]) -> tuple[pa.Array, pa.Array]:
    """(name, email) per member from their country's vocabulary; the id keeps emails unique."""
    v = vocab.names(tuple(str(c) for c in COUNTRIES))
    rng = stream(seed, "users", "name", chunk)
    i = v.first_offset[country] + (rng.random(country.size) * v.first_size[country]).astype(np.int64)
    j = v.last_offset[country] + (rng.random(country.size) * v.last_size[country]).astype(np.int64)
    dom = pa.array(domains).take(pa.array(rng.integers(0, len(domains), country.size)))
    name = pc.binary_join_element_wise(v.first.take(pa.array(i)), v.last.take(pa.array(j)), " ")
    local = pc.binary_join_element_wise(v.first_slug.take(pa.array(i)), v.last_slug.take(pa.array(j)), ".")
    email = pc.binary_join_element_wise(local, pc.cast(pa.array(user_ids), pa.string()), "")
    email = pc.binary_join_element_wise(email, dom, "@")
    return name, email


def users(ctx: ChunkContext) -> Tables:
    """users of a chunk: the member frame's attributes, names and emails; the planted names in the block."""
    m, b = ctx.members, ctx.block
    name, email = user_names(ctx.seed, m.chunk, m.country, m.ids, tuple(vocab.load()["email_domains"]))
    if b.start >= m.ids[0] and b.start <= m.ids[-1]:
        name = name.to_numpy(zero_copy_only=False).astype(object)
        for offset, planted in NAMES.items():
            name[b.start + offset - m.ids[0]] = planted
    return {"users": {"user_id": m.ids, "name": name, "email": email, "country": labels(COUNTRIES, m.country),
                      "signup_date": m.signup, "plan": labels(PLANS, latest_plan(m.spells, m.plan_pref)),
                      "device": labels(DEVICES, m.device), "birth_year": m.birth_year,
                      "timezone": labels(TIMEZONES, m.timezone)}}
