-- mistake: SUM over the frame divided by 7 on every day, so 1-6 January are averaged as if the days before 2025 were zeros (the prompt averages over the days available)
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
       ROUND(SUM(watch_minutes) OVER (ORDER BY day ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) / 7, 2) AS avg_7d
FROM filled
ORDER BY day;
