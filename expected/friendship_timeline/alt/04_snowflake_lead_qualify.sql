-- dialect: snowflake
-- One stream of events per unordered pair; IFF-tagged kinds; the event after an add (LEAD) is its remove.
WITH events AS (
    SELECT LEAST(user_a, user_b) AS lo, GREATEST(user_a, user_b) AS hi, added_at AS ts, TRUE AS is_add
    FROM friends_added
    UNION ALL
    SELECT LEAST(user_a, user_b), GREATEST(user_a, user_b), removed_at, FALSE
    FROM friends_removed
)
SELECT lo AS user_a, hi AS user_b, ts AS started_at,
       LEAD(ts) OVER (PARTITION BY lo, hi ORDER BY ts) AS ended_at
FROM events
QUALIFY is_add AND LEAD(is_add) OVER (PARTITION BY lo, hi ORDER BY ts) = FALSE;
