"""Planted ground truth: partial statistics per chunk, merged into truth.json.

Chunk statistics are computed from the very arrays written to Parquet, including the
counterfactual watch minutes without any effect, so the truth states what was planted
(the effect on these members), not what an estimator would find. Tests then confirm each
fact by querying the Parquet files with DuckDB, independently of this code.
"""

from __future__ import annotations

import numpy as np

from . import experiments as ex
from .activity import Sessions
from .billing import Spells
from .calendar import US_PER_DAY, to_date
from .members import Members
from .sets import distinct


def _window_minutes(s: Sessions, n_members: int, assigned: np.ndarray, end_us: int) -> tuple[np.ndarray, np.ndarray]:
    """Per member: (observed, counterfactual) minutes from their assignment to the window end."""
    at = assigned[s.member]
    inside = (at >= 0) & (s.ts >= at) & (s.ts < end_us)
    obs = np.bincount(s.member[inside], weights=s.minutes[inside], minlength=n_members)
    y0 = np.bincount(s.member[inside], weights=s.minutes_y0[inside], minlength=n_members)
    return obs, y0


def _assigned_per_member(a: ex.Assignment, n: int) -> np.ndarray:
    out = np.full(n, -1, np.int64)
    out[a.member] = a.assigned_us
    return out


def trial_converted(spells: Spells, a: ex.Assignment, n_members: int) -> dict:
    """Members of free_trial_7d who converted under the challenge's rule, per arm."""
    arm = np.full(n_members, -1)
    arm[a.member] = a.treated.astype(int)
    day = np.full(n_members, np.iinfo(np.int64).max)
    day[a.member] = a.assigned_us // US_PER_DAY
    after = spells.sub_day >= day[spells.member]  # only subscriptions from the assignment day on
    sp_arm = np.where(after, arm[spells.member], -1)
    days = np.where(spells.cancel_day < 0, 10**9, spells.cancel_day - spells.sub_day)
    counts = {}
    for name, code in (("control", 0), ("trial", 1)):
        mine = sp_arm == code
        ok = mine if code == 0 else mine & (days >= 7)
        counts[name] = {
            "members": int((a.treated == bool(code)).sum()),
            "converted": int(distinct(spells.member[ok]).size),
            "subscribed_any": int(distinct(spells.member[mine]).size),
        }
    return counts


def chunk_stats(m: Members, s: Sessions, social_counts: dict) -> dict:
    """Everything the truth needs from one chunk (small, picklable)."""
    stats: dict = dict(social_counts)
    stats["converted_members"] = int(distinct(s.member[s.conversion]).size)
    stats["members_without_sessions"] = int(m.size - distinct(s.member).size)
    stats["free_trial_7d"] = trial_converted(m.spells, m.assignments[ex.FREE_TRIAL.id], m.size)

    r = m.assignments[ex.NEW_ROW_RANKER.id]
    obs, y0 = _window_minutes(s, m.size, _assigned_per_member(r, m.size), ex.NEW_ROW_RANKER.end_us)
    stats["new_row_ranker"] = {
        arm: {"n": int(mask.sum()), "sum": float(obs[r.member[mask]].sum()),
              "sum_sq": float((obs[r.member[mask]] ** 2).sum()), "sum_y0": float(y0[r.member[mask]].sum())}
        for arm, mask in (("control", ~r.treated), ("treatment", r.treated))
    }
    art = m.assignments[ex.ARTWORK_V2.id]
    stats["artwork_v2"] = {"control": int((~art.treated).sum()), "treatment": int(art.treated.sum())}

    cf = m.assignments[ex.CLOSE_FRIENDS.id]
    obs, y0 = _window_minutes(s, m.size, _assigned_per_member(cf, m.size), ex.CLOSE_FRIENDS.end_us)
    units, inv = np.unique(cf.unit_id, return_inverse=True)
    stats["close_friends"] = {
        "unit": units,
        "treated": np.bincount(inv, weights=cf.treated, minlength=units.size) > 0,
        "n": np.bincount(inv, minlength=units.size),
        "sum": np.bincount(inv, weights=obs[cf.member], minlength=units.size),
        "sum_y0": np.bincount(inv, weights=y0[cf.member], minlength=units.size),
    }
    return stats


def chi_square(counts: dict[str, int], designed: dict[str, float]) -> float:
    """Pearson's chi-square of arm counts against the designed split."""
    n = sum(counts.values())
    return float(sum((counts[a] - n * p) ** 2 / (n * p) for a, p in designed.items() if n * p > 0))


def _window(e: ex.Experiment) -> dict:
    return {"start": str(e.start), "end_exclusive": str(e.end), "assigned_over_days": e.assign_days}


