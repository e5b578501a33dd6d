-- dialect: tsql
-- The designed control share from a CASE; 1.0 * forces decimal arithmetic; the flag as a 0/1
-- integer (T-SQL has no boolean expressions in a select list).
WITH counts AS (
    SELECT experiment_id,
           SUM(CASE WHEN variant = 'control' THEN 1 ELSE 0 END) AS control_n,
           SUM(CASE WHEN variant <> 'control' THEN 1 ELSE 0 END) AS treatment_n,
           CASE experiment_id WHEN 'new_row_ranker' THEN 0.8 ELSE 0.5 END AS p
    FROM dbo.ab_tests
    GROUP BY experiment_id
),
expected AS (
    SELECT experiment_id, control_n, treatment_n,
           1.0 * (control_n + treatment_n) * p AS e_c,
           1.0 * (control_n + treatment_n) * (1 - p) AS e_t
    FROM counts
),
stats AS (
    SELECT experiment_id, control_n, treatment_n,
           (control_n - e_c) * (control_n - e_c) / e_c
         + (treatment_n - e_t) * (treatment_n - e_t) / e_t AS chi_square
    FROM expected
)
SELECT experiment_id, control_n, treatment_n,
       ROUND(chi_square, 3) AS chi_square,
       CASE WHEN chi_square > 10.828 THEN 1 ELSE 0 END AS srm
FROM stats;
