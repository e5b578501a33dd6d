-- mistake: applies the 7-day survival rule to control as well, so control members who cancelled in their first week are not counted
WITH arms AS (
    SELECT user_id, variant, CAST(assigned_at AS DATE) AS assigned_on
    FROM ab_tests
    WHERE experiment_id = 'free_trial_7d'
)
SELECT a.variant,
       COUNT(*) AS members,
       COUNT(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM subscriptions AS s
           WHERE s.user_id = a.user_id AND s.sub_dt >= a.assigned_on
             AND (s.cancel_dt IS NULL OR s.cancel_dt - s.sub_dt >= 7))) AS converted,
       ROUND(100.0 * COUNT(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM subscriptions AS s
           WHERE s.user_id = a.user_id AND s.sub_dt >= a.assigned_on
             AND (s.cancel_dt IS NULL OR s.cancel_dt - s.sub_dt >= 7))) / COUNT(*), 2) AS conversion_pct
FROM arms AS a
GROUP BY a.variant;
