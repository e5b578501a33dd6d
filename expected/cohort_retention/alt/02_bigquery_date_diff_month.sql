-- dialect: bigquery
-- DATE_DIFF(..., MONTH) counts month boundaries crossed, i.e. calendar months between the signup
-- month and the session's month. One row per member with two flags, then COUNTIF per cohort.
WITH members AS (
    SELECT u.user_id,
           DATE_TRUNC(u.signup_date, MONTH) AS cohort_month,
           LOGICAL_OR(DATE_DIFF(DATE(s.session_ts), u.signup_date, MONTH) = 1) AS in_m1,
           LOGICAL_OR(DATE_DIFF(DATE(s.session_ts), u.signup_date, MONTH) = 3) AS in_m3
    FROM `netflix-sim.core.users` AS u
    LEFT JOIN `netflix-sim.viewing.sessions` AS s ON s.user_id = u.user_id
    WHERE EXTRACT(YEAR FROM u.signup_date) = 2025
    GROUP BY u.user_id, cohort_month
)
SELECT cohort_month,
       COUNT(*) AS cohort_size,
       IF(DATE_ADD(cohort_month, INTERVAL 1 MONTH) <= DATE '2025-12-31',
          ROUND(100 * COUNTIF(IFNULL(in_m1, FALSE)) / COUNT(*), 2), NULL) AS m1_pct,
       IF(DATE_ADD(cohort_month, INTERVAL 3 MONTH) <= DATE '2025-12-31',
          ROUND(100 * COUNTIF(IFNULL(in_m3, FALSE)) / COUNT(*), 2), NULL) AS m3_pct
FROM members
GROUP BY cohort_month
ORDER BY cohort_month;
