-- dialect: tsql
-- A numbers table (TOP 365 ROW_NUMBER over any big table) gives the calendar. No window frame:
-- each day sums the totals of the 7 calendar days ending on it (a range self-join on the filled
-- calendar) and divides by how many of those days exist in 2025.
WITH calendar AS (
    SELECT TOP (365) DATEADD(day, ROW_NUMBER() OVER (ORDER BY (SELECT NULL)) - 1, CAST('2025-01-01' AS date)) AS day
    FROM dbo.sessions
),
daily AS (
    SELECT CAST(session_ts AS date) AS day, SUM(watch_minutes) AS total
    FROM dbo.sessions
    GROUP BY CAST(session_ts AS date)
),
filled AS (
    SELECT c.day, COALESCE(d.total, 0) AS total
    FROM calendar AS c
    LEFT JOIN daily AS d ON d.day = c.day
)
SELECT f.day,
       ROUND(f.total, 2) AS watch_minutes,
       ROUND(SUM(w.total) / COUNT(*), 2) AS avg_7d
FROM filled AS f
JOIN filled AS w ON w.day BETWEEN DATEADD(day, -6, f.day) AND f.day
GROUP BY f.day, f.total
ORDER BY f.day;
