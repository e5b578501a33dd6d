-- dialect: tsql
-- DATEFROMPARTS gives the first of the month; DATEDIFF(month, ...) counts calendar-month boundaries.
-- 100.0 avoids integer division; months in 2026 are NULL (CASE without ELSE).
WITH cohort AS (
    SELECT user_id, DATEFROMPARTS(YEAR(signup_date), MONTH(signup_date), 1) AS cohort_month
    FROM dbo.users
    WHERE signup_date >= '2025-01-01' AND signup_date < '2026-01-01'
),
active AS (
    SELECT DISTINCT user_id, DATEFROMPARTS(YEAR(session_ts), MONTH(session_ts), 1) AS active_month
    FROM dbo.sessions
),
flags AS (
    SELECT c.user_id, c.cohort_month,
           MAX(CASE WHEN DATEDIFF(month, c.cohort_month, a.active_month) = 1 THEN 1 ELSE 0 END) AS in_m1,
           MAX(CASE WHEN DATEDIFF(month, c.cohort_month, a.active_month) = 3 THEN 1 ELSE 0 END) AS in_m3
    FROM cohort AS c
    LEFT JOIN active AS a ON a.user_id = c.user_id
    GROUP BY c.user_id, c.cohort_month
)
SELECT cohort_month,
       COUNT(*) AS cohort_size,
       CASE WHEN MONTH(cohort_month) <= 11 THEN ROUND(100.0 * SUM(in_m1) / COUNT(*), 2) END AS m1_pct,
       CASE WHEN MONTH(cohort_month) <= 9 THEN ROUND(100.0 * SUM(in_m3) / COUNT(*), 2) END AS m3_pct
FROM flags
GROUP BY cohort_month
ORDER BY cohort_month;
