-- dialect: spark
-- theta and the pooled mean of x as window aggregates over the whole experiment (OVER ()),
-- so each member row carries them; the pre-period bound uses INTERVAL 28 DAYS.
WITH per_member AS (
    SELECT a.user_id, a.variant,
           COALESCE(SUM(CASE WHEN s.session_ts >= a.assigned_at
                              AND s.session_ts < TIMESTAMP '2025-06-30 00:00:00'
                             THEN s.watch_minutes END), 0D) AS y,
           COALESCE(SUM(CASE WHEN s.session_ts >= a.assigned_at - INTERVAL 28 DAYS
                              AND s.session_ts < a.assigned_at
                             THEN s.watch_minutes END), 0D) AS x
    FROM ab_tests AS a
    LEFT JOIN sessions AS s ON s.user_id = a.user_id
    WHERE a.experiment_id = 'new_row_ranker'
    GROUP BY a.user_id, a.variant
),
adjusted AS (
    SELECT variant, y,
           y - (COVAR_SAMP(x, y) OVER () / VAR_SAMP(x) OVER ()) * (x - AVG(x) OVER ()) AS y_cuped
    FROM per_member
)
SELECT ROUND(AVG(CASE WHEN variant = 'treatment' THEN y END)
           - AVG(CASE WHEN variant = 'control' THEN y END), 4) AS raw_diff,
       ROUND(AVG(CASE WHEN variant = 'treatment' THEN y_cuped END)
           - AVG(CASE WHEN variant = 'control' THEN y_cuped END), 4) AS cuped_diff,
       ROUND(100 * (1 - VAR_SAMP(y_cuped) / VAR_SAMP(y)), 4) AS variance_reduction_pct
FROM adjusted;
