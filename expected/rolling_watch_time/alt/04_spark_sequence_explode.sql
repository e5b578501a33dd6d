-- dialect: spark
-- explode(sequence(...)) gives one row per day; the window sum is divided by the number of calendar
-- days in the frame (7, or fewer at the start of January), which is what AVG over filled rows does.
WITH calendar AS (
    SELECT explode(sequence(DATE'2025-01-01', DATE'2025-12-31', INTERVAL 1 DAY)) AS day
),
daily AS (
    SELECT to_date(session_ts) AS day, sum(watch_minutes) AS total
    FROM sessions
    GROUP BY to_date(session_ts)
),
filled AS (
    SELECT c.day, coalesce(d.total, 0D) AS total
    FROM calendar c
    LEFT JOIN daily d ON d.day = c.day
)
SELECT day,
       round(total, 2) AS watch_minutes,
       round(sum(total) OVER w / count(*) OVER w, 2) AS avg_7d
FROM filled
WINDOW w AS (ORDER BY day ROWS BETWEEN 6 PRECEDING AND CURRENT ROW)
ORDER BY day;
