"""Viewing sessions and their marketing attribution for one chunk.

Sessions come from three sources: organic sessions (heavy-tailed per member, weekly and
seasonal cycles, a diurnal peak, none before signup, none on the outage day), one
converting session on the first day of every subscription spell inside the window, and
the edge profile's planted boundary sessions. Watch minutes carry the planted experiment
effects; the counterfactual minutes without any effect are kept for the truth.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..spec import DAYS
from . import experiments as ex
from .calendar import DAY0, HOUR_WEIGHT, S_PER_DAY, US_PER_DAY, US_PER_S, WINDOW_START_US, day_weights
from .members import DEVICES, Members
from .rng import stream
from .writer import labels

if TYPE_CHECKING:
    from .context import ChunkContext, Tables

CHANNELS = np.array(["organic", "paid_search", "social", "email", "display", "referral", "affiliate"])
# first touch leans on acquisition channels; later visits on owned ones; conversions on email/search
FIRST_TOUCH = np.array([0.14, 0.27, 0.21, 0.05, 0.12, 0.11, 0.10])
RETURNING = np.array([0.46, 0.10, 0.10, 0.20, 0.04, 0.05, 0.05])
CONVERTING = np.array([0.20, 0.26, 0.10, 0.30, 0.03, 0.06, 0.05])
_SEC_BITS = 26  # seconds since 2025-01-01 fit in 26 bits
OFFLINE_SHARE = 0.04  # mobile/tablet sessions watched offline and synced later


@dataclass
class Sessions:
    member: np.ndarray  # index into the chunk's members
    ts: np.ndarray  # microseconds, sorted within member, distinct per member
    device: np.ndarray  # index into DEVICES
    duration_s: np.ndarray
    minutes: np.ndarray  # observed watch minutes
    minutes_y0: np.ndarray  # the same without any experiment effect
    id_rank: np.ndarray  # order of session_id within the chunk: the order sessions were logged
    channel: np.ndarray  # index into CHANNELS
    conversion: np.ndarray  # bool


def _days(rng: np.random.Generator, first_day: np.ndarray, outage: int) -> np.ndarray:
    """A day index per session, drawn from the day weights restricted to [first_day, end]."""
    cum = np.concatenate([[0.0], np.cumsum(day_weights(outage))])
    u = rng.random(first_day.size)
    target = cum[first_day] + u * (cum[-1] - cum[first_day])
    day = np.searchsorted(cum, target, side="right") - 1
    return np.clip(day, first_day, DAYS - 1)


def _seconds(rng: np.random.Generator, n: int) -> np.ndarray:
    hour = rng.choice(24, n, p=HOUR_WEIGHT / HOUR_WEIGHT.sum())
    return hour * 3600 + rng.integers(0, 3600, n)


def _distinct_per_member(rng: np.random.Generator, member: np.ndarray, sec: np.ndarray,
                         pinned: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort by (member, second) and make each member's seconds distinct.

    Collisions move a session forward by whole seconds; one pushed past midnight is drawn
    again within its own day (its day must not change: converting sessions are pinned to
    sub_dt, and the outage day must stay empty). Returns (order, seconds in that order).
    """
    day = sec // S_PER_DAY
    for _ in range(50):
        key = member << _SEC_BITS | sec
        # by key, then pinned first (at equal times a pinned session stays, the other moves),
        # then index: lexsort((~pinned, key)) as one stable sort of a packed key
        order = np.argsort(key << 1 | ~pinned, kind="stable")
        k = key[order]
        i = np.arange(k.size)
        fixed = np.maximum.accumulate(k - i) + i
        new_sec = np.empty_like(sec)
        new_sec[order] = fixed & ((1 << _SEC_BITS) - 1)
        moved = new_sec // S_PER_DAY != day
        if not moved.any():
            return order, new_sec[order]
        redraw = moved & ~pinned
        redraw = redraw if redraw.any() else moved
        sec = new_sec.copy()
        sec[redraw] = day[redraw] * S_PER_DAY + rng.integers(0, S_PER_DAY - 3600, int(redraw.sum()))
    raise RuntimeError("could not make session times distinct")  # unreachable in practice


