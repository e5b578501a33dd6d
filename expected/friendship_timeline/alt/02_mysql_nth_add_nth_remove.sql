-- dialect: mysql
-- Adds and removes alternate starting with an add, so per unordered pair the n-th add (in time)
-- is ended by the n-th remove; a trailing add has no n-th remove and drops out of the join.
WITH adds AS (
    SELECT LEAST(user_a, user_b) AS lo, GREATEST(user_a, user_b) AS hi, added_at,
           ROW_NUMBER() OVER (PARTITION BY LEAST(user_a, user_b), GREATEST(user_a, user_b) ORDER BY added_at) AS n
    FROM friends_added
),
removes AS (
    SELECT LEAST(user_a, user_b) AS lo, GREATEST(user_a, user_b) AS hi, removed_at,
           ROW_NUMBER() OVER (PARTITION BY LEAST(user_a, user_b), GREATEST(user_a, user_b) ORDER BY removed_at) AS n
    FROM friends_removed
)
SELECT a.lo AS user_a, a.hi AS user_b, a.added_at AS started_at, r.removed_at AS ended_at
FROM adds a
INNER JOIN removes r ON r.lo = a.lo AND r.hi = a.hi AND r.n = a.n;
