-- dialect: spark
-- Normalized pairs, a single event stream, and LEAD over it; only add -> remove transitions are spells.
WITH events AS (
    SELECT least(user_a, user_b) AS user_a, greatest(user_a, user_b) AS user_b, added_at AS ts, 1 AS is_add
    FROM friends_added
    UNION ALL
    SELECT least(user_a, user_b), greatest(user_a, user_b), removed_at, 0
    FROM friends_removed
),
nexts AS (
    SELECT user_a, user_b, ts, is_add,
           lead(ts) OVER (PARTITION BY user_a, user_b ORDER BY ts) AS next_ts,
           lead(is_add) OVER (PARTITION BY user_a, user_b ORDER BY ts) AS next_is_add
    FROM events
)
SELECT user_a, user_b, ts AS started_at, next_ts AS ended_at
FROM nexts
WHERE is_add = 1 AND next_is_add = 0;
