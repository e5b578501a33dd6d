-- dialect: postgres
-- mistake: converted / n divides two integers, which PostgreSQL truncates, so every rate is 0 and the interval collapses
WITH arms AS (
    SELECT user_id, variant, assigned_at::date AS assigned_on
    FROM ab_tests
    WHERE experiment_id = 'free_trial_7d'
),
counts AS (
    SELECT a.variant,
           COUNT(*) AS n,
           COUNT(*) FILTER (WHERE EXISTS (
               SELECT 1 FROM subscriptions AS s
               WHERE s.user_id = a.user_id AND s.sub_dt >= a.assigned_on
                 AND (a.variant = 'control' OR s.cancel_dt IS NULL OR s.cancel_dt - s.sub_dt >= 7)
           )) AS converted
    FROM arms AS a
    GROUP BY a.variant
),
rates AS (
    SELECT variant, n, converted / n AS rate FROM counts
)
SELECT variant, n,
       ROUND(rate::numeric, 4) AS rate,
       ROUND((rate - 1.96 * SQRT(rate * (1 - rate)::float / n))::numeric, 4) AS ci_low,
       ROUND((rate + 1.96 * SQRT(rate * (1 - rate)::float / n))::numeric, 4) AS ci_high
FROM rates;
