-- dialect: postgres
-- mistake: the expected counts are computed with integer arithmetic (n * 80 / 100), which PostgreSQL truncates to whole members
WITH designed (experiment_id, control_pct) AS (
    VALUES ('free_trial_7d', 50), ('new_row_ranker', 80), ('artwork_v2', 50), ('close_friends', 50)
),
counts AS (
    SELECT t.experiment_id,
           COUNT(*) FILTER (WHERE t.variant = 'control') AS control_n,
           COUNT(*) FILTER (WHERE t.variant <> 'control') AS treatment_n,
           COUNT(*) * d.control_pct / 100 AS e_control,
           COUNT(*) * (100 - d.control_pct) / 100 AS e_treatment
    FROM ab_tests AS t
    JOIN designed AS d ON d.experiment_id = t.experiment_id
    GROUP BY t.experiment_id, d.control_pct
),
stats AS (
    SELECT experiment_id, control_n, treatment_n,
           (control_n - e_control)^2::float / e_control
         + (treatment_n - e_treatment)^2::float / e_treatment AS chi_square
    FROM counts
)
SELECT experiment_id, control_n, treatment_n,
       ROUND(chi_square::numeric, 3) AS chi_square,
       chi_square > 10.828 AS srm
FROM stats;
