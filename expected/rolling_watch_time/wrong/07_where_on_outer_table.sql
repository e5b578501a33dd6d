-- dialect: mysql
-- mistake: the calendar is LEFT JOINed to sessions but a WHERE on session_ts turns it into an inner join, so the outage day disappears again
WITH RECURSIVE calendar AS (
    SELECT DATE '2025-01-01' AS day
    UNION ALL
    SELECT day + INTERVAL 1 DAY FROM calendar WHERE day < '2025-12-31'
),
daily AS (
    SELECT c.day, COALESCE(SUM(s.watch_minutes), 0) AS watch_minutes
    FROM calendar AS c
    LEFT JOIN sessions AS s ON DATE(s.session_ts) = c.day
    WHERE s.session_ts >= '2025-01-01'
    GROUP BY c.day
)
SELECT day,
       ROUND(watch_minutes, 2) AS watch_minutes,
       ROUND(AVG(watch_minutes) OVER (ORDER BY day ROWS BETWEEN 6 PRECEDING AND CURRENT ROW), 2) AS avg_7d
FROM daily
ORDER BY day;
