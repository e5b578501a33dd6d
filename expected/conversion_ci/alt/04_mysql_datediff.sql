-- dialect: mysql
-- COUNT(DISTINCT ...) counts each converted member once; MySQL's / is decimal division and
-- DATEDIFF(later, earlier) counts days.
SELECT variant,
       n,
       ROUND(rate, 4) AS rate,
       ROUND(rate - 1.96 * SQRT(rate * (1 - rate) / n), 4) AS ci_low,
       ROUND(rate + 1.96 * SQRT(rate * (1 - rate) / n), 4) AS ci_high
FROM (
    SELECT t.variant,
           COUNT(DISTINCT t.user_id) AS n,
           COUNT(DISTINCT s.user_id) / COUNT(DISTINCT t.user_id) AS rate
    FROM ab_tests AS t
    LEFT JOIN subscriptions AS s
      ON s.user_id = t.user_id
     AND s.sub_dt >= DATE(t.assigned_at)
     AND (t.variant = 'control' OR s.cancel_dt IS NULL OR DATEDIFF(s.cancel_dt, s.sub_dt) >= 7)
    WHERE t.experiment_id = 'free_trial_7d'
    GROUP BY t.variant
) AS r;
