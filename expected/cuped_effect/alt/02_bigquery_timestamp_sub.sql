-- dialect: bigquery
-- Outcome and covariate pre-aggregated separately and LEFT JOINed back to every member (IFNULL
-- to 0); TIMESTAMP_SUB for the 28-day pre-period; theta pooled over all members.
WITH members AS (
    SELECT user_id, variant, assigned_at
    FROM `netflix-sim.product.ab_tests`
    WHERE experiment_id = 'new_row_ranker'
),
outcome AS (
    SELECT m.user_id, SUM(s.watch_minutes) AS y
    FROM members AS m
    JOIN `netflix-sim.product.sessions` AS s ON s.user_id = m.user_id
    WHERE s.session_ts >= m.assigned_at AND s.session_ts < TIMESTAMP '2025-06-30 00:00:00'
    GROUP BY m.user_id
),
covariate AS (
    SELECT m.user_id, SUM(s.watch_minutes) AS x
    FROM members AS m
    JOIN `netflix-sim.product.sessions` AS s ON s.user_id = m.user_id
    WHERE s.session_ts >= TIMESTAMP_SUB(m.assigned_at, INTERVAL 28 DAY) AND s.session_ts < m.assigned_at
    GROUP BY m.user_id
),
per_member AS (
    SELECT m.variant, IFNULL(o.y, 0) AS y, IFNULL(c.x, 0) AS x
    FROM members AS m
    LEFT JOIN outcome AS o ON o.user_id = m.user_id
    LEFT JOIN covariate AS c ON c.user_id = m.user_id
),
pooled AS (
    SELECT COVAR_SAMP(x, y) / VAR_SAMP(x) AS theta, AVG(x) AS mean_x FROM per_member
),
adjusted AS (
    SELECT p.variant, p.y, p.y - q.theta * (p.x - q.mean_x) AS y_cuped
    FROM per_member AS p CROSS JOIN pooled AS q
)
SELECT ROUND(AVG(IF(variant = 'treatment', y, NULL)) - AVG(IF(variant = 'control', y, NULL)), 4) AS raw_diff,
       ROUND(AVG(IF(variant = 'treatment', y_cuped, NULL)) - AVG(IF(variant = 'control', y_cuped, NULL)), 4) AS cuped_diff,
       ROUND(100 * (1 - VAR_SAMP(y_cuped) / VAR_SAMP(y)), 4) AS variance_reduction_pct
FROM adjusted;
