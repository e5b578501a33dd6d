-- A calendar of all 365 days of 2025 drives the query, so the outage day (no sessions at all) is
-- a row with 0 minutes and every frame of 7 rows is exactly 7 calendar days. AVG over that frame
-- divides by the number of days in it: 7, except on 1-6 January where fewer days exist.
-- The average is taken over the unrounded daily totals; only the output is rounded.
WITH calendar AS (
    SELECT CAST(UNNEST(generate_series(DATE '2025-01-01', DATE '2025-12-31', INTERVAL 1 DAY)) AS DATE) AS day
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
       ROUND(AVG(watch_minutes) OVER (ORDER BY day ROWS BETWEEN 6 PRECEDING AND CURRENT ROW), 2) AS avg_7d
FROM filled
ORDER BY day;
