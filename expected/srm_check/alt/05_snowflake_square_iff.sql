-- dialect: snowflake
-- COUNT_IF per arm, SQUARE() for the squared deviations, DECODE for the designed share.
WITH counts AS (
    SELECT experiment_id,
           COUNT_IF(variant = 'control') AS control_n,
           COUNT_IF(variant <> 'control') AS treatment_n,
           DECODE(experiment_id, 'new_row_ranker', 0.8, 0.5) AS p
    FROM ab_tests
    GROUP BY experiment_id
),
stats AS (
    SELECT experiment_id, control_n, treatment_n,
           SQUARE(control_n - (control_n + treatment_n) * p) / ((control_n + treatment_n) * p)
         + SQUARE(treatment_n - (control_n + treatment_n) * (1 - p)) / ((control_n + treatment_n) * (1 - p)) AS chi_square
    FROM counts
)
SELECT experiment_id, control_n, treatment_n,
       ROUND(chi_square, 3) AS chi_square,
       chi_square > 10.828 AS srm
FROM stats;
