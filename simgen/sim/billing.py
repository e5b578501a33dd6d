"""Subscription spells: when members subscribe, cancel and come back.

A member has up to MAX_SPELLS spells that never overlap (the next starts after the last
one's cancel day). Spells are decided at the member level before sessions exist: every
spell that starts inside the window is later given a converting session on its first day,
so `attribution.conversion` and `subscriptions.sub_dt` agree by construction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..spec import DAYS
from .calendar import DAY0
from .writer import labels

if TYPE_CHECKING:
    from .context import ChunkContext, Tables

MAX_SPELLS = 4
LAST_DAY = DAY0 + DAYS - 1
PLANS = np.array(["basic", "standard", "premium"])
PLAN_WEIGHTS = np.array([0.34, 0.45, 0.21])
# monthly price in cents by plan: before 2025, and from 2025-01-01 (a price rise)
PRICE_OLD = np.array([899, 1399, 1999])
PRICE_2025 = np.array([799, 1549, 2299])

P_SUB_PRE = 0.72  # members from before 2025 who ever subscribed before it
P_SUB_NEW = 0.55  # new members who subscribe (control arm of free_trial_7d included)
P_SUB_TRIAL = 0.72  # new members offered the free trial
TRIAL_EARLY_CANCEL = 0.40  # trial subscribers who cancel in days 0..6
TRIAL_DAY7_CANCEL = 0.06  # ... and exactly on day 7 (still a conversion)
EARLY_CANCEL = 0.09  # any other spell cancelled within its first two weeks
P_RESUB, P_RESUB_AFTER_EARLY = 0.35, 0.5


@dataclass
class Spells:
    member: np.ndarray  # index into the chunk's members
    plan: np.ndarray  # 0..2
    sub_day: np.ndarray  # int days since epoch
    cancel_day: np.ndarray  # int days since epoch, -1 while active

    @property
    def size(self) -> int:
        return self.member.size

    @property
    def price_cents(self) -> np.ndarray:
        return np.where(self.sub_day >= DAY0, PRICE_2025[self.plan], PRICE_OLD[self.plan])

    def in_window(self) -> np.ndarray:
        return (self.sub_day >= DAY0) & (self.sub_day <= LAST_DAY)


def _avoid(day: np.ndarray, outage: int) -> np.ndarray:
    """Nobody can subscribe on the outage day (the site was down): move to the next day."""
    return np.where(day == outage, day + 1, day)


def _durations(rng: np.random.Generator, n: int, trial_first: np.ndarray) -> np.ndarray:
    """Days from sub_dt to cancel_dt (0 = cancelled the same day)."""
    u = rng.random(n)
    long = 14 + rng.exponential(260.0, n).astype(np.int64)
    early = rng.integers(0, 14, n)
    trial_early = rng.choice(7, n, p=[0.08, 0.12, 0.14, 0.16, 0.16, 0.16, 0.18])
    d = np.where(u < EARLY_CANCEL, early, long)
    trial_d = np.where(u < TRIAL_EARLY_CANCEL, trial_early,
                       np.where(u < TRIAL_EARLY_CANCEL + TRIAL_DAY7_CANCEL, 7, long))
    return np.where(trial_first, trial_d, d)


def make_spells(rng: np.random.Generator, signup: np.ndarray, plan_pref: np.ndarray, outage: int,
                trial_member: np.ndarray, trial_treated: np.ndarray, trial_day: np.ndarray) -> Spells:
    """All spells of a chunk's members.

    `trial_member`/`trial_treated`/`trial_day` index the members in free_trial_7d, their arm and
    the day they were assigned. Only members who had not subscribed before that day see the trial.
    In every chunk the first trial-arm spells are planted to cancel after exactly 6 and 7
    days and the first control spell after 3: the boundary cases of trial_conversion.
    """
    n = signup.size
    pre = signup < DAY0
    delay = np.where(rng.random(n) < 0.4, 0, rng.geometric(1 / 12, n))
    pre_start = signup + (rng.random(n) * np.maximum(DAY0 - signup, 1)).astype(np.int64)
    start = np.where(pre, pre_start, signup + delay)
    start = _avoid(start, outage)
    assigned = np.full(n, np.iinfo(np.int64).max)
    assigned[trial_member] = trial_day
    reached = start >= assigned  # the test could still change what they do
    offered = np.zeros(n, bool)
    offered[trial_member[trial_treated]] = True
    offered &= reached
    in_control = np.zeros(n, bool)
    in_control[trial_member[~trial_treated]] = True
    in_control &= reached

    p = np.where(pre, P_SUB_PRE, np.where(offered, P_SUB_TRIAL, P_SUB_NEW))
    has = rng.random(n) < p
    alive = has & (start <= LAST_DAY)

    members, plans, subs, cancels = [], [], [], []
    plan = plan_pref.copy()
    for k in range(MAX_SPELLS):
        idx = np.flatnonzero(alive)
        if idx.size == 0:
            break
        dur = _durations(rng, idx.size, offered[idx] & (k == 0))
        if k == 0:
            _plant_boundaries(dur, offered[idx], in_control[idx])
        sub = start[idx]
        cancel = sub + dur
        switch = rng.random(idx.size) < (0.25 if k else 0.0)
        plan[idx] = np.where(switch, rng.choice(3, idx.size, p=PLAN_WEIGHTS), plan[idx])
        members.append(idx)
        plans.append(plan[idx].copy())
        subs.append(sub)
        cancels.append(np.where(cancel > LAST_DAY, -1, cancel))
        # come back?
        ended = cancel <= LAST_DAY
        p_back = np.where(dur < 7, P_RESUB_AFTER_EARLY, P_RESUB)
        back = ended & (rng.random(idx.size) < p_back)
        gap = 1 + rng.geometric(1 / 45, idx.size)
        nxt = _avoid(cancel + gap, outage)
        alive = np.zeros(n, bool)
        keep = back & (nxt <= LAST_DAY)
        alive[idx[keep]] = True
        start = start.copy()
        start[idx] = nxt

    if not members:
        e = np.zeros(0, np.int64)
        return Spells(e, e, e, e)
    member = np.concatenate(members)
    order = np.lexsort((np.concatenate(subs), member))
    return Spells(member[order], np.concatenate(plans)[order], np.concatenate(subs)[order].astype(np.int64),
                  np.concatenate(cancels)[order].astype(np.int64))


def _plant_boundaries(dur: np.ndarray, offered: np.ndarray, control: np.ndarray) -> None:
    trial = np.flatnonzero(offered)
    if trial.size >= 2:
        dur[trial[0]], dur[trial[1]] = 6, 7
    ctrl = np.flatnonzero(control)
    if ctrl.size:
        dur[ctrl[0]] = 3


def latest_plan(spells: Spells, plan_pref: np.ndarray) -> np.ndarray:
    """The member's current plan: that of their latest spell, else the plan they browse on."""
    out = plan_pref.copy()
    out[spells.member] = spells.plan  # spells are sorted by member then time: the last write wins
    return out


def subscriptions(ctx: ChunkContext) -> Tables:
    """subscriptions of a chunk: the member frame's spells, numbered after the earlier chunks' (the plan)."""
    m = ctx.members
    sp = m.spells
    return {"subscriptions": {
        "subscription_id": ctx.subscription_offset + 1 + np.arange(sp.size, dtype=np.int64),
        "user_id": m.ids[sp.member], "plan": labels(PLANS, sp.plan), "sub_dt": sp.sub_day.astype(np.int32),
        "cancel_dt": np.ma.masked_array(sp.cancel_day.astype(np.int32), mask=sp.cancel_day < 0),
        "monthly_price": sp.price_cents,
    }}
