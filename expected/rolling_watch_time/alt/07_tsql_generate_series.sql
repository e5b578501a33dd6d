-- dialect: tsql
-- SQL Server 2022's GENERATE_SERIES (one column named value) numbers the 365 days of the calendar;
-- the daily totals are LEFT JOINed and ISNULLed to 0 before the 7-row window average.
WITH calendar AS (
    SELECT DATEADD(day, n.value, CAST('2025-01-01' AS date)) AS day
    FROM GENERATE_SERIES(0, 364) AS n
),
daily AS (
    SELECT CAST(session_ts AS date) AS day, SUM(watch_minutes) AS total
    FROM dbo.sessions
    GROUP BY CAST(session_ts AS date)
)
SELECT c.day,
       ROUND(ISNULL(d.total, 0), 2) AS watch_minutes,
       ROUND(AVG(ISNULL(d.total, 0)) OVER (ORDER BY c.day ROWS BETWEEN 6 PRECEDING AND CURRENT ROW), 2) AS avg_7d
FROM calendar AS c
LEFT JOIN daily AS d ON d.day = c.day
ORDER BY c.day;
