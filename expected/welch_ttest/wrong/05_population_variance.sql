-- mistake: uses the population variance (VAR_POP, divisor n) where the prompt asks for the sample variance (n - 1)
WITH per_member AS (
    SELECT a.user_id, a.variant, COALESCE(SUM(s.watch_minutes), 0) AS y
    FROM ab_tests AS a
    LEFT JOIN sessions AS s
      ON s.user_id = a.user_id
     AND s.session_ts >= a.assigned_at
     AND s.session_ts < TIMESTAMP '2025-06-30 00:00:00'
    WHERE a.experiment_id = 'new_row_ranker'
    GROUP BY a.user_id, a.variant
),
arms AS (
    SELECT variant, COUNT(*) AS n, AVG(y) AS m, VAR_POP(y) / COUNT(*) AS se2
    FROM per_member
    GROUP BY variant
)
SELECT ROUND(t.m - c.m, 4) AS diff,
       ROUND((t.m - c.m) / SQRT(t.se2 + c.se2), 4) AS t_stat,
       ROUND(POWER(t.se2 + c.se2, 2) / (POWER(t.se2, 2) / (t.n - 1) + POWER(c.se2, 2) / (c.n - 1)), 4) AS dof
FROM arms AS t
CROSS JOIN arms AS c
WHERE t.variant = 'treatment' AND c.variant = 'control';
