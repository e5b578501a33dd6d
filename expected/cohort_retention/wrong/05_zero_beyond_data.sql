-- mistake: months after December 2025 are reported as 0.00 retention instead of NULL (not observed yet)
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
       ROUND(100.0 * COUNT(a3.user_id) / COUNT(*), 2) AS m3_pct
FROM cohort AS c
LEFT JOIN active AS a1 ON a1.user_id = c.user_id AND a1.active_month = c.cohort_month + INTERVAL 1 MONTH
LEFT JOIN active AS a3 ON a3.user_id = c.user_id AND a3.active_month = c.cohort_month + INTERVAL 3 MONTH
GROUP BY c.cohort_month
ORDER BY c.cohort_month;
