-- mistake: the standard error from STDDEV_SAMP of the 0/1 flag divides by n - 1, not n: not the Wald interval rate * (1 - rate) / n
WITH flags AS (
    SELECT t.variant,
           CASE WHEN EXISTS (
               SELECT 1 FROM subscriptions AS s
               WHERE s.user_id = t.user_id AND s.sub_dt >= CAST(t.assigned_at AS DATE)
                 AND (t.variant = 'control' OR s.cancel_dt IS NULL OR s.cancel_dt - s.sub_dt >= 7)
           ) THEN 1.0 ELSE 0.0 END AS converted
    FROM ab_tests AS t
    WHERE t.experiment_id = 'free_trial_7d'
)
SELECT variant,
       COUNT(*) AS n,
       ROUND(AVG(converted), 4) AS rate,
       ROUND(AVG(converted) - 1.96 * STDDEV_SAMP(converted) / SQRT(COUNT(*)), 4) AS ci_low,
       ROUND(AVG(converted) + 1.96 * STDDEV_SAMP(converted) / SQRT(COUNT(*)), 4) AS ci_high
FROM flags
GROUP BY variant;
