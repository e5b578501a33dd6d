-- dialect: postgres
-- mistake: 100 * converted / members is integer division in PostgreSQL, so conversion_pct is truncated to a whole percent
WITH arms AS (
    SELECT user_id, variant, assigned_at::date AS assigned_on
    FROM ab_tests
    WHERE experiment_id = 'free_trial_7d'
),
flags AS (
    SELECT a.variant,
           EXISTS (SELECT 1 FROM subscriptions s
                   WHERE s.user_id = a.user_id AND s.sub_dt >= a.assigned_on
                     AND (a.variant = 'control' OR s.cancel_dt IS NULL OR s.cancel_dt - s.sub_dt >= 7)) AS conv
    FROM arms a
)
SELECT variant,
       COUNT(*) AS members,
       COUNT(*) FILTER (WHERE conv) AS converted,
       ROUND(100 * COUNT(*) FILTER (WHERE conv) / COUNT(*), 2) AS conversion_pct
FROM flags
GROUP BY variant;
