-- mistake: m3 counts members with a session in any of months 1..3 after signup, not in the third month itself
WITH cohort AS (
    SELECT user_id, CAST(date_trunc('month', signup_date) AS DATE) AS cohort_month
    FROM users
    WHERE signup_date >= DATE '2025-01-01' AND signup_date < DATE '2026-01-01'
),
active AS (
    SELECT DISTINCT user_id, CAST(date_trunc('month', session_ts) AS DATE) AS active_month
    FROM sessions
),
flags AS (
    SELECT c.user_id, c.cohort_month,
           MAX(CASE WHEN a.active_month = c.cohort_month + INTERVAL 1 MONTH THEN 1 ELSE 0 END) AS in_m1,
           MAX(CASE WHEN a.active_month > c.cohort_month
                     AND a.active_month <= c.cohort_month + INTERVAL 3 MONTH THEN 1 ELSE 0 END) AS in_m3
    FROM cohort AS c
    LEFT JOIN active AS a ON a.user_id = c.user_id
    GROUP BY c.user_id, c.cohort_month
)
SELECT cohort_month,
       COUNT(*) AS cohort_size,
       CASE WHEN cohort_month < DATE '2025-12-01' THEN ROUND(100.0 * SUM(in_m1) / COUNT(*), 2) END AS m1_pct,
       CASE WHEN cohort_month < DATE '2025-10-01' THEN ROUND(100.0 * SUM(in_m3) / COUNT(*), 2) END AS m3_pct
FROM flags
GROUP BY cohort_month
ORDER BY cohort_month;
