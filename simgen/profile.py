"""Profiles: the volume and behaviour knobs of a dataset, as data.

`default` is the realistic dataset; `edge` is a few thousand rows that pack every trap
(see docs/traps.md). A profile is part of a dataset's identity and is written to its manifest.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .errors import UsageError

MIN_USERS = 100  # the smallest dataset: John's planted neighbourhood and a few communities


@dataclass(frozen=True)
class Profile:
    name: str
    default_users: int
    # members
    pre2025_fraction: float = 0.35  # members who signed up before the window
    signup_growth: float = 1.6  # signups per day on Dec 31 vs Jan 1 (growth over the year)
    empty_signup_months: tuple[int, ...] = ()  # 2025 months with no signups at all
    # activity
    sessions_per_member: float = 11.0
    activity_sigma: float = 1.15  # lognormal spread of member activity (heavy tail)
    # social graph
    community_size_mean: float = 28.0
    intra_stubs_mean: float = 7.6  # friendship proposals per member inside its community
    bridges_per_member: float = 0.45  # friendships proposed to anyone, anywhere
    cycle_probs: tuple[float, ...] = (0.80, 0.14, 0.06)  # P(pair has 1, 2, 3 friendship spells)
    current_prob: float = 0.86  # P(a pair's last event is an add)
    likes_per_member: float = 11.0
    taste_share: float = 0.55  # share of likes drawn from the member's community taste
    blocks_per_member: float = 0.2
    pages_per_member: float = 0.01
    min_pages: int = 100
    # business
    employees_per_member: float = 0.001
    min_employees: int = 500
    max_employees: int = 100_000
    email_sends_per_member: float = 0.02  # per cohort per day
    min_email_sends: int = 400
    single_engineering_salary: bool = False  # edge: Engineering has one distinct salary
    boundary_sessions: bool = False  # edge: sessions at the first and last second of the year
    single_signal_best_friend: bool = False  # edge: John's best new friend has mutual friends only
    extra: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return asdict(self)


DEFAULT = Profile(name="default", default_users=100_000)

EDGE = Profile(
    name="edge",
    default_users=600,
    pre2025_fraction=0.25,
    empty_signup_months=(11,),
    sessions_per_member=3.5,
    community_size_mean=12.0,
    intra_stubs_mean=3.0,
    bridges_per_member=0.5,
    cycle_probs=(0.55, 0.30, 0.15),
    current_prob=0.7,
    likes_per_member=4.0,
    blocks_per_member=0.3,
    min_pages=100,
    min_employees=60,
    min_email_sends=60,
    single_engineering_salary=True,
    boundary_sessions=True,
    single_signal_best_friend=True,
)

PROFILES = {p.name: p for p in (DEFAULT, EDGE)}


# ---------------------------------------------------------------- member counts and default names
_SUFFIX = {"": 1, "k": 10**3, "m": 10**6, "b": 10**9}
_COUNT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmMbB]?)\s*$")
MAX_USERS = 2**31 - 1


def parse_users(value: int | str) -> int:
    """A member count from a whole number or a k/M/B suffix; UsageError (one sentence) otherwise.

    >>> parse_users("10k"), parse_users("2.5M"), parse_users(6000)
    (10000, 2500000, 6000)
    """
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise UsageError(f"{value!r} is not a member count; use a whole number or a k/M/B suffix, "
                         "e.g. 100000, 10k, 2.5M, 1B")
    if isinstance(value, int):
        n = value
    else:
        m = _COUNT.match(value.replace("_", ""))
        if not m:
            raise UsageError(f"{value!r} is not a member count; use a whole number or a k/M/B suffix, "
                             "e.g. 100000, 10k, 2.5M, 1B")
        scaled = float(m.group(1)) * _SUFFIX[m.group(2).lower()]
        if scaled != int(scaled):
            raise UsageError(f"{value!r} is not a whole number of members")
        n = int(scaled)
    if n < MIN_USERS:
        raise UsageError(f"{value!r} is too few members; the smallest dataset has {MIN_USERS}")
    if n > MAX_USERS:
        raise UsageError(f"{value!r} is too many members; the largest dataset has {MAX_USERS:,}")
    return n


def users_label(n: int) -> str:
    """10000 -> '10k', 2500000 -> '2500k', 1234 -> '1234'."""
    for suffix, k in (("B", 10**9), ("M", 10**6), ("k", 10**3)):
        if n % k == 0:
            return f"{n // k}{suffix}"
    return str(n)


def default_out(profile: str, users: int, seed: int) -> Path:
    """Where a dataset goes when no folder is given: data/<profile>-<users>-s<seed>."""
    return Path("data") / f"{profile}-{users_label(users)}-s{seed}"
