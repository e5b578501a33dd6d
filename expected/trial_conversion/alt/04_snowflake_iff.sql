-- dialect: snowflake
-- Converted members as a semi-join (IN), IFF for the flag, DATEDIFF('day', ...) for the trial week.
SELECT t.variant,
       COUNT(*) AS members,
       SUM(IFF(t.user_id IN (
               SELECT s.user_id
               FROM subscriptions AS s
               JOIN ab_tests AS t2
                 ON t2.user_id = s.user_id AND t2.experiment_id = 'free_trial_7d'
               WHERE s.sub_dt >= TO_DATE(t2.assigned_at)
                 AND (t2.variant = 'control' OR s.cancel_dt IS NULL
                      OR DATEDIFF('day', s.sub_dt, s.cancel_dt) >= 7)
           ), 1, 0)) AS converted,
       ROUND(100 * converted / members, 2) AS conversion_pct
FROM ab_tests AS t
WHERE t.experiment_id = 'free_trial_7d'
GROUP BY t.variant;
