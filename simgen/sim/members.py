"""The member frame of one chunk: who each member is and everything decided per member.

A pure function of (seed, profile, users, chunk): the engine evaluates it once to count
rows (so session and subscription ids can be numbered before any chunk is written) and
again when it writes the chunk, with identical results.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..profile import Profile
from ..spec import DAYS
from . import billing, experiments
from .calendar import DAY0, US_PER_DAY, US_PER_S, WINDOW_END_US, WINDOW_START_US, mean_active_fraction, signup_days
from .rng import stream

COUNTRIES = np.array(["US", "BR", "GB", "MX", "CA", "DE", "FR", "IN", "JP", "KR", "ES", "IT", "AU",
                      "NL", "PL", "TR", "AR", "SE"])
COUNTRY_WEIGHTS = np.array([30, 10, 7, 7, 5, 5, 5, 6, 4, 3, 4, 3, 3, 2, 2, 2, 1.5, 1.5]) / 101.0
# Each country's IANA time zones and the share of its people in each (a few zones carry almost
# everyone; the rest round to the nearest large one). A member's zone is drawn from its country's.
_ZONES_BY_COUNTRY = {
    "US": {"America/New_York": 0.47, "America/Chicago": 0.29, "America/Denver": 0.06, "America/Phoenix": 0.02,
           "America/Los_Angeles": 0.15, "America/Anchorage": 0.005, "Pacific/Honolulu": 0.005},
    "BR": {"America/Sao_Paulo": 0.80, "America/Fortaleza": 0.08, "America/Recife": 0.05, "America/Manaus": 0.07},
    "GB": {"Europe/London": 1.0},
    "MX": {"America/Mexico_City": 0.80, "America/Monterrey": 0.10, "America/Tijuana": 0.10},
    "CA": {"America/Toronto": 0.55, "America/Vancouver": 0.18, "America/Edmonton": 0.15,
           "America/Winnipeg": 0.07, "America/Halifax": 0.05},
    "DE": {"Europe/Berlin": 1.0},
    "FR": {"Europe/Paris": 1.0},
    "IN": {"Asia/Kolkata": 1.0},
    "JP": {"Asia/Tokyo": 1.0},
    "KR": {"Asia/Seoul": 1.0},
    "ES": {"Europe/Madrid": 0.95, "Atlantic/Canary": 0.05},
    "IT": {"Europe/Rome": 1.0},
    "AU": {"Australia/Sydney": 0.40, "Australia/Melbourne": 0.32, "Australia/Brisbane": 0.14,
           "Australia/Perth": 0.09, "Australia/Adelaide": 0.05},
    "NL": {"Europe/Amsterdam": 1.0},
    "PL": {"Europe/Warsaw": 1.0},
    "TR": {"Europe/Istanbul": 1.0},
    "AR": {"America/Argentina/Buenos_Aires": 1.0},
    "SE": {"Europe/Stockholm": 1.0},
}
TIMEZONES = np.array(sorted({z for zones in _ZONES_BY_COUNTRY.values() for z in zones}))
DEVICES = np.array(["tv", "mobile", "web", "tablet"])  # code 0 = tv (artwork_v2's bug)
DEVICE_WEIGHTS = np.array([0.42, 0.33, 0.17, 0.08])
SIGNUP_VISIT = 0.85  # share of 2025 joiners who watch on their signup day


@dataclass
class Members:
    chunk: int
    ids: np.ndarray  # int64 user_id
    signup: np.ndarray  # days since epoch
    country: np.ndarray  # index into COUNTRIES
    device: np.ndarray  # index into DEVICES
    timezone: np.ndarray  # index into TIMEZONES, one of the country's
    birth_year: np.ndarray
    plan_pref: np.ndarray  # index into billing.PLANS
    activity: np.ndarray  # relative session rate (mean 1, heavy-tailed)
    minutes_mean: np.ndarray  # mean watch minutes per session
    n_organic: np.ndarray  # organic sessions in the window
    signup_session: np.ndarray  # bool: a first visit on the signup day, before any conversion
    assignments: dict[str, experiments.Assignment]
    spells: billing.Spells
    extra_member: np.ndarray  # planted boundary sessions: member index ...
    extra_ts: np.ndarray  # ... and timestamp (us)

    @property
    def size(self) -> int:
        return self.ids.size

    @property
    def n_sessions(self) -> int:
        return int(self.n_organic.sum() + self.signup_session.sum() + self.spells.in_window().sum()
                   + self.extra_member.size)


def chunk_bounds(chunk: int, chunk_users: int, n_users: int) -> tuple[int, int]:
    """[lo, hi) user ids of a chunk."""
    lo = 1 + chunk * chunk_users
    return lo, min(n_users + 1, lo + chunk_users)


def _zones(rng: np.random.Generator, country: np.ndarray) -> np.ndarray:
    """Each member's time zone (index into TIMEZONES), drawn from its country's shares: one
    uniform per member against the country's cumulative shares, no loop over members."""
    width = max(len(z) for z in _ZONES_BY_COUNTRY.values())
    cumulative = np.ones((COUNTRIES.size, width))
    index = np.zeros((COUNTRIES.size, width), np.int64)
    for c, code in enumerate(COUNTRIES):
        zones = _ZONES_BY_COUNTRY[str(code)]
        shares = np.array(list(zones.values()))
        cumulative[c, :len(zones)] = np.cumsum(shares / shares.sum())
        index[c, :] = np.searchsorted(TIMEZONES, list(zones)[-1])
        index[c, :len(zones)] = np.searchsorted(TIMEZONES, list(zones))
    u = rng.random(country.size)
    slot = np.minimum((u[:, None] >= cumulative[country]).sum(axis=1), width - 1)
    return index[country, slot]


