-- dialect: spark
-- Long format: one row per (experiment, arm) with its own designed share and (O - E)^2 / E
-- term, then summed per experiment; the counts are pivoted back with MAX(CASE ...).
WITH arm_counts AS (
    SELECT experiment_id,
           CASE WHEN variant = 'control' THEN 'control' ELSE 'other' END AS arm,
           COUNT(*) AS observed
    FROM ab_tests
    GROUP BY experiment_id, CASE WHEN variant = 'control' THEN 'control' ELSE 'other' END
),
with_expected AS (
    SELECT experiment_id, arm, observed,
           SUM(observed) OVER (PARTITION BY experiment_id)
             * CASE WHEN experiment_id = 'new_row_ranker' AND arm = 'control' THEN 0.8
                    WHEN experiment_id = 'new_row_ranker' THEN 0.2
                    ELSE 0.5 END AS expected
    FROM arm_counts
),
stats AS (
    SELECT experiment_id,
           MAX(CASE WHEN arm = 'control' THEN observed END) AS control_n,
           MAX(CASE WHEN arm = 'other' THEN observed END) AS treatment_n,
           SUM(POWER(observed - expected, 2) / expected) AS chi_square
    FROM with_expected
    GROUP BY experiment_id
)
SELECT experiment_id, control_n, treatment_n,
       ROUND(chi_square, 3) AS chi_square,
       chi_square > 10.828 AS srm
FROM stats;
