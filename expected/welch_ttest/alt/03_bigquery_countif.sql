-- dialect: bigquery
-- Sessions pre-aggregated per member, LEFT JOINed to every assigned member (IFNULL to 0);
-- VAR_SAMP(IF(...)) per arm (IF without ELSE gives NULL, which aggregates skip).
WITH minutes AS (
    SELECT a.user_id, SUM(s.watch_minutes) AS y
    FROM `netflix-sim.product.ab_tests` AS a
    JOIN `netflix-sim.product.sessions` AS s
      ON s.user_id = a.user_id
    WHERE a.experiment_id = 'new_row_ranker'
      AND s.session_ts >= a.assigned_at
      AND s.session_ts < TIMESTAMP '2025-06-30'
    GROUP BY a.user_id
),
per_member AS (
    SELECT a.variant, IFNULL(m.y, 0) AS y
    FROM `netflix-sim.product.ab_tests` AS a
    LEFT JOIN minutes AS m ON m.user_id = a.user_id
    WHERE a.experiment_id = 'new_row_ranker'
),
arms AS (
    SELECT AVG(IF(variant = 'treatment', y, NULL)) - AVG(IF(variant = 'control', y, NULL)) AS diff,
           VAR_SAMP(IF(variant = 'treatment', y, NULL)) / COUNTIF(variant = 'treatment') AS se2_t,
           VAR_SAMP(IF(variant = 'control', y, NULL)) / COUNTIF(variant = 'control') AS se2_c,
           COUNTIF(variant = 'treatment') AS n_t,
           COUNTIF(variant = 'control') AS n_c
    FROM per_member
)
SELECT ROUND(diff, 4) AS diff,
       ROUND(diff / SQRT(se2_t + se2_c), 4) AS t_stat,
       ROUND(POW(se2_t + se2_c, 2) / (POW(se2_t, 2) / (n_t - 1) + POW(se2_c, 2) / (n_c - 1)), 4) AS dof
FROM arms;