def build(seed: int, profile: Profile, n_users: int, chunk: int, chunk_users: int, outage: int) -> Members:
    lo, hi = chunk_bounds(chunk, chunk_users, n_users)
    ids = np.arange(lo, hi, dtype=np.int64)
    n = ids.size
    signup = signup_days(ids, n_users, profile, outage)

    def s(column: str) -> np.random.Generator:
        return stream(seed, "users", column, chunk)

    country = s("country").choice(COUNTRIES.size, n, p=COUNTRY_WEIGHTS)
    device = s("device").choice(DEVICES.size, n, p=DEVICE_WEIGHTS)
    timezone = _zones(s("timezone"), country)
    age = 18 + np.minimum(s("birth_year").gamma(3.0, 7.5, n), 67).astype(np.int64)
    birth_year = (2025 - age).astype(np.int16)
    plan_pref = s("plan").choice(3, n, p=billing.PLAN_WEIGHTS)

    rng = stream(seed, "sessions", "activity", chunk)
    sigma = profile.activity_sigma
    activity = rng.lognormal(-sigma**2 / 2, sigma, n)
    minutes_mean = rng.lognormal(np.log(38.0) - 0.15, 0.55, n)
    active = np.clip((DAY0 + DAYS - np.maximum(signup, DAY0)) / DAYS, 0.0, 1.0)
    rate = profile.sessions_per_member * active / mean_active_fraction(profile)
    n_organic = rng.poisson(activity * rate)

    assignments = experiments.assign_member_level(seed, chunk, ids, signup, device, outage)
    trial = assignments[experiments.FREE_TRIAL.id]
    spells = billing.make_spells(stream(seed, "subscriptions", "spells", chunk), signup, plan_pref, outage,
                                 trial.member, trial.treated, trial.assigned_us // US_PER_DAY)

    # Most members who join in 2025 visit on their signup day; some sign up through a bundle and
    # never open the app that day (and may never watch at all). Half of those who subscribe that
    # very day do it in that first visit; everyone else converts in a later session.
    joined_2025 = signup >= DAY0
    first_spell = np.full(n, -1, np.int64)
    first_spell[spells.member[::-1]] = spells.sub_day[::-1]  # earliest spell wins
    rng = stream(seed, "sessions", "instant", chunk)
    instant = (first_spell == signup) & (rng.random(n) < 0.5)
    signup_session = joined_2025 & ~instant & (rng.random(n) < SIGNUP_VISIT)

    extra_m, extra_t = [], []
    if profile.boundary_sessions:
        if lo == 1:  # the first member (joined long before 2025) watches at the first second of the year
            extra_m.append(0)
            extra_t.append(WINDOW_START_US)
        if hi == n_users + 1:  # the last member joins on Dec 31 and watches at its last second
            extra_m.append(n - 1)
            extra_t.append(WINDOW_END_US - US_PER_S)
    return Members(chunk, ids, signup, country, device, timezone, birth_year, plan_pref, activity, minutes_mean,
                   n_organic, signup_session, assignments, spells, np.array(extra_m, np.int64), np.array(extra_t, np.int64))
