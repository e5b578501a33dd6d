-- dialect: postgres
-- theta = REGR_SLOPE(y, x) (= COVAR_SAMP / VAR_SAMP). Centring x is optional: subtracting
-- theta * x instead of theta * (x - mean x) shifts every y_cuped by the same constant, which
-- changes neither the difference of means nor the variance.
WITH per_member AS (
    SELECT a.user_id, a.variant,
           COALESCE(SUM(s.watch_minutes) FILTER (
               WHERE s.session_ts >= a.assigned_at AND s.session_ts < '2025-06-30'::timestamp), 0) AS y,
           COALESCE(SUM(s.watch_minutes) FILTER (
               WHERE s.session_ts >= a.assigned_at - INTERVAL '28 days' AND s.session_ts < a.assigned_at), 0) AS x
    FROM ab_tests AS a
    LEFT JOIN sessions AS s
      ON s.user_id = a.user_id
     AND s.session_ts >= a.assigned_at - INTERVAL '28 days'
     AND s.session_ts < '2025-06-30'::timestamp
    WHERE a.experiment_id = 'new_row_ranker'
    GROUP BY a.user_id, a.variant
),
adjusted AS (
    SELECT variant, y, y - (SELECT REGR_SLOPE(y, x) FROM per_member) * x AS y_cuped
    FROM per_member
)
SELECT ROUND((AVG(y) FILTER (WHERE variant = 'treatment')
            - AVG(y) FILTER (WHERE variant = 'control'))::numeric, 4) AS raw_diff,
       ROUND((AVG(y_cuped) FILTER (WHERE variant = 'treatment')
            - AVG(y_cuped) FILTER (WHERE variant = 'control'))::numeric, 4) AS cuped_diff,
       ROUND((100 * (1 - VAR_SAMP(y_cuped) / VAR_SAMP(y)))::numeric, 4) AS variance_reduction_pct
FROM adjusted;
