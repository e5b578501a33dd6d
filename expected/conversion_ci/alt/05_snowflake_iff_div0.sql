-- dialect: snowflake
-- Converted members as a semi-join (IN), IFF for the flag, DIV0 for the rate (Snowflake's / is
-- not integer division, DIV0 just guards the empty case).
WITH counts AS (
    SELECT t.variant,
           COUNT(*) AS n,
           SUM(IFF(t.user_id IN (
               SELECT s.user_id
               FROM subscriptions AS s
               JOIN ab_tests AS a
                 ON a.user_id = s.user_id AND a.experiment_id = 'free_trial_7d'
               WHERE s.sub_dt >= a.assigned_at::DATE
                 AND (a.variant = 'control' OR s.cancel_dt IS NULL
                      OR DATEDIFF('day', s.sub_dt, s.cancel_dt) >= 7)
           ), 1, 0)) AS converted
    FROM ab_tests AS t
    WHERE t.experiment_id = 'free_trial_7d'
    GROUP BY t.variant
)
SELECT variant,
       n,
       ROUND(DIV0(converted, n), 4) AS rate,
       ROUND(DIV0(converted, n) - 1.96 * SQRT(DIV0(converted, n) * (1 - DIV0(converted, n)) / n), 4) AS ci_low,
       ROUND(DIV0(converted, n) + 1.96 * SQRT(DIV0(converted, n) * (1 - DIV0(converted, n)) / n), 4) AS ci_high
FROM counts;
