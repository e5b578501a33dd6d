-- mistake: the calendar join leaves the outage day's total NULL and AVG skips NULLs, so windows containing it average 6 days instead of counting a 0
WITH calendar AS (
    SELECT CAST(d AS DATE) AS day
    FROM generate_series(DATE '2025-01-01', DATE '2025-12-31', INTERVAL 1 DAY) AS t(d)
),
daily AS (
    SELECT c.day, SUM(s.watch_minutes) AS watch_minutes
    FROM calendar AS c
    LEFT JOIN sessions AS s ON CAST(s.session_ts AS DATE) = c.day
    GROUP BY c.day
)
SELECT day,
       ROUND(COALESCE(watch_minutes, 0), 2) AS watch_minutes,
       ROUND(AVG(watch_minutes) OVER (ORDER BY day ROWS BETWEEN 6 PRECEDING AND CURRENT ROW), 2) AS avg_7d
FROM daily
ORDER BY day;
