-- dialect: tsql
-- One 0/1 flag per member; the Wald standard error is the population standard deviation of
-- that flag over SQRT(n), since STDEVP of a 0/1 variable is SQRT(p * (1 - p)).
WITH flags AS (
    SELECT t.variant,
           MAX(CASE WHEN s.subscription_id IS NOT NULL
                     AND (t.variant = 'control' OR s.cancel_dt IS NULL
                          OR DATEDIFF(day, s.sub_dt, s.cancel_dt) >= 7)
                    THEN 1.0 ELSE 0.0 END) AS converted
    FROM dbo.ab_tests AS t
    LEFT JOIN dbo.subscriptions AS s
      ON s.user_id = t.user_id AND s.sub_dt >= CAST(t.assigned_at AS DATE)
    WHERE t.experiment_id = 'free_trial_7d'
    GROUP BY t.user_id, t.variant
)
SELECT variant,
       COUNT(*) AS n,
       ROUND(AVG(converted), 4) AS rate,
       ROUND(AVG(converted) - 1.96 * STDEVP(converted) / SQRT(COUNT(*)), 4) AS ci_low,
       ROUND(AVG(converted) + 1.96 * STDEVP(converted) / SQRT(COUNT(*)), 4) AS ci_high
FROM flags
GROUP BY variant;
