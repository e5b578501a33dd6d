-- dialect: snowflake
-- DATEDIFF('month', ...) in Snowflake counts calendar-month boundaries; a member is counted once via
-- COUNT(DISTINCT IFF(...)); the LEFT JOIN keeps members without sessions in the cohort.
SELECT DATE_TRUNC('month', u.signup_date)::DATE AS cohort_month,
       COUNT(DISTINCT u.user_id) AS cohort_size,
       IFF(cohort_month < '2025-12-01'::DATE,
           ROUND(100 * COUNT(DISTINCT IFF(DATEDIFF('month', u.signup_date, s.session_ts) = 1, u.user_id, NULL))
                 / COUNT(DISTINCT u.user_id), 2), NULL) AS m1_pct,
       IFF(cohort_month < '2025-10-01'::DATE,
           ROUND(100 * COUNT(DISTINCT IFF(DATEDIFF('month', u.signup_date, s.session_ts) = 3, u.user_id, NULL))
                 / COUNT(DISTINCT u.user_id), 2), NULL) AS m3_pct
FROM users u
LEFT JOIN sessions s ON s.user_id = u.user_id
WHERE YEAR(u.signup_date) = 2025
GROUP BY 1
ORDER BY 1;
