-- dialect: bigquery
-- Window minutes summed with IF inside the aggregate (members without sessions give 0, not NULL),
-- then community means, then the two arm means side by side.
WITH member_minutes AS (
    SELECT a.user_id, a.unit_id, a.variant,
           SUM(IF(s.session_ts >= a.assigned_at AND s.session_ts < TIMESTAMP '2025-09-29', s.watch_minutes, 0)) AS minutes
    FROM `netflix-sim.experiments.ab_tests` AS a
    LEFT JOIN `netflix-sim.viewing.sessions` AS s ON s.user_id = a.user_id
    WHERE a.experiment_id = 'close_friends'
    GROUP BY a.user_id, a.unit_id, a.variant
),
unit_means AS (
    SELECT unit_id, variant, AVG(IFNULL(minutes, 0)) AS unit_mean
    FROM member_minutes
    GROUP BY unit_id, variant
)
SELECT ROUND(AVG(IF(variant = 'treatment', unit_mean, NULL)), 4) AS treatment_mean,
       ROUND(AVG(IF(variant = 'control', unit_mean, NULL)), 4) AS control_mean,
       ROUND(AVG(IF(variant = 'treatment', unit_mean, NULL)) - AVG(IF(variant = 'control', unit_mean, NULL)), 4) AS effect
FROM unit_means;
