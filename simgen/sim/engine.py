"""The generation engine: plan, then write chunks in parallel, then the truth.

Two passes over fixed chunks of Config.chunk_users members (context.CHUNK_USERS by default):
1. plan: each chunk reports its row counts for the tables with global ids (sessions,
   subscriptions), its friend communities and the bridges its members propose. The plan
   numbers ids with prefix sums and broadcasts communities and bridges as .npy files.
2. write: each chunk rebuilds its member frame (a pure function of the chunk), runs the chunk
   builders of registry.py in order on one ChunkContext, writes one Parquet part per table and
   returns small statistics for the truth. One more task runs the global builders.
Chunks never depend on the number of workers, so the bytes never do either.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from .. import __version__
from . import graph, members, truth
from .activity import day_index
from .calendar import DAY0
from .context import ChunkContext, Config, RunContext, Tables
from .executor import Executor, InProcess, LocalProcesses, make as make_executor
from .registry import CHUNK_BUILDERS, GLOBAL_BUILDERS, Builder
from .output import open_output
from .plan import ChunkSlice, Plan, PlanFiles
from .sinks import ReturnSink, Sink
from .writer import Notice, use_system_allocator
from ..dataset import DataFile, build_manifest
from ..errors import UsageError
from ..spec import TABLES, table


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
    sink: Sink | None  # None: the parts travel back in the result (ReturnSink)
    session_offset: int
    subscription_offset: int
    plan: ChunkSlice | PlanFiles  # its slice, or the spilled plan to cut it from (local workers)


@dataclass
class GlobalTask:
    cfg: Config
    sink: Sink | None


@dataclass
class ChunkResult:
    chunk: int
    files: dict[str, DataFile] = field(default_factory=dict)
    stats: dict = field(default_factory=dict)
    payloads: dict[str, bytes] = field(default_factory=dict)  # the parts themselves, from a ReturnSink


def write_chunk(task: ChunkTask) -> ChunkResult:
    ctx = _chunk_context(task)
    sink = task.sink or ReturnSink()
    res = ChunkResult(task.chunk)
    for b in CHUNK_BUILDERS:
        # The builder's output is an argument, not a variable: it is freed before the next builder
        # runs (a chunk's peak memory is its largest builder's, not their sum).
        _write(res, sink, task.chunk, b, b.build(ctx))
    res.stats = truth.chunk_stats(ctx.members, ctx.sessions, ctx.stats)
    res.stats["outage_sessions"] = int((day_index(ctx.sessions.ts) == ctx.outage - DAY0).sum())
    res.payloads = getattr(sink, "payloads", {})
    return res


def _chunk_context(task: ChunkTask) -> ChunkContext:
    m = task.cfg.member_frame(task.chunk)
    lo, hi = int(m.ids[0]), int(m.ids[-1]) + 1
    own = task.plan if isinstance(task.plan, ChunkSlice) else task.plan.slice(lo, hi)
    return ChunkContext(cfg=task.cfg, chunk=task.chunk, members=m, lo=lo, hi=hi, starts=own.starts,
                        bridges=own.bridges, session_offset=task.session_offset,
                        subscription_offset=task.subscription_offset)


def write_globals(task: GlobalTask) -> ChunkResult:
    ctx = RunContext(task.cfg)
    sink = task.sink or ReturnSink()
    res = ChunkResult(-1)
    for b in GLOBAL_BUILDERS:
        _write(res, sink, 0, b, b.build(ctx))
    res.stats = ctx.stats
    res.payloads = getattr(sink, "payloads", {})
    return res


def _write(res: ChunkResult, sink: Sink, part: int, builder: Builder, tables: Tables) -> None:
    if set(tables) != set(builder.tables):
        raise AssertionError(f"builder {builder.name!r} returned {sorted(tables)}, not {list(builder.tables)}")
    for name in builder.tables:
        res.files[name] = sink.put(table(name), part, tables[name])


# ---------------------------------------------------------------- driver
Progress = Callable[[str, int, int, int], None]  # (phase, done, total, rows so far)


def generate(cfg: Config, out: str | Path, jobs: int = 1, force: bool = False,
             progress: Progress | None = None, notice: Notice | None = None,
             executor: Executor | None = None) -> dict:
    """Write a whole dataset to `out` (a local path, or an fsspec URL) atomically; returns the manifest.

    `executor` maps the chunk tasks (executor.py: local processes by default, `jobs` of them; a
    DaskExecutor for a cluster); the bytes are the same whichever runs them. Raises
    OutputExistsError if `out` holds a dataset (without `force`), OutputError for any storage
    failure (full disk, impossible path), and leaves nothing behind either way (output.py).
    `notice` hears about stale temporary directories of dead runs that were removed on the way.
    """
    t0 = time.perf_counter()
    executor = executor or make_executor(jobs)
    if str(out).startswith("memory://") and not isinstance(executor, InProcess):
        raise UsageError("memory:// lives inside one process: generate into it with jobs=1 (or any other URL)")
    report = progress or (lambda *a: None)
    with open_output(out, force=force, notice=notice) as target:
        plans: list[ChunkPlan | None] = [None] * cfg.n_chunks
        for i, p in executor.map(plan_chunk, [(cfg, k) for k in range(cfg.n_chunks)]):
            plans[i] = p
            report("plan", sum(x is not None for x in plans), cfg.n_chunks, 0)
        plan = Plan.of(np.concatenate([p.starts for p in plans]), np.concatenate([p.bridges for p in plans]))
        sess_off = np.concatenate([[0], np.cumsum([p.n_sessions for p in plans])])
        sub_off = np.concatenate([[0], np.cumsum([p.n_subscriptions for p in plans])])
        del plans

        sink = target.sink(executor)
        spilled = plan.spill(target.scratch) if isinstance(executor, LocalProcesses) else None

        def tasks() -> Iterator[GlobalTask | ChunkTask]:  # each slice cut when a worker is free for it
            yield GlobalTask(cfg, sink)
            for k in range(cfg.n_chunks):
                lo, hi = members.chunk_bounds(k, cfg.chunk_users, cfg.users)
                yield ChunkTask(cfg, k, sink, int(sess_off[k]), int(sub_off[k]), spilled or plan.slice(lo, hi))

        results: list[ChunkResult | None] = [None] * (cfg.n_chunks + 1)
        rows = 0
        for i, r in executor.map(_dispatch, tasks()):
            target.store(r.payloads)
            r.payloads = {}
            results[i] = r
            rows += sum(f.rows for f in r.files.values())
            report("write", sum(x is not None for x in results), len(results), rows)
        del plan

        glob, chunks = results[0], results[1:]
        for c in chunks:
            if c.stats.pop("outage_sessions"):
                raise AssertionError("sessions generated on the outage day")
        doc = truth.merge([c.stats for c in chunks], glob.stats, cfg.block.truth(), cfg.outage)
        doc["dataset"] = _identity(cfg)  # what `simgen verify` checks the manifest against
        truth_file = target.write_text("truth.json", json.dumps(doc, indent=2, sort_keys=True) + "\n")
        files = {t.name: [r.files[t.name] for r in results if t.name in r.files] for t in TABLES}
        manifest = build_manifest(_manifest_identity(cfg), files, truth_file,
                                  created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                                  seconds=round(time.perf_counter() - t0, 3))
        target.commit(manifest)
    return manifest


def _dispatch(item: GlobalTask | ChunkTask) -> ChunkResult:
    """One function for the executor: the globals task first, then the chunks."""
    use_system_allocator()
    return write_globals(item) if isinstance(item, GlobalTask) else write_chunk(item)


def _identity(cfg: Config) -> dict:
    return {"seed": cfg.seed, "users": cfg.users, "profile": cfg.profile.name, "chunk_users": cfg.chunk_users}


def _manifest_identity(cfg: Config) -> dict:
    return {"simgen_version": __version__, **_identity(cfg)}
