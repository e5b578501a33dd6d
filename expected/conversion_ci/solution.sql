-- Conversion exactly as in trial_conversion (every assigned member in the denominator, the
-- survival rule on the trial arm only, members counted once), then the Wald interval from the
-- unrounded rate; only the final outputs are rounded.
WITH arms AS (
    SELECT user_id, variant, CAST(assigned_at AS DATE) AS assigned_on
    FROM ab_tests
    WHERE experiment_id = 'free_trial_7d'
),
converted AS (
    SELECT DISTINCT a.user_id
    FROM arms AS a
    JOIN subscriptions AS s
      ON s.user_id = a.user_id AND s.sub_dt >= a.assigned_on
    WHERE a.variant = 'control'
       OR s.cancel_dt IS NULL
       OR s.cancel_dt - s.sub_dt >= 7
),
per_variant AS (
    SELECT a.variant,
           COUNT(*) AS n,
           COUNT(c.user_id) / COUNT(*) AS rate   -- DuckDB's / is floating-point division
    FROM arms AS a
    LEFT JOIN converted AS c USING (user_id)
    GROUP BY a.variant
)
SELECT variant,
       n,
       ROUND(rate, 4) AS rate,
       ROUND(rate - 1.96 * SQRT(rate * (1 - rate) / n), 4) AS ci_low,
       ROUND(rate + 1.96 * SQRT(rate * (1 - rate) / n), 4) AS ci_high
FROM per_variant;
