"""Time in the simulated world: the window, signup curve, activity cycles, the outage day.

Dates are int days since 1970-01-01 (Arrow date32); timestamps are int microseconds
(Arrow timestamp[us]). Everything here is vectorized and deterministic.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from ..profile import Profile
from ..spec import DAYS, WINDOW_START
from .rng import stream

EPOCH = date(1970, 1, 1)
DAY0 = (WINDOW_START - EPOCH).days  # 2025-01-01 as days since epoch
PRE_START = (date(2019, 1, 1) - EPOCH).days  # earliest signup
US_PER_S = 1_000_000
S_PER_DAY = 86_400
US_PER_DAY = US_PER_S * S_PER_DAY
WINDOW_START_US = DAY0 * US_PER_DAY
WINDOW_END_US = (DAY0 + DAYS) * US_PER_DAY  # exclusive

# Monday..Sunday; 2025-01-01 is a Wednesday.
_WEEKDAY_WEIGHT = np.array([0.88, 0.86, 0.92, 1.0, 1.16, 1.3, 1.22])
# UTC hour-of-day weights: a quiet night, a lunch bump and an evening peak around 20-22h.
HOUR_WEIGHT = np.array([
    0.55, 0.35, 0.22, 0.15, 0.12, 0.13, 0.2, 0.32, 0.42, 0.48, 0.52, 0.6,
    0.72, 0.7, 0.64, 0.66, 0.74, 0.88, 1.05, 1.3, 1.55, 1.62, 1.42, 0.95,
])


def to_date(day: int) -> date:
    return date.fromordinal(EPOCH.toordinal() + int(day))


def day_of(d: date) -> int:
    return (d - EPOCH).days


def weekday(days: np.ndarray | int) -> np.ndarray:
    """0 = Monday (1970-01-01 was a Thursday)."""
    return (np.asarray(days) + 3) % 7


def outage_day(seed: int) -> int:
    """The planted day with zero sessions worldwide: a weekday between March and November."""
    lo, hi = day_of(date(2025, 3, 3)), day_of(date(2025, 11, 28))
    candidates = np.arange(lo, hi)
    candidates = candidates[weekday(candidates) < 5]
    return int(stream(seed, "calendar", "outage").choice(candidates))


def day_weights(outage: int) -> np.ndarray:
    """Relative session volume for each day of the window: weekly cycle, mild winter peak, outage = 0."""
    days = DAY0 + np.arange(DAYS)
    season = 1.0 + 0.12 * np.cos(2 * np.pi * (np.arange(DAYS) - 10) / DAYS)
    w = _WEEKDAY_WEIGHT[weekday(days)] * season
    w[outage - DAY0] = 0.0
    return w


def _signup_density(profile: Profile, outage: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Days and relative signup density from PRE_START through 2025-12-31 (none on the outage day)."""
    days = np.arange(PRE_START, DAY0 + DAYS)
    pre = days < DAY0
    dens = np.empty(days.size)
    n_pre = int(pre.sum())
    # before 2025: slow growth; the pre-window mass is scaled to pre2025_fraction below
    dens[pre] = 1.0 + 2.0 * np.arange(n_pre) / n_pre
    ramp = 1.0 + (profile.signup_growth - 1.0) * np.arange(DAYS) / (DAYS - 1)
    months = np.array([to_date(d).month for d in days[~pre]])
    ramp[np.isin(months, profile.empty_signup_months)] = 0.0
    dens[~pre] = ramp
    dens[pre] *= profile.pre2025_fraction / dens[pre].sum()
    if outage is not None:
        dens[days == outage] = 0.0
    dens[~pre] *= (1.0 - profile.pre2025_fraction) / dens[~pre].sum()
    return days, dens


def signup_days(user_ids: np.ndarray, n_users: int, profile: Profile, outage: int) -> np.ndarray:
    """Signup day of each member: ids are handed out in signup order, so this is a pure,
    monotone function of user_id that any chunk can evaluate for any member.
    Nobody signs up on the outage day (the site was down)."""
    days, dens = _signup_density(profile, outage)
    cdf = np.cumsum(dens)
    cdf /= cdf[-1]
    u = (np.asarray(user_ids, dtype=np.float64) - 0.5) / n_users
    idx = np.searchsorted(cdf, u, side="right")
    return days[np.minimum(idx, days.size - 1)].astype(np.int32)


def mean_active_fraction(profile: Profile) -> float:
    """Average share of the window a member is signed up for (to hit ~sessions_per_member)."""
    days, dens = _signup_density(profile)
    active = np.clip((DAY0 + DAYS - np.maximum(days, DAY0)) / DAYS, 0.0, 1.0)
    return float((dens * active).sum() / dens.sum())
