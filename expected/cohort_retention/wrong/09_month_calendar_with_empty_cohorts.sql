-- mistake: drives the result from a calendar of all 12 months, so a month with no signups (November in the edge data) appears as a row with cohort_size 0
WITH months AS (
    SELECT CAST(m AS DATE) AS cohort_month
    FROM generate_series(DATE '2025-01-01', DATE '2025-12-01', INTERVAL 1 MONTH) AS t(m)
),
cohort AS (
    SELECT user_id, CAST(date_trunc('month', signup_date) AS DATE) AS cohort_month
    FROM users
    WHERE signup_date >= DATE '2025-01-01' AND signup_date < DATE '2026-01-01'
),
active AS (
    SELECT DISTINCT user_id, CAST(date_trunc('month', session_ts) AS DATE) AS active_month
    FROM sessions
)
SELECT m.cohort_month,
       COUNT(c.user_id) AS cohort_size,
       CASE WHEN m.cohort_month < DATE '2025-12-01'
            THEN ROUND(100.0 * COUNT(a1.user_id) / NULLIF(COUNT(c.user_id), 0), 2) END AS m1_pct,
       CASE WHEN m.cohort_month < DATE '2025-10-01'
            THEN ROUND(100.0 * COUNT(a3.user_id) / NULLIF(COUNT(c.user_id), 0), 2) END AS m3_pct
FROM months AS m
LEFT JOIN cohort AS c ON c.cohort_month = m.cohort_month
LEFT JOIN active AS a1 ON a1.user_id = c.user_id AND a1.active_month = c.cohort_month + INTERVAL 1 MONTH
LEFT JOIN active AS a3 ON a3.user_id = c.user_id AND a3.active_month = c.cohort_month + INTERVAL 3 MONTH
GROUP BY m.cohort_month
ORDER BY m.cohort_month;
