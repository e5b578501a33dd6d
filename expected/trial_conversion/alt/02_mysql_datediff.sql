-- dialect: mysql
-- MySQL's DATEDIFF(later, earlier) counts days; COUNT(DISTINCT ...) counts each converted member once.
SELECT t.variant,
       COUNT(DISTINCT t.user_id) AS members,
       COUNT(DISTINCT s.user_id) AS converted,
       ROUND(100 * COUNT(DISTINCT s.user_id) / COUNT(DISTINCT t.user_id), 2) AS conversion_pct
FROM ab_tests AS t
LEFT JOIN subscriptions AS s
       ON s.user_id = t.user_id
      AND s.sub_dt >= DATE(t.assigned_at)
      AND (t.variant = 'control' OR s.cancel_dt IS NULL OR DATEDIFF(s.cancel_dt, s.sub_dt) >= 7)
WHERE t.experiment_id = 'free_trial_7d'
GROUP BY t.variant;
