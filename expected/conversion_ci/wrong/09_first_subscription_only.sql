-- mistake: judges only each member's first subscription, so trial members who cancelled early and came back are missed
WITH first_sub AS (
    SELECT user_id, sub_dt, cancel_dt,
           ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY sub_dt) AS rn
    FROM subscriptions
),
per_variant AS (
    SELECT t.variant,
           COUNT(*) AS n,
           AVG(CASE WHEN f.user_id IS NOT NULL
                     AND f.sub_dt >= CAST(t.assigned_at AS DATE)
                     AND (t.variant = 'control' OR f.cancel_dt IS NULL OR f.cancel_dt - f.sub_dt >= 7)
                    THEN 1.0 ELSE 0.0 END) AS rate
    FROM ab_tests AS t
    LEFT JOIN first_sub AS f ON f.user_id = t.user_id AND f.rn = 1
    WHERE t.experiment_id = 'free_trial_7d'
    GROUP BY t.variant
)
SELECT variant, n,
       ROUND(rate, 4) AS rate,
       ROUND(rate - 1.96 * SQRT(rate * (1 - rate) / n), 4) AS ci_low,
       ROUND(rate + 1.96 * SQRT(rate * (1 - rate) / n), 4) AS ci_high
FROM per_variant;
