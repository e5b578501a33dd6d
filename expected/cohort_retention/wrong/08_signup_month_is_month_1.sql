-- mistake: off by one month: the signup month is taken as month 1 (offsets 0 and 2 instead of 1 and 3)
WITH cohort AS (
    SELECT user_id, CAST(date_trunc('month', signup_date) AS DATE) AS cohort_month
    FROM users
    WHERE signup_date >= DATE '2025-01-01' AND signup_date < DATE '2026-01-01'
),
active AS (
    SELECT DISTINCT user_id, CAST(date_trunc('month', session_ts) AS DATE) AS active_month
    FROM sessions
)
SELECT c.cohort_month,
       COUNT(*) AS cohort_size,
       ROUND(100.0 * COUNT(a1.user_id) / COUNT(*), 2) AS m1_pct,
       CASE WHEN c.cohort_month < DATE '2025-11-01'
            THEN ROUND(100.0 * COUNT(a3.user_id) / COUNT(*), 2) END AS m3_pct
FROM cohort AS c
LEFT JOIN active AS a1 ON a1.user_id = c.user_id AND a1.active_month = c.cohort_month
LEFT JOIN active AS a3 ON a3.user_id = c.user_id AND a3.active_month = c.cohort_month + INTERVAL 2 MONTH
GROUP BY c.cohort_month
ORDER BY c.cohort_month;
