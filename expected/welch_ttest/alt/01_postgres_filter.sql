-- dialect: postgres
-- Per-member minutes with LEFT JOIN + COALESCE, then FILTERed aggregates per arm.
WITH per_member AS (
    SELECT a.user_id, a.variant, COALESCE(SUM(s.watch_minutes), 0) AS y
    FROM ab_tests AS a
    LEFT JOIN sessions AS s
      ON s.user_id = a.user_id
     AND s.session_ts >= a.assigned_at
     AND s.session_ts < '2025-06-30'::timestamp
    WHERE a.experiment_id = 'new_row_ranker'
    GROUP BY a.user_id, a.variant
),
arms AS (
    SELECT AVG(y) FILTER (WHERE variant = 'treatment') - AVG(y) FILTER (WHERE variant = 'control') AS diff,
           VAR_SAMP(y) FILTER (WHERE variant = 'treatment') / COUNT(*) FILTER (WHERE variant = 'treatment') AS se2_t,
           VAR_SAMP(y) FILTER (WHERE variant = 'control') / COUNT(*) FILTER (WHERE variant = 'control') AS se2_c,
           COUNT(*) FILTER (WHERE variant = 'treatment') AS n_t,
           COUNT(*) FILTER (WHERE variant = 'control') AS n_c
    FROM per_member
)
SELECT ROUND(diff::numeric, 4) AS diff,
       ROUND((diff / SQRT(se2_t + se2_c))::numeric, 4) AS t_stat,
       ROUND(((se2_t + se2_c) ^ 2 / ((se2_t ^ 2) / (n_t - 1) + (se2_c ^ 2) / (n_c - 1)))::numeric, 4) AS dof
FROM arms;
