-- mistake: ends each spell at the pair's next add (LEAD over friends_added), never reading friends_removed
WITH adds AS (
    SELECT LEAST(user_a, user_b) AS user_a, GREATEST(user_a, user_b) AS user_b, added_at
    FROM friends_added
)
SELECT user_a, user_b, started_at, ended_at
FROM (
    SELECT user_a, user_b, added_at AS started_at,
           LEAD(added_at) OVER (PARTITION BY user_a, user_b ORDER BY added_at) AS ended_at
    FROM adds
) AS t
WHERE ended_at IS NOT NULL;