def _sum(parts: list[dict], *path: str) -> float:
    total = 0
    for p in parts:
        v = p
        for k in path:
            v = v[k]
        total += v
    return total


def merge(parts: list[dict], globals_: dict, block_truth: dict, outage: int) -> dict:
    """Combine chunk statistics (in chunk order) into the truth document."""
    designed = {e.id: {e.control: round(1 - e.treatment_share, 2), e.treatment: e.treatment_share}
                for e in ex.EXPERIMENTS}

    trial = {arm: {k: int(_sum(parts, "free_trial_7d", arm, k)) for k in ("members", "converted", "subscribed_any")}
             for arm in ("control", "trial")}
    ranker = {arm: {k: _sum(parts, "new_row_ranker", arm, k) for k in ("n", "sum", "sum_sq", "sum_y0")}
              for arm in ("control", "treatment")}
    t = ranker["treatment"]
    true_ranker = ex.RANKER_LIFT * t["sum_y0"] / max(t["n"], 1)

    cf = {k: np.concatenate([p["close_friends"][k] for p in parts]) for k in ("unit", "treated", "n", "sum", "sum_y0")}
    mean_obs = cf["sum"] / np.maximum(cf["n"], 1)
    mean_y0 = cf["sum_y0"] / np.maximum(cf["n"], 1)
    control = ~cf["treated"]
    true_cf = ex.CLOSE_FRIENDS_LIFT * float(mean_y0.mean()) if mean_y0.size else 0.0
    spill = float((mean_obs[control] - mean_y0[control]).mean()) if control.any() else 0.0

    art = {arm: int(_sum(parts, "artwork_v2", arm)) for arm in ("control", "treatment")}
    experiments = {
        ex.FREE_TRIAL.id: {
            "designed_split": designed[ex.FREE_TRIAL.id], "allocation_used": {a: trial[a]["members"] for a in trial},
            "bucketing_bug": False, "converted": trial,
            "planted": {"p_subscribe_control": 0.55, "p_subscribe_trial": 0.72,
                        "trial_cancel_within_7d_share": 0.40, "trial_cancel_on_day_7_share": 0.06},
        },
        ex.NEW_ROW_RANKER.id: {
            "designed_split": designed[ex.NEW_ROW_RANKER.id],
            "allocation_used": {a: int(ranker[a]["n"]) for a in ranker}, "bucketing_bug": False,
            "planted_lift": ex.RANKER_LIFT, "true_effect_minutes": true_ranker,
            "window": _window(ex.NEW_ROW_RANKER), "cuped_pre_days": ex.CUPED_PRE_DAYS,
        },
        ex.ARTWORK_V2.id: {
            "designed_split": designed[ex.ARTWORK_V2.id], "allocation_used": art, "bucketing_bug": True,
            "bug": f"{ex.ARTWORK_TV_LOSS:.0%} of treatment assignments of tv members were never logged",
            "planted_lift": 0.0,
        },
        ex.CLOSE_FRIENDS.id: {
            "designed_split": designed[ex.CLOSE_FRIENDS.id], "bucketing_bug": False,
            "allocation_used": {"control": int(cf["n"][control].sum()), "treatment": int(cf["n"][~control].sum())},
            "communities": {"control": int(control.sum()), "treatment": int((~control).sum())},
            "planted_lift": ex.CLOSE_FRIENDS_LIFT, "planted_spillover": ex.CLOSE_FRIENDS_SPILLOVER,
            "true_effect_minutes": true_cf, "spillover_in_control_minutes": spill,
            "window": _window(ex.CLOSE_FRIENDS),
            "note": "communities are randomized, so member counts per arm swing with community sizes: "
                    "a member-level chi-square is not a valid bucketing check here",
        },
    }
    for e in ex.EXPERIMENTS:
        doc = experiments[e.id]
        chi = chi_square(doc["allocation_used"], doc["designed_split"])
        doc["member_level_chi_square"] = chi
        doc["member_level_srm_flag"] = chi > 10.828
    counts = {k: int(_sum(parts, k)) for k in ("converted_members", "members_without_sessions",
                                               "completed_spells", "current_pairs")}
    return {
        "new_best_friend": block_truth,
        "second_highest_salary": globals_["salaries"]["second_highest_engineering_salary"],
        "salaries": globals_["salaries"],
        "outage_day": str(to_date(outage)),
        "experiments": experiments,
        "email_redesign": {**globals_["email"], "launch_day": str(to_date(globals_["email"]["launch_day"]))},
        "counts": {**counts, "friendship_spells": counts["completed_spells"],
                   "current_friend_pairs": counts["current_pairs"]},
    }
