-- mistake: applies Yates' continuity correction, (|O - E| - 0.5)^2 / E, which the prompt rules out
WITH designed (experiment_id, control_share, treatment_share) AS (
    VALUES ('free_trial_7d', 0.5, 0.5), ('new_row_ranker', 0.8, 0.2),
           ('artwork_v2', 0.5, 0.5), ('close_friends', 0.5, 0.5)
),
counts AS (
    SELECT experiment_id,
           COUNT(*) FILTER (WHERE variant = 'control') AS control_n,
           COUNT(*) FILTER (WHERE variant <> 'control') AS treatment_n
    FROM ab_tests
    GROUP BY experiment_id
),
stats AS (
    SELECT c.experiment_id, c.control_n, c.treatment_n,
           POWER(ABS(c.control_n - (c.control_n + c.treatment_n) * d.control_share) - 0.5, 2)
               / ((c.control_n + c.treatment_n) * d.control_share)
         + POWER(ABS(c.treatment_n - (c.control_n + c.treatment_n) * d.treatment_share) - 0.5, 2)
               / ((c.control_n + c.treatment_n) * d.treatment_share) AS chi_square
    FROM counts AS c JOIN designed AS d USING (experiment_id)
)
SELECT experiment_id, control_n, treatment_n,
       ROUND(chi_square, 3) AS chi_square,
       chi_square > 10.828 AS srm
FROM stats;
