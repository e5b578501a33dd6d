-- dialect: bigquery
-- EXISTS per member, COUNTIF for the numerator, DATE_DIFF(..., DAY) for the trial week.
WITH flags AS (
    SELECT t.variant,
           EXISTS (
               SELECT 1 FROM `netflix-sim.billing.subscriptions` AS s
               WHERE s.user_id = t.user_id
                 AND s.sub_dt >= DATE(t.assigned_at)
                 AND (t.variant = 'control' OR s.cancel_dt IS NULL
                      OR DATE_DIFF(s.cancel_dt, s.sub_dt, DAY) >= 7)
           ) AS conv
    FROM `netflix-sim.experiments.ab_tests` AS t
    WHERE t.experiment_id = 'free_trial_7d'
)
SELECT variant,
       COUNT(*) AS members,
       COUNTIF(conv) AS converted,
       ROUND(100 * COUNTIF(conv) / COUNT(*), 2) AS conversion_pct
FROM flags
GROUP BY variant;
