-- mistake: an INNER JOIN to subscriptions drops members who never subscribed, so n counts only subscribers
WITH per_variant AS (
    SELECT t.variant,
           COUNT(DISTINCT t.user_id) AS n,
           COUNT(DISTINCT CASE WHEN t.variant = 'control' OR s.cancel_dt IS NULL OR s.cancel_dt - s.sub_dt >= 7
                               THEN t.user_id END) * 1.0 / COUNT(DISTINCT t.user_id) AS rate
    FROM ab_tests AS t
    JOIN subscriptions AS s
      ON s.user_id = t.user_id AND s.sub_dt >= CAST(t.assigned_at AS DATE)
    WHERE t.experiment_id = 'free_trial_7d'
    GROUP BY t.variant
)
SELECT variant, n,
       ROUND(rate, 4) AS rate,
       ROUND(rate - 1.96 * SQRT(rate * (1 - rate) / n), 4) AS ci_low,
       ROUND(rate + 1.96 * SQRT(rate * (1 - rate) / n), 4) AS ci_high
FROM per_variant;
