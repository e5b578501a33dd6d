-- mistake: the cohort is built from an inner join of users and sessions, so members who never had a session drop out of cohort_size and the denominator
WITH joined AS (
    SELECT u.user_id,
           CAST(date_trunc('month', u.signup_date) AS DATE) AS cohort_month,
           CAST(date_trunc('month', s.session_ts) AS DATE) AS active_month
    FROM users AS u
    JOIN sessions AS s ON s.user_id = u.user_id
    WHERE u.signup_date >= DATE '2025-01-01'
)
SELECT cohort_month,
       COUNT(DISTINCT user_id) AS cohort_size,
       CASE WHEN cohort_month < DATE '2025-12-01' THEN ROUND(100.0 * COUNT(DISTINCT CASE
            WHEN active_month = cohort_month + INTERVAL 1 MONTH THEN user_id END) / COUNT(DISTINCT user_id), 2) END AS m1_pct,
       CASE WHEN cohort_month < DATE '2025-10-01' THEN ROUND(100.0 * COUNT(DISTINCT CASE
            WHEN active_month = cohort_month + INTERVAL 3 MONTH THEN user_id END) / COUNT(DISTINCT user_id), 2) END AS m3_pct
FROM joined
GROUP BY cohort_month
ORDER BY cohort_month;
