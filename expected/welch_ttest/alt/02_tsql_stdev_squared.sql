-- dialect: tsql
-- Minutes per member from a correlated subquery (ISNULL(..., 0) for members without sessions);
-- STDEV is the sample standard deviation, squared for the variance.
WITH per_member AS (
    SELECT a.variant,
           ISNULL((SELECT SUM(s.watch_minutes)
                   FROM dbo.sessions AS s
                   WHERE s.user_id = a.user_id
                     AND s.session_ts >= a.assigned_at
                     AND s.session_ts < '2025-06-30T00:00:00'), 0) AS y
    FROM dbo.ab_tests AS a
    WHERE a.experiment_id = 'new_row_ranker'
),
arms AS (
    SELECT variant, COUNT(*) AS n, AVG(y) AS m, POWER(STDEV(y), 2) / COUNT(*) AS se2
    FROM per_member
    GROUP BY variant
)
SELECT ROUND(t.m - c.m, 4) AS diff,
       ROUND((t.m - c.m) / SQRT(t.se2 + c.se2), 4) AS t_stat,
       ROUND(POWER(t.se2 + c.se2, 2) / (POWER(t.se2, 2) / (t.n - 1) + POWER(c.se2, 2) / (c.n - 1)), 4) AS dof
FROM arms AS t
JOIN arms AS c ON t.variant = 'treatment' AND c.variant = 'control';
