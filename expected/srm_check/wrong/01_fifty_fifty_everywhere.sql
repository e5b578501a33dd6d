-- mistake: tests every experiment against 50/50, but new_row_ranker was designed 80/20, so it is flagged as an SRM
WITH counts AS (
    SELECT experiment_id,
           SUM(CASE WHEN variant = 'control' THEN 1 ELSE 0 END) AS control_n,
           SUM(CASE WHEN variant <> 'control' THEN 1 ELSE 0 END) AS treatment_n
    FROM ab_tests
    GROUP BY experiment_id
),
stats AS (
    SELECT experiment_id, control_n, treatment_n,
           POWER(control_n - (control_n + treatment_n) / 2.0, 2) / ((control_n + treatment_n) / 2.0)
         + POWER(treatment_n - (control_n + treatment_n) / 2.0, 2) / ((control_n + treatment_n) / 2.0) AS chi_square
    FROM counts
)
SELECT experiment_id, control_n, treatment_n,
       ROUND(chi_square, 3) AS chi_square,
       chi_square > 10.828 AS srm
FROM stats;
