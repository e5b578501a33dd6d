-- dialect: bigquery
-- EXISTS per member, COUNTIF for the numerator, DATE_DIFF(..., DAY) for the trial week,
-- SAFE_DIVIDE for a floating-point rate.
WITH flags AS (
    SELECT t.variant,
           EXISTS (
               SELECT 1
               FROM `netflix-sim.product.subscriptions` AS s
               WHERE s.user_id = t.user_id
                 AND s.sub_dt >= DATE(t.assigned_at)
                 AND (t.variant = 'control' OR s.cancel_dt IS NULL
                      OR DATE_DIFF(s.cancel_dt, s.sub_dt, DAY) >= 7)
           ) AS converted
    FROM `netflix-sim.product.ab_tests` AS t
    WHERE t.experiment_id = 'free_trial_7d'
),
rates AS (
    SELECT variant, COUNT(*) AS n, SAFE_DIVIDE(COUNTIF(converted), COUNT(*)) AS rate
    FROM flags
    GROUP BY variant
)
SELECT variant,
       n,
       ROUND(rate, 4) AS rate,
       ROUND(rate - 1.96 * SQRT(rate * (1 - rate) / n), 4) AS ci_low,
       ROUND(rate + 1.96 * SQRT(rate * (1 - rate) / n), 4) AS ci_high
FROM rates;
