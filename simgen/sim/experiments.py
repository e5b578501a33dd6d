"""The four experiments of SPEC 1.2, declared as data, and member-level assignment.

Each experiment fixes who is eligible, when members are assigned, the designed split and
the planted effect. Assignment is drawn per chunk from its own stream; close_friends is
assigned per friend community by a hash of the community id, so every chunk agrees on the
arm of any member's community without coordination.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from .calendar import US_PER_DAY, US_PER_S, day_of
from .rng import hash_uniform, stream

if TYPE_CHECKING:
    from .context import ChunkContext, Tables


@dataclass(frozen=True)
class Experiment:
    id: str
    control: str
    treatment: str
    treatment_share: float  # designed share of the non-control variant
    start: date  # first day members can be assigned
    assign_days: int  # members are assigned uniformly over [start, start + assign_days)
    end: date  # exclusive end of the test window
    planted: str

    @property
    def start_us(self) -> int:
        return day_of(self.start) * US_PER_DAY

    @property
    def end_us(self) -> int:
        return day_of(self.end) * US_PER_DAY


FREE_TRIAL = Experiment(
    "free_trial_7d", "control", "trial", 0.5, date(2025, 2, 1), 120, date(2025, 6, 1),
    "trial lifts subscriptions, but many trial subscribers cancel within 7 days",
)
NEW_ROW_RANKER = Experiment(
    "new_row_ranker", "control", "treatment", 0.2, date(2025, 6, 2), 7, date(2025, 6, 30),
    "a multiplicative lift in watch minutes per session from assignment to the end of the window",
)
ARTWORK_V2 = Experiment(
    "artwork_v2", "control", "treatment", 0.5, date(2025, 8, 4), 14, date(2025, 9, 1),
    "a logging bug drops some treatment assignments on tv: a sample-ratio mismatch; no real effect",
)
CLOSE_FRIENDS = Experiment(
    "close_friends", "control", "treatment", 0.5, date(2025, 9, 1), 1, date(2025, 9, 29),
    "whole friend communities assigned 50/50; treated members watch more, and so do their friends",
)
EXPERIMENTS = (FREE_TRIAL, NEW_ROW_RANKER, ARTWORK_V2, CLOSE_FRIENDS)

# Planted effect sizes (relative lift in watch minutes per session inside the window).
RANKER_LIFT = 0.08
CLOSE_FRIENDS_LIFT = 0.10
CLOSE_FRIENDS_SPILLOVER = 0.25
ARTWORK_TV_LOSS = 0.12  # share of treatment assignments on tv lost by the bucketing bug
CUPED_PRE_DAYS = 28
RANKER_PARTICIPATION = 0.5
ARTWORK_PARTICIPATION = 0.4
CLOSE_FRIENDS_PARTICIPATION = 0.3
TRIAL_LATE_ASSIGNMENT = 0.3  # free_trial_7d members first reaching the plans page 1-4 days after signup


@dataclass
class Assignment:
    """Rows of ab_tests for one experiment within one chunk (positions into the chunk's members)."""

    experiment: Experiment
    member: np.ndarray  # index into the chunk's member arrays
    treated: np.ndarray  # bool
    assigned_us: np.ndarray  # int64 microseconds
    unit_id: np.ndarray  # int64


def _assigned_at(exp: Experiment, rng: np.random.Generator, n: int) -> np.ndarray:
    span_s = exp.assign_days * 86_400
    return exp.start_us + rng.integers(0, span_s, n, dtype=np.int64) * US_PER_S


def assign_member_level(seed: int, chunk: int, user_ids: np.ndarray, signup: np.ndarray,
                        device: np.ndarray, outage: int) -> dict[str, Assignment]:
    """free_trial_7d, new_row_ranker and artwork_v2: members randomized one by one.

    `device` holds device codes (0 = tv) for the artwork_v2 logging bug.
    """
    out: dict[str, Assignment] = {}
    n = user_ids.size

    # free_trial_7d: every member who signs up while it runs, assigned when they first reach the
    # plans page: usually on the signup day, sometimes a few days later (some subscribe before that).
    rng = stream(seed, "ab_tests", FREE_TRIAL.id, chunk)
    lo = day_of(FREE_TRIAL.start)
    hi = lo + FREE_TRIAL.assign_days
    m = np.flatnonzero((signup >= lo) & (signup < hi))
    treated = rng.random(n)[m] < FREE_TRIAL.treatment_share
    later = np.where(rng.random(n) < TRIAL_LATE_ASSIGNMENT, rng.integers(1, 5, n), 0)[m]
    day = signup[m].astype(np.int64) + later
    day = np.where(day == outage, day + 1, day)
    at = day * US_PER_DAY + rng.integers(0, 86_400, n, dtype=np.int64)[m] * US_PER_S
    out[FREE_TRIAL.id] = Assignment(FREE_TRIAL, m, treated, at, user_ids[m])

    # new_row_ranker: half of the members with 28 days of history before the test, 80/20.
    rng = stream(seed, "ab_tests", NEW_ROW_RANKER.id, chunk)
    draw, arm, at_all = rng.random(n), rng.random(n), _assigned_at(NEW_ROW_RANKER, rng, n)
    eligible = signup <= day_of(NEW_ROW_RANKER.start) - CUPED_PRE_DAYS
    m = np.flatnonzero(eligible & (draw < RANKER_PARTICIPATION))
    out[NEW_ROW_RANKER.id] = Assignment(NEW_ROW_RANKER, m, arm[m] < NEW_ROW_RANKER.treatment_share, at_all[m], user_ids[m])

    # artwork_v2: designed 50/50, but treatment rows of tv members are partly lost.
    rng = stream(seed, "ab_tests", ARTWORK_V2.id, chunk)
    draw, arm, lost, at_all = rng.random(n), rng.random(n), rng.random(n), _assigned_at(ARTWORK_V2, rng, n)
    treated_all = arm < ARTWORK_V2.treatment_share
    dropped = treated_all & (device == 0) & (lost < ARTWORK_TV_LOSS)
    eligible = signup < day_of(ARTWORK_V2.start)
    m = np.flatnonzero(eligible & (draw < ARTWORK_PARTICIPATION) & ~dropped)
    out[ARTWORK_V2.id] = Assignment(ARTWORK_V2, m, treated_all[m], at_all[m], user_ids[m])
    return out


def close_friends_arms(seed: int, community_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(participates, treated) for each community id: a pure function of the id."""
    part = hash_uniform(seed, "close_friends.participate", community_ids) < CLOSE_FRIENDS_PARTICIPATION
    treated = hash_uniform(seed, "close_friends.treat", community_ids) < CLOSE_FRIENDS.treatment_share
    return part, treated


def assign_close_friends(seed: int, chunk: int, user_ids: np.ndarray, signup: np.ndarray,
                         community_of: np.ndarray) -> Assignment:
    """Members of participating communities who joined before the test, with the community's arm."""
    part, treated = close_friends_arms(seed, community_of)
    m = np.flatnonzero(part & (signup < day_of(CLOSE_FRIENDS.start)))
    rng = stream(seed, "ab_tests", CLOSE_FRIENDS.id, chunk)
    at = _assigned_at(CLOSE_FRIENDS, rng, user_ids.size)[m]
    return Assignment(CLOSE_FRIENDS, m, treated[m], at, community_of[m])


def ab_tests(ctx: ChunkContext) -> Tables:
    """ab_tests of a chunk: every experiment's assignments (close_friends is assigned by activity.build)."""
    m = ctx.members
    parts = [m.assignments[e.id] for e in EXPERIMENTS]
    return {"ab_tests": {
        "experiment_id": np.concatenate([np.full(a.member.size, a.experiment.id) for a in parts]),
        "user_id": np.concatenate([m.ids[a.member] for a in parts]),
        "variant": np.concatenate([np.where(a.treated, a.experiment.treatment, a.experiment.control) for a in parts]),
        "assigned_at": np.concatenate([a.assigned_us for a in parts]),
        "unit_id": np.concatenate([a.unit_id for a in parts]),
    }}
