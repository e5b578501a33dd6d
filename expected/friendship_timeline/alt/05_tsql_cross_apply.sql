-- dialect: tsql
-- Both tables normalized to (smaller id, larger id) with CASE; CROSS APPLY then finds, for each add,
-- the TOP 1 remove of the same pair after it, and adds with none drop out.
WITH adds AS (
    SELECT CASE WHEN user_a < user_b THEN user_a ELSE user_b END AS lo,
           CASE WHEN user_a < user_b THEN user_b ELSE user_a END AS hi,
           added_at
    FROM dbo.friends_added
),
removes AS (
    SELECT CASE WHEN user_a < user_b THEN user_a ELSE user_b END AS lo,
           CASE WHEN user_a < user_b THEN user_b ELSE user_a END AS hi,
           removed_at
    FROM dbo.friends_removed
)
SELECT a.lo AS user_a, a.hi AS user_b, a.added_at AS started_at, nr.removed_at AS ended_at
FROM adds AS a
CROSS APPLY (
    SELECT TOP 1 r.removed_at
    FROM removes AS r
    WHERE r.lo = a.lo AND r.hi = a.hi AND r.removed_at > a.added_at
    ORDER BY r.removed_at
) AS nr;
