-- dialect: duckdb
-- A RANGE frame of 6 days before the current day over a filled calendar: the same 7 calendar days.
SELECT c.day,
       ROUND(COALESCE(SUM(s.watch_minutes), 0), 2) AS watch_minutes,
       ROUND(AVG(COALESCE(SUM(s.watch_minutes), 0)) OVER (
           ORDER BY c.day RANGE BETWEEN INTERVAL 6 DAY PRECEDING AND CURRENT ROW), 2) AS avg_7d
FROM (SELECT UNNEST(range(DATE '2025-01-01', DATE '2026-01-01', INTERVAL 1 DAY))::DATE AS day) AS c
LEFT JOIN sessions AS s ON s.session_ts::DATE = c.day
GROUP BY c.day
ORDER BY c.day;
