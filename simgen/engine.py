"""The generation engine: plan, then write chunks in parallel, then the truth.

Two passes over fixed chunks of CHUNK_USERS members:
1. plan: each chunk reports its row counts for the tables with global ids (sessions,
   subscriptions), its friend communities and the bridges its members propose. The plan
   numbers ids with prefix sums and broadcasts communities and bridges as .npy files.
2. write: each chunk rebuilds its member frame (a pure function of the chunk), builds its
   rows, writes one Parquet part per table and returns small statistics for the truth.
Chunks never depend on the number of workers, so the bytes never do either.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from . import __version__, activity, company, experiments as ex, graph, members, social, truth, vocab
from .billing import PLANS, latest_plan
from .calendar import DAY0, outage_day
from .executor import make as make_executor
from .members import COUNTRIES, DEVICES
from .plant import NAMES, RESERVED_PAGES, Block, block_start
from .profile import Profile
from .spec import TABLES, table
from .writer import AtomicDir, Notice, labels, save_npy, sha256, use_system_allocator, write_part, write_text
from .sets import distinct_rows

CHUNK_USERS = 100_000
GLOBAL_TABLES = ("pages", "salaries", "email_daily")  # one part each (write_globals); the rest, one per chunk


@dataclass(frozen=True)
class Config:
    seed: int
    users: int
    profile: Profile
    chunk_users: int = CHUNK_USERS

    @property
    def n_chunks(self) -> int:
        return -(-self.users // self.chunk_users)

    @property
    def outage(self) -> int:
        return outage_day(self.seed)

    @property
    def n_pages(self) -> int:
        return social.page_count(self.profile, self.users)

    @property
    def block(self) -> Block:
        return Block(block_start(self.users, self.chunk_users), self.n_pages - RESERVED_PAGES + 1,
                     single_signal_winner=self.profile.single_signal_best_friend)

    def member_frame(self, chunk: int) -> members.Members:
        return members.build(self.seed, self.profile, self.users, chunk, self.chunk_users, self.outage)


# ---------------------------------------------------------------- pass 1: plan
@dataclass
class ChunkPlan:
    chunk: int
    n_sessions: int
    n_subscriptions: int
    starts: np.ndarray
    bridges: np.ndarray


def plan_chunk(args: tuple[Config, int]) -> ChunkPlan:
    use_system_allocator()
    cfg, chunk = args
    m = cfg.member_frame(chunk)
    lo, hi = members.chunk_bounds(chunk, cfg.chunk_users, cfg.users)
    starts = graph.community_starts(cfg.seed, cfg.profile, chunk, lo, hi, cfg.block)
    bridges = graph.bridge_stubs(cfg.seed, cfg.profile, chunk, lo, hi, cfg.users, cfg.block)
    return ChunkPlan(chunk, m.n_sessions, m.spells.size, starts, bridges)


# ---------------------------------------------------------------- pass 2: write
@dataclass
class ChunkTask:
    cfg: Config
    chunk: int
    root: str
    session_offset: int
    subscription_offset: int


@dataclass
class ChunkResult:
    chunk: int
    files: dict[str, dict] = field(default_factory=dict)
    stats: dict = field(default_factory=dict)


def _plan_dir(root: Path) -> Path:
    return root / "_plan"


def _relevant_bridges(root: Path, lo: int, hi: int) -> np.ndarray:
    by_lo = np.load(_plan_dir(root) / "bridges_by_lo.npy", mmap_mode="r")
    by_hi = np.load(_plan_dir(root) / "bridges_by_hi.npy", mmap_mode="r")
    a = by_lo[np.searchsorted(by_lo[:, 0], lo): np.searchsorted(by_lo[:, 0], hi)]
    b = by_hi[np.searchsorted(by_hi[:, 1], lo): np.searchsorted(by_hi[:, 1], hi)]
    return distinct_rows(np.concatenate([a, b]))


def write_chunk(task: ChunkTask) -> ChunkResult:
    cfg, root, k = task.cfg, Path(task.root), task.chunk
    m = cfg.member_frame(k)
    lo, hi = int(m.ids[0]), int(m.ids[-1]) + 1
    starts = np.load(_plan_dir(root) / "starts.npy", mmap_mode="r")
    soc = social.build(cfg.seed, cfg.profile, cfg.users, m, np.asarray(starts), _relevant_bridges(root, lo, hi), cfg.block)
    res = ChunkResult(k)
    put = lambda name, cols: res.files.__setitem__(name, write_part(root, table(name), k, cols))  # noqa: E731
    # Social tables go out before sessions are built: the chunk's peak memory is the larger of
    # the two, not their sum.
    for name, cols in (("friends", soc.friends), ("friends_added", soc.added), ("friends_removed", soc.removed),
                       ("page_likes", soc.likes), ("block_list", soc.blocks)):
        put(name, cols)
    social_counts = {"completed_spells": soc.completed_spells, "current_pairs": soc.current_pairs}
    community, spillover = soc.community, soc.spillover
    del soc

    cf = m.assignments[ex.CLOSE_FRIENDS.id] = ex.assign_close_friends(cfg.seed, k, m.ids, m.signup, community)
    cf_treated = np.zeros(m.size, bool)
    cf_treated[cf.member] = cf.treated
    cf_at = np.full(m.size, -1, np.int64)
    cf_at[cf.member] = cf.assigned_us
    s = activity.build(cfg.seed, m, cfg.outage, spillover, cf_treated, cf_at)

    put("users", _users_columns(cfg, m))
    session_id = task.session_offset + 1 + s.id_rank
    put("sessions", {"session_id": session_id, "user_id": m.ids[s.member], "session_ts": s.ts,
                     "device": labels(DEVICES, s.device), "duration_s": s.duration_s, "watch_minutes": s.minutes})
    put("attribution", {"session_id": session_id, "channel": labels(activity.CHANNELS, s.channel), "conversion": s.conversion})
    put("ab_tests", _ab_columns(m))
    sp = m.spells
    put("subscriptions", {
        "subscription_id": task.subscription_offset + 1 + np.arange(sp.size, dtype=np.int64),
        "user_id": m.ids[sp.member], "plan": labels(PLANS, sp.plan), "sub_dt": sp.sub_day.astype(np.int32),
        "cancel_dt": np.ma.masked_array(sp.cancel_day.astype(np.int32), mask=sp.cancel_day < 0),
        "monthly_price": sp.price_cents,
    })
    res.stats = truth.chunk_stats(m, s, social_counts)
    res.stats["outage_sessions"] = int((activity.day_index(s.ts) == cfg.outage - DAY0).sum())
    return res


def _users_columns(cfg: Config, m: members.Members) -> dict:
    name, email = company.user_names(cfg.seed, m.chunk, m.country, m.ids, tuple(vocab.load()["email_domains"]))
    b = cfg.block
    if b.start >= m.ids[0] and b.start <= m.ids[-1]:
        name = name.to_numpy(zero_copy_only=False).astype(object)
        for offset, planted in NAMES.items():
            name[b.start + offset - m.ids[0]] = planted
    return {"user_id": m.ids, "name": name, "email": email, "country": labels(COUNTRIES, m.country),
            "signup_date": m.signup, "plan": labels(PLANS, latest_plan(m.spells, m.plan_pref)),
            "device": labels(DEVICES, m.device), "birth_year": m.birth_year}


def _ab_columns(m: members.Members) -> dict:
    parts = [m.assignments[e.id] for e in ex.EXPERIMENTS]
    return {
        "experiment_id": np.concatenate([np.full(a.member.size, a.experiment.id) for a in parts]),
        "user_id": np.concatenate([m.ids[a.member] for a in parts]),
        "variant": np.concatenate([np.where(a.treated, a.experiment.treatment, a.experiment.control) for a in parts]),
        "assigned_at": np.concatenate([a.assigned_us for a in parts]),
        "unit_id": np.concatenate([a.unit_id for a in parts]),
    }


def write_globals(args: tuple[Config, str]) -> ChunkResult:
    cfg, root = args
    res = ChunkResult(-1)
    res.files["pages"] = write_part(Path(root), table("pages"), 0, company.pages(cfg.seed, cfg.n_pages))
    sal, sal_truth = company.salaries(cfg.seed, cfg.profile, cfg.users)
    res.files["salaries"] = write_part(Path(root), table("salaries"), 0, sal)
    em, em_truth = company.email_daily(cfg.seed, cfg.profile, cfg.users)
    res.files["email_daily"] = write_part(Path(root), table("email_daily"), 0, em)
    res.stats = {"salaries": sal_truth, "email": em_truth}
    return res


# ---------------------------------------------------------------- driver
Progress = Callable[[str, int, int, int], None]  # (phase, done, total, rows so far)


def generate(cfg: Config, out: Path, jobs: int = 1, force: bool = False,
             progress: Progress | None = None, notice: Notice | None = None) -> dict:
    """Write a whole dataset to `out` atomically; returns the manifest.

    Raises OutputExistsError if `out` exists (without `force`), OutputError for any file-system
    failure (full disk, impossible path), and leaves nothing behind either way. `notice` hears
    about stale temporary directories of dead runs that were removed on the way.
    """
    t0 = time.perf_counter()
    executor = make_executor(jobs)
    report = progress or (lambda *a: None)
    with AtomicDir(Path(out), force=force, notice=notice) as root:
        plans: list[ChunkPlan | None] = [None] * cfg.n_chunks
        for i, p in executor.map(plan_chunk, [(cfg, k) for k in range(cfg.n_chunks)]):
            plans[i] = p
            report("plan", sum(x is not None for x in plans), cfg.n_chunks, 0)
        plan_dir = _plan_dir(root)
        plan_dir.mkdir()
        save_npy(plan_dir / "starts.npy", np.concatenate([p.starts for p in plans]))
        bridges = np.concatenate([p.bridges for p in plans])
        bridges = distinct_rows(bridges)
        save_npy(plan_dir / "bridges_by_lo.npy", bridges)
        save_npy(plan_dir / "bridges_by_hi.npy", bridges[np.argsort(bridges[:, 1], kind="stable")])
        sess_off = np.concatenate([[0], np.cumsum([p.n_sessions for p in plans])])
        sub_off = np.concatenate([[0], np.cumsum([p.n_subscriptions for p in plans])])
        del plans, bridges

        tasks: list = [ChunkTask(cfg, k, str(root), int(sess_off[k]), int(sub_off[k])) for k in range(cfg.n_chunks)]
        results: list[ChunkResult | None] = [None] * (len(tasks) + 1)
        rows = 0
        for i, r in executor.map(_dispatch, [(cfg, str(root))] + tasks):
            results[i] = r
            rows += sum(f["rows"] for f in r.files.values())
            report("write", sum(x is not None for x in results), len(results), rows)
        shutil.rmtree(plan_dir)

        glob, chunks = results[0], results[1:]
        for c in chunks:
            if c.stats.pop("outage_sessions"):
                raise AssertionError("sessions generated on the outage day")
        doc = truth.merge([c.stats for c in chunks], glob.stats, cfg.block.truth(), cfg.outage)
        doc["dataset"] = _identity(cfg)  # what `simgen verify` checks the manifest against
        write_text(root / "truth.json", json.dumps(doc, indent=2, sort_keys=True) + "\n")
        manifest = _manifest(cfg, results, time.perf_counter() - t0)
        manifest["truth"] = {"path": "truth.json", "sha256": sha256(root / "truth.json")}
        write_text(root / "manifest.json", json.dumps(manifest, indent=2) + "\n")
    return manifest


def _dispatch(item):
    """One function for the executor: the globals task first, then the chunks."""
    use_system_allocator()
    return write_globals(item) if isinstance(item, tuple) else write_chunk(item)


def _identity(cfg: Config) -> dict:
    return {"seed": cfg.seed, "users": cfg.users, "profile": cfg.profile.name, "chunk_users": cfg.chunk_users}


def _manifest(cfg: Config, results: list[ChunkResult], seconds: float) -> dict:
    tables = {}
    for t in TABLES:
        files = [r.files[t.name] for r in results if t.name in r.files]
        files.sort(key=lambda f: f["path"])
        tables[t.name] = {"rows": sum(f["rows"] for f in files), "files": files}
    return {
        "simgen_version": __version__, "seed": cfg.seed, "users": cfg.users, "profile": cfg.profile.name,
        "chunk_users": cfg.chunk_users, "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "seconds": round(seconds, 3), "tables": tables,
    }
