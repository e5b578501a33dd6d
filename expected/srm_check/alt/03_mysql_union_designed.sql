-- dialect: mysql
-- The designed split as a UNION ALL derived table; SUM of a boolean counts rows in MySQL.
SELECT c.experiment_id,
       c.control_n,
       c.treatment_n,
       ROUND(POW(c.control_n - c.n * d.p, 2) / (c.n * d.p)
           + POW(c.treatment_n - c.n * (1 - d.p), 2) / (c.n * (1 - d.p)), 3) AS chi_square,
       (POW(c.control_n - c.n * d.p, 2) / (c.n * d.p)
           + POW(c.treatment_n - c.n * (1 - d.p), 2) / (c.n * (1 - d.p))) > 10.828 AS srm
FROM (
    SELECT experiment_id,
           SUM(variant = 'control') AS control_n,
           SUM(variant <> 'control') AS treatment_n,
           COUNT(*) AS n
    FROM ab_tests
    GROUP BY experiment_id
) AS c
JOIN (
    SELECT 'free_trial_7d' AS experiment_id, 0.5 AS p
    UNION ALL SELECT 'new_row_ranker', 0.8
    UNION ALL SELECT 'artwork_v2', 0.5
    UNION ALL SELECT 'close_friends', 0.5
) AS d ON d.experiment_id = c.experiment_id;
