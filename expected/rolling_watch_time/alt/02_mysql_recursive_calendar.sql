-- dialect: mysql
-- A recursive CTE builds the calendar; the day's sessions are joined in the ON clause (not WHERE),
-- so the outage day keeps its row and its total is COALESCEd to 0 before the window average.
WITH RECURSIVE calendar AS (
    SELECT DATE('2025-01-01') AS day
    UNION ALL
    SELECT DATE_ADD(day, INTERVAL 1 DAY) FROM calendar WHERE day < '2025-12-31'
),
daily AS (
    SELECT c.day, COALESCE(SUM(s.watch_minutes), 0) AS total
    FROM calendar AS c
    LEFT JOIN sessions AS s ON DATE(s.session_ts) = c.day
    GROUP BY c.day
)
SELECT day,
       ROUND(total, 2) AS watch_minutes,
       ROUND(AVG(total) OVER (ORDER BY day ROWS BETWEEN 6 PRECEDING AND CURRENT ROW), 2) AS avg_7d
FROM daily
ORDER BY day;
