-- mistake: "month 1" and "month 3" as 30-day windows after the signup date (days 30-59 and 90-119) instead of the calendar months after the signup month
WITH cohort AS (
    SELECT user_id, signup_date, CAST(date_trunc('month', signup_date) AS DATE) AS cohort_month
    FROM users
    WHERE signup_date >= DATE '2025-01-01' AND signup_date < DATE '2026-01-01'
),
flags AS (
    SELECT c.user_id, c.cohort_month,
           EXISTS (SELECT 1 FROM sessions AS s WHERE s.user_id = c.user_id
                     AND CAST(s.session_ts AS DATE) - c.signup_date BETWEEN 30 AND 59) AS in_m1,
           EXISTS (SELECT 1 FROM sessions AS s WHERE s.user_id = c.user_id
                     AND CAST(s.session_ts AS DATE) - c.signup_date BETWEEN 90 AND 119) AS in_m3
    FROM cohort AS c
)
SELECT cohort_month,
       COUNT(*) AS cohort_size,
       CASE WHEN cohort_month < DATE '2025-12-01'
            THEN ROUND(100.0 * COUNT(*) FILTER (WHERE in_m1) / COUNT(*), 2) END AS m1_pct,
       CASE WHEN cohort_month < DATE '2025-10-01'
            THEN ROUND(100.0 * COUNT(*) FILTER (WHERE in_m3) / COUNT(*), 2) END AS m3_pct
FROM flags
GROUP BY cohort_month
ORDER BY cohort_month;
