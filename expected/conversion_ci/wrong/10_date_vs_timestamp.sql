-- mistake: compares the sub_dt date with the assigned_at timestamp, so subscriptions taken on the day of assignment (sub_dt is that day at midnight, before assigned_at) are lost
WITH arms AS (
    SELECT user_id, variant, assigned_at
    FROM ab_tests
    WHERE experiment_id = 'free_trial_7d'
),
converted AS (
    SELECT DISTINCT a.user_id
    FROM arms AS a
    JOIN subscriptions AS s
      ON s.user_id = a.user_id AND s.sub_dt >= a.assigned_at
    WHERE a.variant = 'control'
       OR s.cancel_dt IS NULL
       OR s.cancel_dt - s.sub_dt >= 7
),
per_variant AS (
    SELECT a.variant, COUNT(*) AS n, COUNT(c.user_id) / COUNT(*) AS rate
    FROM arms AS a
    LEFT JOIN converted AS c USING (user_id)
    GROUP BY a.variant
)
SELECT variant, n,
       ROUND(rate, 4) AS rate,
       ROUND(rate - 1.96 * SQRT(rate * (1 - rate) / n), 4) AS ci_low,
       ROUND(rate + 1.96 * SQRT(rate * (1 - rate) / n), 4) AS ci_high
FROM per_variant;
