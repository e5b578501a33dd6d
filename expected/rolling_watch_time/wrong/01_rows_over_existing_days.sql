-- mistake: no calendar: ROWS BETWEEN 6 PRECEDING runs over the days that have sessions, so the outage day is missing and the frames around it span 8 calendar days
WITH daily AS (
    SELECT CAST(session_ts AS DATE) AS day, SUM(watch_minutes) AS watch_minutes
    FROM sessions
    GROUP BY 1
)
SELECT day,
       ROUND(watch_minutes, 2) AS watch_minutes,
       ROUND(AVG(watch_minutes) OVER (ORDER BY day ROWS BETWEEN 6 PRECEDING AND CURRENT ROW), 2) AS avg_7d
FROM daily
ORDER BY day;
