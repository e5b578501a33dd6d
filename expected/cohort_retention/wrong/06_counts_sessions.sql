-- mistake: counts sessions in the month instead of distinct members, so heavy viewers are counted many times (percentages above 100)
WITH cohort AS (
    SELECT user_id, CAST(date_trunc('month', signup_date) AS DATE) AS cohort_month
    FROM users
    WHERE signup_date >= DATE '2025-01-01' AND signup_date < DATE '2026-01-01'
),
sizes AS (
    SELECT cohort_month, COUNT(*) AS cohort_size FROM cohort GROUP BY cohort_month
),
hits AS (
    SELECT c.cohort_month,
           COUNT(*) FILTER (WHERE date_trunc('month', s.session_ts) = c.cohort_month + INTERVAL 1 MONTH) AS m1,
           COUNT(*) FILTER (WHERE date_trunc('month', s.session_ts) = c.cohort_month + INTERVAL 3 MONTH) AS m3
    FROM cohort AS c
    JOIN sessions AS s ON s.user_id = c.user_id
    GROUP BY c.cohort_month
)
SELECT z.cohort_month, z.cohort_size,
       CASE WHEN z.cohort_month < DATE '2025-12-01' THEN ROUND(100.0 * COALESCE(h.m1, 0) / z.cohort_size, 2) END AS m1_pct,
       CASE WHEN z.cohort_month < DATE '2025-10-01' THEN ROUND(100.0 * COALESCE(h.m3, 0) / z.cohort_size, 2) END AS m3_pct
FROM sizes AS z
LEFT JOIN hits AS h USING (cohort_month)
ORDER BY z.cohort_month;
