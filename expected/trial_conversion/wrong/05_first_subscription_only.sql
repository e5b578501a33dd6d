-- mistake: judges only each member's first subscription, so trial members who cancelled early and came back are missed
WITH first_sub AS (
    SELECT user_id, sub_dt, cancel_dt,
           ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY sub_dt) AS rn
    FROM subscriptions
)
SELECT t.variant,
       COUNT(*) AS members,
       COUNT(f.user_id) AS converted,
       ROUND(100.0 * COUNT(f.user_id) / COUNT(*), 2) AS conversion_pct
FROM ab_tests AS t
LEFT JOIN first_sub AS f
  ON f.user_id = t.user_id AND f.rn = 1
 AND f.sub_dt >= CAST(t.assigned_at AS DATE)
 AND (t.variant = 'control' OR f.cancel_dt IS NULL OR f.cancel_dt - f.sub_dt >= 7)
WHERE t.experiment_id = 'free_trial_7d'
GROUP BY t.variant;
