-- mistake: cancel_dt - sub_dt > 7 instead of >= 7, so trial members who cancelled exactly on day 7 are dropped
WITH per_variant AS (
    SELECT t.variant,
           COUNT(DISTINCT t.user_id) AS n,
           COUNT(DISTINCT s.user_id) * 1.0 / COUNT(DISTINCT t.user_id) AS rate
    FROM ab_tests AS t
    LEFT JOIN subscriptions AS s
      ON s.user_id = t.user_id
     AND s.sub_dt >= CAST(t.assigned_at AS DATE)
     AND (t.variant = 'control' OR s.cancel_dt IS NULL OR s.cancel_dt - s.sub_dt > 7)
    WHERE t.experiment_id = 'free_trial_7d'
    GROUP BY t.variant
)
SELECT variant, n,
       ROUND(rate, 4) AS rate,
       ROUND(rate - 1.96 * SQRT(rate * (1 - rate) / n), 4) AS ci_low,
       ROUND(rate + 1.96 * SQRT(rate * (1 - rate) / n), 4) AS ci_high
FROM per_variant;
