-- dialect: postgres
-- mistake: RANGE BETWEEN INTERVAL '6 days' PRECEDING gets the calendar window right, but without a calendar the outage day has no row and AVG divides by the days that had sessions, not by 7
WITH daily AS (
    SELECT session_ts::date AS day, SUM(watch_minutes) AS watch_minutes
    FROM sessions
    GROUP BY 1
)
SELECT day,
       ROUND(watch_minutes::numeric, 2) AS watch_minutes,
       ROUND(AVG(watch_minutes) OVER (ORDER BY day RANGE BETWEEN INTERVAL '6 days' PRECEDING AND CURRENT ROW)::numeric, 2) AS avg_7d
FROM daily
ORDER BY day;
