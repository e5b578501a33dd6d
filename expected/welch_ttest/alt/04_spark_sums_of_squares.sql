-- dialect: spark
-- The textbook route: per arm n, sum and sum of squares; sample variance = (sum_sq - sum^2 / n) / (n - 1).
WITH per_member AS (
    SELECT a.user_id, a.variant, COALESCE(SUM(s.watch_minutes), 0D) AS y
    FROM ab_tests AS a
    LEFT JOIN sessions AS s
      ON s.user_id = a.user_id
     AND s.session_ts >= a.assigned_at
     AND s.session_ts < to_timestamp('2025-06-30 00:00:00')
    WHERE a.experiment_id = 'new_row_ranker'
    GROUP BY a.user_id, a.variant
),
sums AS (
    SELECT variant, COUNT(*) AS n, SUM(y) AS sy, SUM(y * y) AS syy
    FROM per_member
    GROUP BY variant
),
arms AS (
    SELECT variant, n, sy / n AS m, (syy - sy * sy / n) / (n - 1) / n AS se2
    FROM sums
)
SELECT ROUND(t.m - c.m, 4) AS diff,
       ROUND((t.m - c.m) / SQRT(t.se2 + c.se2), 4) AS t_stat,
       ROUND(POWER(t.se2 + c.se2, 2) / (POWER(t.se2, 2) / (t.n - 1) + POWER(c.se2, 2) / (c.n - 1)), 4) AS dof
FROM arms AS t
CROSS JOIN arms AS c
WHERE t.variant = 'treatment' AND c.variant = 'control';
