-- dialect: postgres
-- COUNT(*) FILTER with an EXISTS per member; ::float before dividing avoids integer division.
WITH counts AS (
    SELECT t.variant,
           COUNT(*) AS n,
           COUNT(*) FILTER (WHERE EXISTS (
               SELECT 1
               FROM subscriptions AS s
               WHERE s.user_id = t.user_id
                 AND s.sub_dt >= t.assigned_at::date
                 AND (t.variant = 'control' OR s.cancel_dt IS NULL OR s.cancel_dt - s.sub_dt >= 7)
           )) AS converted
    FROM ab_tests AS t
    WHERE t.experiment_id = 'free_trial_7d'
    GROUP BY t.variant
),
rates AS (
    SELECT variant, n, converted::float / n AS rate FROM counts
)
SELECT variant,
       n,
       ROUND(rate::numeric, 4) AS rate,
       ROUND((rate - 1.96 * SQRT(rate * (1 - rate) / n))::numeric, 4) AS ci_low,
       ROUND((rate + 1.96 * SQRT(rate * (1 - rate) / n))::numeric, 4) AS ci_high
FROM rates;
