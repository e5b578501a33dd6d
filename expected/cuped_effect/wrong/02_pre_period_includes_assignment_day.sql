-- mistake: defines the pre-period on dates, from 28 days before the assignment date through the assignment date itself, so it overlaps the member's test window
WITH per_member AS (
    SELECT a.user_id, a.variant,
           COALESCE(SUM(s.watch_minutes) FILTER (WHERE s.session_ts >= a.assigned_at AND s.session_ts < TIMESTAMP '2025-06-30 00:00:00'), 0) AS y,
           COALESCE(SUM(s.watch_minutes) FILTER (WHERE CAST(s.session_ts AS DATE) BETWEEN CAST(a.assigned_at AS DATE) - 28 AND CAST(a.assigned_at AS DATE)), 0) AS x
    FROM ab_tests AS a
    LEFT JOIN sessions AS s
      ON s.user_id = a.user_id
     AND s.session_ts >= TIMESTAMP '2025-04-01 00:00:00'
     AND s.session_ts < TIMESTAMP '2025-07-01 00:00:00'
    WHERE a.experiment_id = 'new_row_ranker'
    GROUP BY a.user_id, a.variant
),
pooled AS (
    SELECT COVAR_SAMP(x, y) / VAR_SAMP(x) AS theta, AVG(x) AS mean_x
    FROM per_member
),
adjusted AS (
    SELECT m.variant, m.y, m.y - p.theta * (m.x - p.mean_x) AS y_cuped
    FROM per_member AS m CROSS JOIN pooled AS p
)
SELECT ROUND(AVG(y) FILTER (WHERE variant = 'treatment') - AVG(y) FILTER (WHERE variant = 'control'), 4) AS raw_diff,
       ROUND(AVG(y_cuped) FILTER (WHERE variant = 'treatment') - AVG(y_cuped) FILTER (WHERE variant = 'control'), 4) AS cuped_diff,
       ROUND(100 * (1 - VAR_SAMP(y_cuped) / VAR_SAMP(y)), 4) AS variance_reduction_pct
FROM adjusted;
