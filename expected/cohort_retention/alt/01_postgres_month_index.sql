-- dialect: postgres
-- Month index = year * 12 + month turns "k calendar months later" into plain integer arithmetic;
-- EXISTS per member keeps every cohort member in the denominator, counted once.
WITH cohort AS (
    SELECT user_id,
           date_trunc('month', signup_date)::date AS cohort_month,
           EXTRACT(YEAR FROM signup_date)::int * 12 + EXTRACT(MONTH FROM signup_date)::int AS m0
    FROM users
    WHERE signup_date BETWEEN DATE '2025-01-01' AND DATE '2025-12-31'
),
active AS (
    SELECT DISTINCT user_id,
           EXTRACT(YEAR FROM session_ts)::int * 12 + EXTRACT(MONTH FROM session_ts)::int AS m
    FROM sessions
)
SELECT cohort_month,
       COUNT(*) AS cohort_size,
       CASE WHEN cohort_month <= DATE '2025-11-01' THEN ROUND(100.0 * COUNT(*) FILTER (
           WHERE EXISTS (SELECT 1 FROM active a WHERE a.user_id = c.user_id AND a.m = c.m0 + 1)) / COUNT(*), 2) END AS m1_pct,
       CASE WHEN cohort_month <= DATE '2025-09-01' THEN ROUND(100.0 * COUNT(*) FILTER (
           WHERE EXISTS (SELECT 1 FROM active a WHERE a.user_id = c.user_id AND a.m = c.m0 + 3)) / COUNT(*), 2) END AS m3_pct
FROM cohort c
GROUP BY cohort_month
ORDER BY cohort_month;
