-- dialect: mysql
-- YEAR * 12 + MONTH as a month index; SUM of 0/1 flags per member counts members, not sessions.
WITH cohort AS (
    SELECT user_id, signup_date, YEAR(signup_date) * 12 + MONTH(signup_date) AS m0
    FROM users
    WHERE YEAR(signup_date) = 2025
),
flags AS (
    SELECT c.user_id, c.signup_date, c.m0,
           MAX(CASE WHEN YEAR(s.session_ts) * 12 + MONTH(s.session_ts) = c.m0 + 1 THEN 1 ELSE 0 END) AS in_m1,
           MAX(CASE WHEN YEAR(s.session_ts) * 12 + MONTH(s.session_ts) = c.m0 + 3 THEN 1 ELSE 0 END) AS in_m3
    FROM cohort AS c
    LEFT JOIN sessions AS s ON s.user_id = c.user_id
    GROUP BY c.user_id, c.signup_date, c.m0
)
SELECT STR_TO_DATE(CONCAT(YEAR(MIN(signup_date)), '-', MONTH(MIN(signup_date)), '-01'), '%Y-%m-%d') AS cohort_month,
       COUNT(*) AS cohort_size,
       CASE WHEN m0 + 1 <= 2025 * 12 + 12 THEN ROUND(100 * SUM(in_m1) / COUNT(*), 2) END AS m1_pct,
       CASE WHEN m0 + 3 <= 2025 * 12 + 12 THEN ROUND(100 * SUM(in_m3) / COUNT(*), 2) END AS m3_pct
FROM flags
GROUP BY m0
ORDER BY m0;
