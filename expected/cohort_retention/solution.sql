-- Cohorts are the 2025 signups, grouped by the first day of the signup month. A member counts in
-- m1 (m3) if any of their sessions falls in the calendar month 1 (3) after that month: the month
-- of the session, truncated, equals cohort_month + 1 (3) months, whatever the signup day.
-- Members without sessions stay in the denominator thanks to the outer join (their bool_or is
-- NULL, which the FILTER counts as not active); flags are per member, so nobody is counted twice;
-- a month after December 2025 is beyond the data, so its percentage is NULL rather than 0.
WITH cohort AS (
    SELECT user_id, CAST(date_trunc('month', signup_date) AS DATE) AS cohort_month
    FROM users
    WHERE signup_date >= DATE '2025-01-01' AND signup_date < DATE '2026-01-01'
),
flags AS (
    SELECT c.user_id, c.cohort_month,
           bool_or(date_trunc('month', s.session_ts) = c.cohort_month + INTERVAL 1 MONTH) AS in_m1,
           bool_or(date_trunc('month', s.session_ts) = c.cohort_month + INTERVAL 3 MONTH) AS in_m3
    FROM cohort AS c
    LEFT JOIN sessions AS s ON s.user_id = c.user_id
    GROUP BY c.user_id, c.cohort_month
)
SELECT cohort_month,
       COUNT(*) AS cohort_size,
       CASE WHEN cohort_month + INTERVAL 1 MONTH < DATE '2026-01-01'
            THEN ROUND(100.0 * COUNT(*) FILTER (WHERE in_m1) / COUNT(*), 2) END AS m1_pct,
       CASE WHEN cohort_month + INTERVAL 3 MONTH < DATE '2026-01-01'
            THEN ROUND(100.0 * COUNT(*) FILTER (WHERE in_m3) / COUNT(*), 2) END AS m3_pct
FROM flags
GROUP BY cohort_month
ORDER BY cohort_month;
