-- dialect: spark
-- trunc(..., 'MM') and add_months give the calendar month k months later; a semi-join style
-- max(CASE) flag per member keeps members with no sessions at 0.
WITH cohort AS (
    SELECT user_id, trunc(signup_date, 'MM') AS cohort_month
    FROM users
    WHERE signup_date >= DATE'2025-01-01' AND signup_date < DATE'2026-01-01'
),
active AS (
    SELECT DISTINCT user_id, trunc(to_date(session_ts), 'MM') AS active_month
    FROM sessions
),
flags AS (
    SELECT c.user_id, c.cohort_month,
           max(CASE WHEN a.active_month = add_months(c.cohort_month, 1) THEN 1 ELSE 0 END) AS in_m1,
           max(CASE WHEN a.active_month = add_months(c.cohort_month, 3) THEN 1 ELSE 0 END) AS in_m3
    FROM cohort c
    LEFT JOIN active a ON a.user_id = c.user_id
    GROUP BY c.user_id, c.cohort_month
)
SELECT cohort_month,
       count(*) AS cohort_size,
       CASE WHEN add_months(cohort_month, 1) < DATE'2026-01-01' THEN round(100 * sum(in_m1) / count(*), 2) END AS m1_pct,
       CASE WHEN add_months(cohort_month, 3) < DATE'2026-01-01' THEN round(100 * sum(in_m3) / count(*), 2) END AS m3_pct
FROM flags
GROUP BY cohort_month
ORDER BY cohort_month;
