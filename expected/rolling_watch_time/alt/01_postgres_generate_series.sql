-- dialect: postgres
-- generate_series gives the 365-day calendar; the daily totals are LEFT JOINed and COALESCEd to 0,
-- so the 7-row frame is 7 calendar days and AVG divides by the days available in early January.
WITH calendar AS (
    SELECT d::date AS day
    FROM generate_series('2025-01-01'::date, '2025-12-31'::date, interval '1 day') AS g(d)
),
daily AS (
    SELECT session_ts::date AS day, SUM(watch_minutes) AS total
    FROM sessions
    GROUP BY session_ts::date
)
SELECT c.day,
       ROUND(COALESCE(d.total, 0)::numeric, 2) AS watch_minutes,
       ROUND(AVG(COALESCE(d.total, 0)) OVER (ORDER BY c.day ROWS BETWEEN 6 PRECEDING AND CURRENT ROW)::numeric, 2) AS avg_7d
FROM calendar AS c
LEFT JOIN daily AS d ON d.day = c.day
ORDER BY c.day;
