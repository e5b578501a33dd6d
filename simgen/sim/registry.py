"""Which builder makes which table of spec.py: the one place that binds them.

A builder takes a context (context.py) and returns {table: columns} for exactly its tables.
Chunk builders run in this order within a chunk, each one's output written and dropped before
the next starts, so a chunk's peak memory is its largest builder's, not their sum (the social
tables go before sessions for this reason). What a builder leaves for later ones:

* social: ctx.community and ctx.spillover (read by activity), the pair counts in ctx.stats;
* activity: the close_friends assignment in ctx.members.assignments (read by ab_tests) and
  ctx.sessions (read by the truth, with the member frame and ctx.stats, after the last builder).

Global builders run once per dataset with a RunContext (one part each); their planted facts go
to ctx.stats. `bind` checks at import that every table of spec.TABLES has exactly one builder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..spec import TABLES
from . import activity, billing, company, experiments, social
from .context import Tables


@dataclass(frozen=True)
class Builder:
    name: str
    tables: tuple[str, ...]  # in the order their parts are written
    per_chunk: bool  # False: once per dataset (global), one part per table
    build: Callable[[Any], Tables]  # ChunkContext -> Tables, or RunContext -> Tables when global


BUILDERS: tuple[Builder, ...] = (
    Builder("social", ("friends", "friends_added", "friends_removed", "page_likes", "block_list"), True,
            social.build),
    Builder("activity", ("sessions", "attribution"), True, activity.build),
    Builder("users", ("users",), True, company.users),
    Builder("ab_tests", ("ab_tests",), True, experiments.ab_tests),
    Builder("subscriptions", ("subscriptions",), True, billing.subscriptions),
    Builder("pages", ("pages",), False, company.pages),
    Builder("salaries", ("salaries",), False, company.salaries),
    Builder("email_daily", ("email_daily",), False, company.email_daily),
)


def bind(builders: Iterable[Builder], tables: Iterable[str]) -> dict[str, Builder]:
    """{table: its builder}; ValueError naming any table with no builder or several, or unknown."""
    owner: dict[str, Builder] = {}
    wanted = list(tables)
    for b in builders:
        for t in b.tables:
            if t not in wanted:
                raise ValueError(f"builder {b.name!r} produces {t!r}, which is not a table of spec.py")
            if t in owner:
                raise ValueError(f"table {t!r} is produced by two builders: {owner[t].name!r} and {b.name!r}")
            owner[t] = b
    unbound = [t for t in wanted if t not in owner]
    if unbound:
        names = ", ".join(repr(t) for t in unbound)
        raise ValueError(f"table {names} produced by no builder (register one in simgen/sim/registry.py)")
    return owner


OWNER = bind(BUILDERS, (t.name for t in TABLES))
CHUNK_BUILDERS = tuple(b for b in BUILDERS if b.per_chunk)
GLOBAL_BUILDERS = tuple(b for b in BUILDERS if not b.per_chunk)
GLOBAL_TABLES = tuple(t for b in GLOBAL_BUILDERS for t in b.tables)  # one part each; the rest, one per chunk
