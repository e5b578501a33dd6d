-- mistake: numbers adds and removes per pair to pair the n-th add with the n-th remove, but partitions by the ordered (user_a, user_b)
WITH adds AS (
    SELECT user_a, user_b, added_at,
           ROW_NUMBER() OVER (PARTITION BY user_a, user_b ORDER BY added_at) AS n
    FROM friends_added
),
removes AS (
    SELECT user_a, user_b, removed_at,
           ROW_NUMBER() OVER (PARTITION BY user_a, user_b ORDER BY removed_at) AS n
    FROM friends_removed
)
SELECT LEAST(a.user_a, a.user_b) AS user_a,
       GREATEST(a.user_a, a.user_b) AS user_b,
       a.added_at AS started_at,
       r.removed_at AS ended_at
FROM adds AS a
JOIN removes AS r ON r.user_a = a.user_a AND r.user_b = a.user_b AND r.n = a.n;
