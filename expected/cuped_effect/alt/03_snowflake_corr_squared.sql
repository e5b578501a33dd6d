-- dialect: snowflake
-- Closed forms: cuped_diff = raw_diff - theta * (mean x in treatment - mean x in control), and
-- with the pooled least-squares theta, 1 - var(y_cuped) / var(y) is exactly CORR(x, y)^2.
WITH per_member AS (
    SELECT a.variant,
           COALESCE(SUM(IFF(s.session_ts >= a.assigned_at, s.watch_minutes, 0)), 0) AS y,
           COALESCE(SUM(IFF(s.session_ts < a.assigned_at, s.watch_minutes, 0)), 0) AS x
    FROM ab_tests AS a
    LEFT JOIN sessions AS s
      ON s.user_id = a.user_id
     AND s.session_ts >= DATEADD(day, -28, a.assigned_at)
     AND s.session_ts < '2025-06-30 00:00:00'::TIMESTAMP
    WHERE a.experiment_id = 'new_row_ranker'
    GROUP BY a.user_id, a.variant
),
stats AS (
    SELECT AVG(IFF(variant = 'treatment', y, NULL)) - AVG(IFF(variant = 'control', y, NULL)) AS raw_diff,
           AVG(IFF(variant = 'treatment', x, NULL)) - AVG(IFF(variant = 'control', x, NULL)) AS x_diff,
           REGR_SLOPE(y, x) AS theta,
           CORR(x, y) AS r
    FROM per_member
)
SELECT ROUND(raw_diff, 4) AS raw_diff,
       ROUND(raw_diff - theta * x_diff, 4) AS cuped_diff,
       ROUND(100 * SQUARE(r), 4) AS variance_reduction_pct
FROM stats;
