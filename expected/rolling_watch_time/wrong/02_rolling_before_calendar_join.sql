-- mistake: the rolling average is computed over the days with sessions and only then joined to a calendar, so the outage day shows 0 but is not in anyone's 7-day window
WITH calendar AS (
    SELECT CAST(d AS DATE) AS day
    FROM generate_series(DATE '2025-01-01', DATE '2025-12-31', INTERVAL 1 DAY) AS t(d)
),
daily AS (
    SELECT CAST(session_ts AS DATE) AS day, SUM(watch_minutes) AS watch_minutes
    FROM sessions
    GROUP BY 1
),
rolling AS (
    SELECT day, watch_minutes,
           AVG(watch_minutes) OVER (ORDER BY day ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS avg_7d
    FROM daily
)
SELECT c.day,
       ROUND(COALESCE(r.watch_minutes, 0), 2) AS watch_minutes,
       ROUND(COALESCE(r.avg_7d, 0), 2) AS avg_7d
FROM calendar AS c
LEFT JOIN rolling AS r USING (day)
ORDER BY c.day;
