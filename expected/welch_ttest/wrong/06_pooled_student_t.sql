-- mistake: Student's t with a pooled variance and n_t + n_c - 2 degrees of freedom instead of Welch's unequal-variance test
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
    SELECT variant, COUNT(*) AS n, AVG(y) AS m, VAR_SAMP(y) AS s2
    FROM per_member
    GROUP BY variant
),
pooled AS (
    SELECT t.m - c.m AS diff,
           ((t.n - 1) * t.s2 + (c.n - 1) * c.s2) / (t.n + c.n - 2) AS sp2,
           t.n AS n_t, c.n AS n_c
    FROM arms AS t CROSS JOIN arms AS c
    WHERE t.variant = 'treatment' AND c.variant = 'control'
)
SELECT ROUND(diff, 4) AS diff,
       ROUND(diff / SQRT(sp2 * (1.0 / n_t + 1.0 / n_c)), 4) AS t_stat,
       ROUND(n_t + n_c - 2, 4) AS dof
FROM pooled;
