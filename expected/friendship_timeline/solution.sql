-- Normalize every event to its unordered pair (LEAST, GREATEST): the two tables name a pair in
-- either order. Per pair, adds and removes alternate starting with an add, so in time order each
-- add's next event is the remove that ends its spell; an add whose next event is missing is a
-- current friendship and is left out.
WITH events AS (
    SELECT LEAST(user_a, user_b) AS user_a, GREATEST(user_a, user_b) AS user_b,
           added_at AS ts, 'add' AS kind
    FROM friends_added
    UNION ALL
    SELECT LEAST(user_a, user_b), GREATEST(user_a, user_b), removed_at, 'remove'
    FROM friends_removed
),
sequenced AS (
    SELECT user_a, user_b, ts, kind,
           LEAD(ts)   OVER (PARTITION BY user_a, user_b ORDER BY ts) AS next_ts,
           LEAD(kind) OVER (PARTITION BY user_a, user_b ORDER BY ts) AS next_kind
    FROM events
)
SELECT user_a, user_b, ts AS started_at, next_ts AS ended_at
FROM sequenced
WHERE kind = 'add' AND next_kind = 'remove';
