"""John's neighbourhood: a hand-built friend community where every common wrong answer to
new_best_friend picks someone else.

The block is BLOCK_SIZE consecutive members forming their own community, with no organic
friendships, likes or blocks, and no bridges to the rest of the graph. Their page likes use
RESERVED_PAGES pages that organic likes never touch, so nobody outside the block shares a
page or a friend with John: every score is fixed by the design below.

Scores (3 x mutual + 2 x shared pages), with the mistake that would pick each member:

| role | mutual | pages | score | picked by the mistake of |
|---|---|---|---|---|
| X (answer) | 3 | 2 | 13 | (right answer: ex-friend, tie won by smaller user_id) |
| Y 'John Doe Jr.' | 1 | 5 | 13 | tie broken by larger id; ex-friends excluded via friends_added |
| B | 4 | 4 | 20 | not excluding members John blocked |
| C | 4 | 3 | 18 | not excluding members who block John |
| Z | 4 | 0 | 12 | ranking by mutual friends only; counting friendships in both directions |
| W | 0 | 6 | 12 | ranking by shared pages only; weights swapped |
| F1 (friend) | 2 | 5 | 16 | not excluding current friends |
| John | 6 | 8 | 34 | not excluding John himself |

The edge profile's variant adds one friendship (Z with F5): Z, with 5 mutual friends and no
shared page (score 15), is then the answer, which catches combining the two signals with an
inner join (it keeps only members who have both, and picks X).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BLOCK_SIZE = 16
RESERVED_PAGES = 12

# Offsets of each role inside the block.
W, X, F1, F2, JOHN, F3, F4, F5, B, C, Y, Z, F6, Q, R, DECOY = range(BLOCK_SIZE)
FRIENDS = (F1, F2, F3, F4, F5, F6)

# Current friendships inside the block (undirected).
_EDGES = [
    (JOHN, F1), (JOHN, F2), (JOHN, F3), (JOHN, F4), (JOHN, F5), (JOHN, F6),
    (F1, F2), (F1, F3), (F2, F3), (F4, F5), (F5, F6),
    (X, F1), (X, F2), (X, F3),
    (Y, F4),
    (Z, F1), (Z, F2), (Z, F3), (Z, F4),
    (B, F1), (B, F2), (B, F3), (B, F5),
    (C, F2), (C, F3), (C, F4), (C, F5),
    (Q, F5), (Q, F6),
    (W, R), (Z, R), (DECOY, R),
]
# Pairs whose history is planted: (a, b, cycles, current)
_HISTORY = {
    (JOHN, X): (1, False),  # an ex-friend: the right answer
    (JOHN, F4): (3, True),  # added and removed twice, friends again
    (JOHN, B): (2, False),  # an ex-friend John then blocked
}
# Pages are numbered 1..RESERVED_PAGES within the reserved range.
_LIKES = {
    JOHN: range(1, 9),
    X: (1, 2), W: range(1, 7), B: range(1, 5), C: (5, 6, 7), Y: range(3, 8),
    Q: (8,), F1: range(1, 6), F2: (6,), F3: (9, 10), F4: (11,), F5: (12, 9), F6: (10,),
    Z: (9, 10), R: (11,), DECOY: (12,),
}
_BLOCKS = [(JOHN, B), (C, JOHN), (R, DECOY)]
_SINGLE_SIGNAL_EDGES = [(Z, F5)]
NAMES = {JOHN: "John Doe", Y: "John Doe Jr.", DECOY: "Johnny Doe"}


def block_start(n_users: int, chunk_users: int) -> int:
    """First user_id of the block: a fifth of the way into the member list, never across chunks."""
    b0 = 1 + n_users // 5
    b0 = min(b0, n_users - BLOCK_SIZE + 1)
    if (b0 - 1) // chunk_users != (b0 + BLOCK_SIZE - 2) // chunk_users:
        b0 = ((b0 + BLOCK_SIZE - 2) // chunk_users) * chunk_users + 1
    return b0


@dataclass(frozen=True)
class Block:
    start: int  # first user_id
    first_page: int  # first reserved page_id
    single_signal_winner: bool = False  # the edge variant: the answer has mutual friends only

    @property
    def stop(self) -> int:
        return self.start + BLOCK_SIZE

    @property
    def john(self) -> int:
        return self.start + JOHN

    def contains(self, ids: np.ndarray) -> np.ndarray:
        return (ids >= self.start) & (ids < self.stop)

    def ever_pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(lo, hi, cycles, current) for every pair with a planted friendship history."""
        edges = _EDGES + (_SINGLE_SIGNAL_EDGES if self.single_signal_winner else [])
        pairs = {tuple(sorted(e)): (1, True) for e in edges}
        pairs.update({tuple(sorted(k)): v for k, v in _HISTORY.items()})
        keys = sorted(pairs)
        lo = np.array([self.start + a for a, _ in keys], np.int64)
        hi = np.array([self.start + b for _, b in keys], np.int64)
        cycles = np.array([pairs[k][0] for k in keys], np.int64)
        current = np.array([pairs[k][1] for k in keys], bool)
        return lo, hi, cycles, current

    def likes(self) -> tuple[np.ndarray, np.ndarray]:
        users = [self.start + m for m, pages in _LIKES.items() for _ in pages]
        pages = [self.first_page + p - 1 for ps in _LIKES.values() for p in ps]
        return np.array(users, np.int64), np.array(pages, np.int64)

    def blocks(self) -> tuple[np.ndarray, np.ndarray]:
        return (np.array([self.start + a for a, _ in _BLOCKS], np.int64),
                np.array([self.start + b for _, b in _BLOCKS], np.int64))

    def truth(self) -> dict:
        s = self.start
        return {
            "user_id": self.john,
            "best_friend": ({"user_id": s + Z, "mutual_friends": 5, "shared_pages": 0, "score": 15}
                            if self.single_signal_winner else
                            {"user_id": s + X, "mutual_friends": 3, "shared_pages": 2, "score": 13}),
            "friends": sorted(s + f for f in FRIENDS),
            "ex_friend": s + X,
            "tie_loser": s + Y,
            "blocked_by_john": s + B,
            "blocks_john": s + C,
            "mutual_only_pick": s + Z,
            "pages_only_pick": s + W,
            "name_decoys": [s + Y, s + DECOY],
        }
