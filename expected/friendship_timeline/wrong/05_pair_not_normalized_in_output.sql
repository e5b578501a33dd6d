-- mistake: matches on the unordered pair but outputs the pair in the order the add recorded it, not smaller id first
WITH events AS (
    SELECT user_a, user_b, LEAST(user_a, user_b) AS lo, GREATEST(user_a, user_b) AS hi,
           added_at AS ts, 'add' AS kind
    FROM friends_added
    UNION ALL
    SELECT user_a, user_b, LEAST(user_a, user_b), GREATEST(user_a, user_b), removed_at, 'remove'
    FROM friends_removed
),
sequenced AS (
    SELECT user_a, user_b, ts, kind,
           LEAD(ts)   OVER (PARTITION BY lo, hi ORDER BY ts) AS next_ts,
           LEAD(kind) OVER (PARTITION BY lo, hi ORDER BY ts) AS next_kind
    FROM events
)
SELECT user_a, user_b, ts AS started_at, next_ts AS ended_at
FROM sequenced
WHERE kind = 'add' AND next_kind = 'remove';
