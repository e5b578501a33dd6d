-- dialect: postgres
-- mistake: "month 1" measured from the signup date (signup_date + 1 month up to + 2 months) instead of the calendar month after the signup month
WITH cohort AS (
    SELECT user_id, signup_date, date_trunc('month', signup_date)::date AS cohort_month
    FROM users
    WHERE signup_date >= DATE '2025-01-01' AND signup_date < DATE '2026-01-01'
),
flags AS (
    SELECT c.user_id, c.cohort_month,
           bool_or(s.session_ts >= c.signup_date + interval '1 month'
                   AND s.session_ts < c.signup_date + interval '2 months') AS in_m1,
           bool_or(s.session_ts >= c.signup_date + interval '3 months'
                   AND s.session_ts < c.signup_date + interval '4 months') AS in_m3
    FROM cohort AS c
    LEFT JOIN sessions AS s ON s.user_id = c.user_id
    GROUP BY c.user_id, c.cohort_month
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
