-- dialect: bigquery
-- The designed shares as an array of STRUCTs, COUNTIF per arm, POW for the squares.
WITH designed AS (
    SELECT * FROM UNNEST([
        STRUCT('free_trial_7d' AS experiment_id, 0.5 AS control_share),
        STRUCT('new_row_ranker' AS experiment_id, 0.8 AS control_share),
        STRUCT('artwork_v2' AS experiment_id, 0.5 AS control_share),
        STRUCT('close_friends' AS experiment_id, 0.5 AS control_share)
    ])
),
counts AS (
    SELECT experiment_id,
           COUNTIF(variant = 'control') AS control_n,
           COUNTIF(variant != 'control') AS treatment_n
    FROM `netflix-sim.product.ab_tests`
    GROUP BY experiment_id
),
stats AS (
    SELECT c.experiment_id, c.control_n, c.treatment_n,
           POW(c.control_n - (c.control_n + c.treatment_n) * d.control_share, 2)
               / ((c.control_n + c.treatment_n) * d.control_share)
         + POW(c.treatment_n - (c.control_n + c.treatment_n) * (1 - d.control_share), 2)
               / ((c.control_n + c.treatment_n) * (1 - d.control_share)) AS chi_square
    FROM counts AS c
    JOIN designed AS d ON d.experiment_id = c.experiment_id
)
SELECT experiment_id, control_n, treatment_n,
       ROUND(chi_square, 3) AS chi_square,
       chi_square > 10.828 AS srm
FROM stats;
