-- mistake: a centred window (3 days before, 3 after) instead of a trailing one
WITH calendar AS (
    SELECT CAST(d AS DATE) AS day
    FROM generate_series(DATE '2025-01-01', DATE '2025-12-31', INTERVAL 1 DAY) AS t(d)
),
daily AS (
    SELECT CAST(session_ts AS DATE) AS day, SUM(watch_minutes) AS watch_minutes
    FROM sessions
    GROUP BY 1
),
filled AS (
    SELECT c.day, COALESCE(d.watch_minutes, 0) AS watch_minutes
    FROM calendar AS c
    LEFT JOIN daily AS d USING (day)
)
SELECT day,
       ROUND(watch_minutes, 2) AS watch_minutes,
       ROUND(AVG(watch_minutes) OVER (ORDER BY day ROWS BETWEEN 3 PRECEDING AND 3 FOLLOWING), 2) AS avg_7d
FROM filled
ORDER BY day;
