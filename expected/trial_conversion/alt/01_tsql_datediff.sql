-- dialect: tsql
-- One flag per member (MAX of a CASE), DATEDIFF(day, ...) for the trial rule, and 100.0 to avoid integer division.
WITH per_member AS (
    SELECT t.user_id, t.variant,
           MAX(CASE WHEN s.subscription_id IS NOT NULL
                     AND (t.variant = 'control' OR s.cancel_dt IS NULL OR DATEDIFF(day, s.sub_dt, s.cancel_dt) >= 7)
                    THEN 1 ELSE 0 END) AS conv
    FROM dbo.ab_tests AS t
    LEFT JOIN dbo.subscriptions AS s
      ON s.user_id = t.user_id AND s.sub_dt >= CAST(t.assigned_at AS DATE)
    WHERE t.experiment_id = 'free_trial_7d'
    GROUP BY t.user_id, t.variant
)
SELECT variant,
       COUNT(*) AS members,
       SUM(conv) AS converted,
       ROUND(100.0 * SUM(conv) / COUNT(*), 2) AS conversion_pct
FROM per_member
GROUP BY variant;