def _plant_window_edges(m: Members, member: np.ndarray, sec: np.ndarray, outage: int,
                        cf_treated: np.ndarray, cf_assigned_us: np.ndarray) -> np.ndarray:
    """Move a few organic sessions exactly onto window edges, so that `BETWEEN`, `<=` or `>` in
    place of a half-open window changes the answer: per chunk, for the first control and first
    treatment member of new_row_ranker (at assigned_at, at the window's exclusive end, and at
    assigned_at - 28 days, the start of the CUPED pre-period) and of close_friends (at
    assigned_at and at the end). Moving sessions keeps each member's count, which the plan pass
    already used to number session ids. Returns the pinned mask of `sec` (modified in place)."""
    pinned = np.zeros(sec.size, bool)
    start = np.concatenate([[0], np.cumsum(m.n_organic)[:-1]])
    used: set[int] = set()
    r = m.assignments[ex.NEW_ROW_RANKER.id]
    cf_members = np.flatnonzero(cf_assigned_us >= 0)
    plans = [(r.member, r.treated, r.assigned_us, ex.NEW_ROW_RANKER.end_us, True),
             (cf_members, cf_treated[cf_members], cf_assigned_us[cf_members], ex.CLOSE_FRIENDS.end_us, False)]
    for who, treated, at, end, with_pre in plans:
        for arm in (False, True):
            for i in np.flatnonzero(treated == arm):
                instants = [int(at[i]), end] + ([int(at[i]) - ex.CUPED_PRE_DAYS * US_PER_DAY] if with_pre else [])
                if (who[i] in used or m.n_organic[who[i]] < len(instants)
                        or any(t // US_PER_DAY == outage for t in instants)):
                    continue
                used.add(int(who[i]))
                pos = start[who[i]] + np.arange(len(instants))
                sec[pos] = (np.array(instants) - WINDOW_START_US) // US_PER_S
                pinned[pos] = True
                break
    return pinned


def build(ctx: ChunkContext) -> Tables:
    """sessions and attribution of a chunk; assigns close_friends first (its arms lift minutes).

    Needs ctx.community and ctx.spillover (social); leaves the close_friends assignment in
    ctx.members.assignments (ab_tests) and the sessions in ctx.sessions (the truth).
    """
    m = ctx.members
    cf = m.assignments[ex.CLOSE_FRIENDS.id] = ex.assign_close_friends(ctx.seed, ctx.chunk, m.ids, m.signup,
                                                                      ctx.community)
    cf_treated = np.zeros(m.size, bool)
    cf_treated[cf.member] = cf.treated
    cf_at = np.full(m.size, -1, np.int64)
    cf_at[cf.member] = cf.assigned_us
    s = ctx.sessions = make_sessions(ctx.seed, m, ctx.outage, ctx.spillover, cf_treated, cf_at)
    session_id = ctx.session_offset + 1 + s.id_rank
    return {
        "sessions": {"session_id": session_id, "user_id": m.ids[s.member], "session_ts": s.ts,
                     "device": labels(DEVICES, s.device), "duration_s": s.duration_s, "watch_minutes": s.minutes},
        "attribution": {"session_id": session_id, "channel": labels(CHANNELS, s.channel), "conversion": s.conversion},
    }


def make_sessions(seed: int, m: Members, outage: int, spillover: np.ndarray, cf_treated: np.ndarray,
                  cf_assigned_us: np.ndarray) -> Sessions:
    """All sessions of a chunk, with effects applied.

    `spillover`: members with a treated close_friends friend; `cf_treated`/`cf_assigned_us`:
    members treated in close_friends and when (per member, -1 if not).
    """
    rng = stream(seed, "sessions", "time", m.chunk)
    first_day = np.maximum(m.signup - DAY0, 0)
    org_member = np.repeat(np.arange(m.size), m.n_organic)
    org_sec = _days(rng, first_day[org_member], outage) * S_PER_DAY + _seconds(rng, org_member.size)
    org_pinned = _plant_window_edges(m, org_member, org_sec, outage, cf_treated, cf_assigned_us)

    su_member = np.flatnonzero(m.signup_session)
    su_sec = (m.signup[su_member] - DAY0) * S_PER_DAY + _seconds(rng, su_member.size)
    su_at = np.full(m.size, -1, np.int64)
    su_at[su_member] = su_sec

    sp = m.spells
    w = sp.in_window()
    conv_member = sp.member[w]
    conv_day = sp.sub_day[w] - DAY0
    conv_sec = conv_day * S_PER_DAY + _seconds(rng, conv_member.size)
    # converting on the signup day: some minutes to hours after that first visit
    same_day = su_at[conv_member] // S_PER_DAY == conv_day
    later = su_at[conv_member] + rng.integers(120, 4 * 3600, conv_member.size)
    conv_sec = np.where(same_day, np.minimum(later, (conv_day + 1) * S_PER_DAY - 1), conv_sec)
    extra_sec = (m.extra_ts - WINDOW_START_US) // US_PER_S

    parts = [(org_member, org_sec, False, org_pinned), (su_member, su_sec, False, True),
             (conv_member, conv_sec, True, True), (m.extra_member, extra_sec, False, True)]
    member = np.concatenate([p[0] for p in parts]).astype(np.int64)
    sec = np.concatenate([p[1] for p in parts]).astype(np.int64)
    conversion = np.concatenate([np.full(p[0].size, p[2]) for p in parts])
    pinned = np.concatenate([np.broadcast_to(p[3], p[0].shape) for p in parts])
    order, sec = _distinct_per_member(rng, member, sec, pinned)
    member, conversion = member[order], conversion[order]
    ts = WINDOW_START_US + sec * US_PER_S
    n = ts.size

    rng = stream(seed, "sessions", "device", m.chunk)
    own = rng.random(n) < 0.78
    device = np.where(own, m.device[member], rng.choice(DEVICES.size, n))

    rng = stream(seed, "sessions", "minutes", m.chunk)
    y0 = m.minutes_mean[member] * rng.gamma(2.0, 0.5, n)
    lift = np.ones(n)
    ranker = m.assignments[ex.NEW_ROW_RANKER.id]
    ranker_at = np.full(m.size, -1, np.int64)
    ranker_at[ranker.member[ranker.treated]] = ranker.assigned_us[ranker.treated]
    at = ranker_at[member]
    lift *= np.where((at >= 0) & (ts >= at) & (ts < ex.NEW_ROW_RANKER.end_us), 1 + ex.RANKER_LIFT, 1.0)
    cf_at = np.where(cf_treated, cf_assigned_us, -1)[member]
    in_cf = (cf_at >= 0) & (ts >= cf_at) & (ts < ex.CLOSE_FRIENDS.end_us)
    spill = spillover[member] & ~cf_treated[member] & (ts >= ex.CLOSE_FRIENDS.start_us) & (ts < ex.CLOSE_FRIENDS.end_us)
    lift *= np.where(in_cf, 1 + ex.CLOSE_FRIENDS_LIFT, np.where(spill, 1 + ex.CLOSE_FRIENDS_SPILLOVER, 1.0))
    minutes = np.round(y0 * lift, 2)
    duration = np.round(minutes * 60 + 20 + rng.exponential(150.0, n)).astype(np.int32)

    rng = stream(seed, "attribution", "channel", m.chunk)
    first = np.ones(n, bool)
    first[1:] = member[1:] != member[:-1]
    draws = [rng.choice(CHANNELS.size, n, p=p) for p in (FIRST_TOUCH, RETURNING, CONVERTING)]
    channel = np.where(conversion, draws[2], np.where(first, draws[0], draws[1]))
    id_rank = _log_order(seed, m.chunk, member, ts, device, conversion)
    return Sessions(member, ts, device, duration, minutes, np.round(y0, 2), id_rank, channel, conversion)


def _log_order(seed: int, chunk: int, member: np.ndarray, ts: np.ndarray, device: np.ndarray,
               conversion: np.ndarray) -> np.ndarray:
    """Rank of each session in log order, which numbers session_id.

    Sessions are logged when they happen, except offline viewing on mobile and tablet, which is
    synced hours or days later: its id comes after sessions that began later. So the first
    session by id is not always the first by time. In every chunk, the first converted member
    with two or more sessions has their first session synced after their last one.
    """
    rng = stream(seed, "sessions", "sync", chunk)
    n = ts.size
    portable = (device == 1) | (device == 3)
    offline = portable & (rng.random(n) < OFFLINE_SHARE)
    logged = ts + np.where(offline, rng.integers(3600, 72 * 3600, n) * US_PER_S, 0)
    first = np.ones(n, bool)
    first[1:] = member[1:] != member[:-1]
    starts = np.flatnonzero(first)
    counts = np.diff(np.append(starts, n))
    converted = np.zeros(int(member.max(initial=-1)) + 1, bool)
    converted[member[conversion]] = True
    pick = np.flatnonzero((counts >= 2) & converted[member[starts]])
    if pick.size:
        s0 = starts[pick[0]]
        logged[s0] = ts[s0 + counts[pick[0]] - 1] + US_PER_S
    order = _by_member_then_time(member, logged)
    rank = np.empty(n, np.int64)
    rank[order] = np.arange(n)
    return rank


def _by_member_then_time(member: np.ndarray, t: np.ndarray) -> np.ndarray:
    """`np.lexsort((t, member))`, 3-5x faster: one stable sort of a packed key.

    Rows arrive grouped by member and nearly in time order, which the stable sort (a merge
    sort that finds runs) turns into little more than a pass; ties keep their index order,
    exactly as lexsort's.
    """
    if t.size == 0:
        return np.zeros(0, np.int64)
    lo = int(t.min())
    span = int(t.max()) - lo + 1
    if (int(member.max()) + 1) * span >= 2**63:
        return np.lexsort((t, member))
    return np.argsort(member.astype(np.int64) * span + (t - lo), kind="stable")


def day_index(ts: np.ndarray) -> np.ndarray:
    return (ts // US_PER_DAY) - DAY0
