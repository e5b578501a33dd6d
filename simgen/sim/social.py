"""The social tables of one chunk: friends, friendship events, block list and page likes.

Ownership rules keep cross-chunk structure consistent with no coordination:
* friends: a chunk writes the rows whose user_id it holds (so both directions of a
  crossing friendship are written, one by each chunk);
* friends_added / friends_removed: the chunk holding the pair's lower id writes its events;
* block_list and page_likes: the chunk holding the acting member (user_id) writes the row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..profile import Profile
from . import experiments as ex
from . import graph
from .calendar import US_PER_DAY, US_PER_S, WINDOW_END_US, outage_day, signup_days
from .members import Members
from .plant import RESERVED_PAGES, Block
from .rng import hash_u64, hash_uniform, stream
from .sets import distinct, distinct_pairs

if TYPE_CHECKING:
    from .context import ChunkContext, Tables

TASTE_SIZE = 25
ZIPF_EXPONENT = 0.95
EX_FRIEND_BLOCK = 0.12  # share of ended friendships where one side blocks the other


def page_count(profile: Profile, n_users: int) -> int:
    return max(profile.min_pages, int(round(n_users * profile.pages_per_member)))


class PagePopularity:
    """Zipf popularity over the organic pages (the reserved pages are never drawn)."""

    def __init__(self, seed: int, n_pages: int):
        n_org = n_pages - RESERVED_PAGES
        self.page_ids = stream(seed, "pages", "popularity").permutation(n_org).astype(np.int64) + 1
        w = 1.0 / np.arange(1, n_org + 1) ** ZIPF_EXPONENT
        self.cdf = np.cumsum(w) / w.sum()

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        rank = np.searchsorted(self.cdf, rng.random(n), side="right")
        return self.page_ids[np.minimum(rank, self.page_ids.size - 1)]


def build(ctx: ChunkContext) -> Tables:
    """friends, friends_added, friends_removed, page_likes and block_list of a chunk.

    Leaves for later builders ctx.community, ctx.spillover (close_friends) and the pair counts
    (ctx.stats, for the truth); the pair histories die with this call.
    """
    seed, profile, n_users, m, starts, block = ctx.seed, ctx.profile, ctx.users, ctx.members, ctx.starts, ctx.block
    bridges, outage, lo_id, hi_id = ctx.bridges, ctx.outage, ctx.lo, ctx.hi
    in_chunk = lambda ids: (ids >= lo_id) & (ids < hi_id)  # noqa: E731
    first = np.searchsorted(starts, lo_id)
    last = np.searchsorted(starts, hi_id)
    local = starts[first:last]
    comm_idx = np.searchsorted(local, m.ids, side="right") - 1
    comm = local[comm_idx]
    comm_size = np.append(local[1:], hi_id)[comm_idx] - comm

    a, b = graph.intra_pairs(seed, profile, m.chunk, m.ids, comm, comm_size, block)
    a, b = distinct_pairs(np.concatenate([a, bridges[:, 0]]), np.concatenate([b, bridges[:, 1]]))
    start_day = np.maximum(signup_days(a, n_users, profile, outage), signup_days(b, n_users, profile, outage))
    hist = graph.pair_history(seed, profile, a, b, start_day)
    if block.start >= lo_id and block.start < hi_id:
        pa_, pb_, cycles, current = block.ever_pairs()
        sd = np.maximum(signup_days(pa_, n_users, profile, outage), signup_days(pb_, n_users, profile, outage))
        ph = graph.pair_history(seed, profile, pa_, pb_, sd, cycles, current)
        hist = graph.PairHistory(*(np.concatenate([x, y]) for x, y in
                                   ((hist.lo, ph.lo), (hist.hi, ph.hi), (hist.n_events, ph.n_events),
                                    (hist.times, ph.times))))

    owned = in_chunk(hist.lo)
    ev = graph.events(seed, hist, owned)
    add = ev["is_add"]
    added = {"user_a": ev["a"][add], "user_b": ev["b"][add], "added_at": ev["ts"][add]}
    removed = {"user_a": ev["a"][~add], "user_b": ev["b"][~add], "removed_at": ev["ts"][~add]}

    cur = hist.current
    fl, fh = hist.lo[cur], hist.hi[cur]
    fu = np.concatenate([fl[in_chunk(fl)], fh[in_chunk(fh)]])
    ff = np.concatenate([fh[in_chunk(fl)], fl[in_chunk(fh)]])
    key = np.sort(fu << 32 | ff)  # by (user_id, friend_id): what lexsort gives, 10x faster
    fu, ff = key >> 32, key & 0xFFFFFFFF
    friends = {"user_id": fu, "friend_id": ff}

    spillover = _spillover(seed, n_users, profile, outage, m, starts, fu, ff)
    blocks = _blocks(seed, profile, m, hist, comm, comm_size, block, in_chunk, fu, ff)
    likes = _likes(seed, profile, n_users, m, comm_idx, local.size, block)
    ctx.community, ctx.spillover = comm, spillover
    ctx.stats.update(completed_spells=int((hist.n_events[owned] // 2).sum()), current_pairs=int(cur[owned].sum()))
    return {"friends": friends, "friends_added": added, "friends_removed": removed, "page_likes": likes,
            "block_list": blocks}


def _spillover(seed: int, n_users: int, profile: Profile, outage: int, m: Members, starts: np.ndarray,
               fu: np.ndarray, ff: np.ndarray) -> np.ndarray:
    """Members with at least one current friend treated in close_friends (whose watching rubs off)."""
    fcomm = graph.community_of(starts, ff)
    part, treated = ex.close_friends_arms(seed, fcomm)
    joined = signup_days(ff, n_users, profile, outage) < ex.day_of(ex.CLOSE_FRIENDS.start)
    hit = distinct(fu[part & treated & joined])
    out = np.zeros(m.size, bool)
    out[hit - m.ids[0]] = True
    return out


def _blocks(seed: int, profile: Profile, m: Members, hist: graph.PairHistory, comm: np.ndarray,
            comm_size: np.ndarray, block: Block, in_chunk, fu: np.ndarray, ff: np.ndarray) -> dict[str, np.ndarray]:
    # ended friendships: sometimes one side blocks the other (both chunks agree via the pair hash)
    ended = ~hist.current & (hash_uniform(seed, "block.ex_friend", hist.lo, hist.hi) < EX_FRIEND_BLOCK)
    ended &= ~block.contains(hist.lo)  # the planted block's blocks are all planted
    flip = (hash_u64(seed, "block.side", hist.lo, hist.hi) & np.uint64(1)).astype(bool)
    blocker = np.where(flip, hist.hi, hist.lo)[ended]
    blocked = np.where(flip, hist.lo, hist.hi)[ended]
    # strangers in one's own community (the people a recommender would suggest)
    rng = stream(seed, "block_list", "stranger", m.chunk)
    rate = max(profile.blocks_per_member - 0.05, 0.0)
    who = np.flatnonzero((rng.random(m.size) < rate) & (comm_size > 1) & ~block.contains(m.ids))
    step = 1 + (rng.random(who.size) * (comm_size[who] - 1)).astype(np.int64)
    target = comm[who] + (m.ids[who] - comm[who] + step) % comm_size[who]
    bu, bb = block.blocks()
    u = np.concatenate([blocker, m.ids[who], bu])
    v = np.concatenate([blocked, target, bb])
    keep = in_chunk(u) & (u != v)
    u, v = u[keep], v[keep]
    key = distinct(u << 32 | v)
    friend_key = np.sort(fu << 32 | ff)
    pos = np.minimum(np.searchsorted(friend_key, key), max(friend_key.size - 1, 0))
    is_friend = friend_key[pos] == key if friend_key.size else np.zeros(key.size, bool)
    key = key[~is_friend]
    return {"user_id": key >> 32, "blocked_id": key & 0xFFFFFFFF}


def _likes(seed: int, profile: Profile, n_users: int, m: Members, comm_idx: np.ndarray, n_comm: int,
           block: Block) -> dict[str, np.ndarray]:
    """Zipf-popular pages, and a community taste that makes friends like the same pages."""
    n_pages = page_count(profile, n_users)
    pop = PagePopularity(seed, n_pages)
    rng = stream(seed, "page_likes", "pages", m.chunk)
    # A community's taste is drawn uniformly, not by popularity: otherwise every taste would be
    # the same few hit pages and friends would share no more pages than strangers do.
    taste = pop.page_ids[rng.integers(0, pop.page_ids.size, n_comm * TASTE_SIZE)].reshape(n_comm, TASTE_SIZE)
    sigma = 1.0
    k = np.floor(rng.lognormal(np.log(profile.likes_per_member) - sigma**2 / 2, sigma, m.size)).astype(np.int64)
    k = np.minimum(k, 300)
    k[block.contains(m.ids)] = 0
    who = np.repeat(np.arange(m.size), k)
    from_taste = rng.random(who.size) < profile.taste_share
    page = np.where(from_taste, taste[comm_idx[who], rng.integers(0, TASTE_SIZE, who.size)], pop.draw(rng, who.size))
    user = m.ids[who]
    if block.start >= m.ids[0] and block.start <= m.ids[-1]:
        bu, bp = block.likes()
        user, page = np.concatenate([user, bu]), np.concatenate([page, bp])
    key, first = np.unique(user * (n_pages + 1) + page, return_index=True)
    user, page = key // (n_pages + 1), key % (n_pages + 1)
    start = signup_days(user, n_users, profile, outage_day(seed)).astype(np.int64) * US_PER_DAY
    span_s = (WINDOW_END_US - start) // US_PER_S
    ts = start + (stream(seed, "page_likes", "liked_at", m.chunk).random(user.size) * span_s).astype(np.int64) * US_PER_S
    return {"user_id": user, "page_id": page, "liked_at": ts}
