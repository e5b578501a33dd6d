"""What a builder is given: one object instead of 7-10 positional parameters.

`Config` is the run (seed, size, profile, chunking); everything else derives from it. A global
builder (one part per dataset) gets a `RunContext`; a chunk builder gets a `ChunkContext`: the
run, the chunk's member frame and id range, the plan's data for the chunk (community starts,
the bridges touching it, id offsets) and slots for what earlier builders of the chunk computed
for later ones (registry.py says who fills which). A context lives inside one worker and is
never pickled; only `Config` travels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..profile import Profile
from . import members, social
from .calendar import outage_day
from .plant import RESERVED_PAGES, Block, block_start

if TYPE_CHECKING:
    from .activity import Sessions

CHUNK_USERS = 100_000

Columns = dict[str, Any]  # column name -> values (numpy, masked or Arrow arrays)
Tables = dict[str, Columns]  # what a builder returns: table name -> its columns


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


@dataclass
class RunContext:
    """The run, and `stats`: small facts for truth.json that builders learn on the way."""

    cfg: Config
    stats: dict = field(default_factory=dict)

    @property
    def seed(self) -> int:
        return self.cfg.seed

    @property
    def profile(self) -> Profile:
        return self.cfg.profile

    @property
    def users(self) -> int:
        return self.cfg.users

    @property
    def outage(self) -> int:
        return self.cfg.outage

    @property
    def block(self) -> Block:
        return self.cfg.block


@dataclass(kw_only=True)
class ChunkContext(RunContext):
    """One chunk: members [lo, hi), the plan's data for it, and the intermediates of its builders."""

    chunk: int
    members: members.Members
    lo: int
    hi: int
    starts: np.ndarray  # sorted first ids of all communities (global)
    bridges: np.ndarray  # (k, 2) bridges with an end in [lo, hi)
    session_offset: int  # sessions of earlier chunks: session_id = offset + 1 + rank
    subscription_offset: int
    # filled by the builders, in registry order
    community: np.ndarray | None = None  # social: community id of each member
    spillover: np.ndarray | None = None  # social: member has a current friend treated in close_friends
    sessions: Sessions | None = None  # activity: the chunk's sessions (also read by the truth)
