-- mistake: counts every member's minutes from the experiment's start (2025-06-02) instead of from their own assigned_at, so pre-assignment minutes are mixed in
WITH per_member AS (
    SELECT a.user_id, a.variant, COALESCE(SUM(s.watch_minutes), 0) AS y
    FROM ab_tests AS a
    LEFT JOIN sessions AS s
      ON s.user_id = a.user_id
     AND s.session_ts >= TIMESTAMP '2025-06-02 00:00:00'
     AND s.session_ts < TIMESTAMP '2025-06-30 00:00:00'
    WHERE a.experiment_id = 'new_row_ranker'
    GROUP BY a.user_id, a.variant
),
arms AS (
    SELECT AVG(y) FILTER (WHERE variant = 'treatment') AS mean_t,
           AVG(y) FILTER (WHERE variant = 'control') AS mean_c,
           VAR_SAMP(y) FILTER (WHERE variant = 'treatment') / COUNT(*) FILTER (WHERE variant = 'treatment') AS se2_t,
           VAR_SAMP(y) FILTER (WHERE variant = 'control') / COUNT(*) FILTER (WHERE variant = 'control') AS se2_c,
           COUNT(*) FILTER (WHERE variant = 'treatment') AS n_t,
           COUNT(*) FILTER (WHERE variant = 'control') AS n_c
    FROM per_member
)
SELECT ROUND(mean_t - mean_c, 4) AS diff,
       ROUND((mean_t - mean_c) / SQRT(se2_t + se2_c), 4) AS t_stat,
       ROUND(POWER(se2_t + se2_c, 2)
             / (POWER(se2_t, 2) / (n_t - 1) + POWER(se2_c, 2) / (n_c - 1)), 4) AS dof
FROM arms;
