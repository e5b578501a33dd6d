"""The stream's events as data: which batch rows become which events, and the envelope.

Every event is one row of a batch table, carried whole, so a consumer rebuilds the table by
projection. A subscription row is two facts in time, so it becomes two events: a start at
`sub_dt` (with `cancel_dt` NULL, since nobody knows the future yet) and, when `cancel_dt` is
set, a cancellation at `cancel_dt` carrying the full row. A session event also carries its
attribution (channel, conversion), so sessions and attribution both round-trip.

`KINDS` is listed in tie-break order: at one instant a subscription starts before anything
else happens and is cancelled after everything else, so a same-day cancellation follows its
start. Within a kind, rows at one instant are ordered by the kind's key.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from ..spec import table


@dataclass(frozen=True)
class Kind:
    """One event type: its batch table(s), event time and tie-break key, as SQL over the table.

    `tables[1:]` are aligned row for row with `tables[0]` (attribution with sessions) and
    share its first column as the join key.
    """

    event_type: str
    tables: tuple[str, ...]
    time: str
    key: str
    where: str = "TRUE"
    replace: dict[str, str] = field(default_factory=dict)  # column -> SQL expression

    @property
    def columns(self) -> list[str]:
        """The payload columns: the table's, then the aligned tables' minus their join key."""
        names = list(table(self.tables[0]).column_names)
        for extra in self.tables[1:]:
            names += table(extra).column_names[1:]
        return names


KINDS: tuple[Kind, ...] = (
    Kind("subscription_started", ("subscriptions",), "sub_dt::TIMESTAMP", "subscription_id",
         replace={"cancel_dt": "NULL::DATE"}),
    Kind("ab_assignment", ("ab_tests",), "assigned_at", "user_id, experiment_id"),
    Kind("friend_added", ("friends_added",), "added_at", "user_a, user_b"),
    Kind("page_like", ("page_likes",), "liked_at", "user_id, page_id"),
    Kind("session", ("sessions", "attribution"), "session_ts", "session_id"),
    Kind("friend_removed", ("friends_removed",), "removed_at", "user_a, user_b"),
    Kind("subscription_cancelled", ("subscriptions",), "cancel_dt::TIMESTAMP", "subscription_id",
         where="cancel_dt IS NOT NULL"),
)

EVENT_TYPES: tuple[str, ...] = tuple(k.event_type for k in KINDS)

# The tables a consumer can rebuild from the stream, in the order their columns appear.
REBUILT_TABLES = ("sessions", "attribution", "page_likes", "friends_added", "friends_removed", "ab_tests",
                  "subscriptions")

ENVELOPE = pa.schema([
    pa.field("offset", pa.int64()),
    pa.field("event_id", pa.int64()),
    pa.field("event_type", pa.string()),
    pa.field("event_time", pa.timestamp("us")),
    pa.field("late", pa.bool_()),
    pa.field("duplicate", pa.bool_()),
])


def _payload_schema() -> pa.Schema:
    """The union of the rebuilt tables' columns, first appearance first, types from the contract."""
    fields: dict[str, pa.Field] = {}
    for name in REBUILT_TABLES:
        for col in table(name).columns:
            fields.setdefault(col.name, pa.field(col.name, col.type))
    return pa.schema(list(fields.values()))


PAYLOAD = _payload_schema()

# What csv and arrow carry: the envelope, then every payload column (empty where it does not apply).
WIDE = pa.schema(list(ENVELOPE) + list(PAYLOAD))
