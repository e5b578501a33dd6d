-- mistake: no filter on the signup year, so members who signed up in 2019-2024 form cohorts of their own
WITH cohort AS (
    SELECT user_id, CAST(date_trunc('month', signup_date) AS DATE) AS cohort_month
    FROM users
),
active AS (
    SELECT DISTINCT user_id, CAST(date_trunc('month', session_ts) AS DATE) AS active_month
    FROM sessions
)
SELECT c.cohort_month,
       COUNT(*) AS cohort_size,
       CASE WHEN c.cohort_month < DATE '2025-12-01'
            THEN ROUND(100.0 * COUNT(a1.user_id) / COUNT(*), 2) END AS m1_pct,
       CASE WHEN c.cohort_month < DATE '2025-10-01'
            THEN ROUND(100.0 * COUNT(a3.user_id) / COUNT(*), 2) END AS m3_pct
FROM cohort AS c
LEFT JOIN active AS a1 ON a1.user_id = c.user_id AND a1.active_month = c.cohort_month + INTERVAL 1 MONTH
LEFT JOIN active AS a3 ON a3.user_id = c.user_id AND a3.active_month = c.cohort_month + INTERVAL 3 MONTH
GROUP BY c.cohort_month
ORDER BY c.cohort_month;
