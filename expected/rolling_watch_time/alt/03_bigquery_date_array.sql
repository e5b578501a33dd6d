-- dialect: bigquery
-- UNNEST(GENERATE_DATE_ARRAY(...)) is the calendar; IFNULL makes the empty day a 0 in the average.
WITH daily AS (
    SELECT DATE(session_ts) AS day, SUM(watch_minutes) AS total
    FROM `netflix-sim.viewing.sessions`
    GROUP BY day
)
SELECT day,
       ROUND(IFNULL(d.total, 0), 2) AS watch_minutes,
       ROUND(AVG(IFNULL(d.total, 0)) OVER (ORDER BY day ROWS BETWEEN 6 PRECEDING AND CURRENT ROW), 2) AS avg_7d
FROM UNNEST(GENERATE_DATE_ARRAY(DATE '2025-01-01', DATE '2025-12-31')) AS day
LEFT JOIN daily AS d USING (day)
ORDER BY day;
