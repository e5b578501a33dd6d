-- dialect: tsql
-- CAST to FLOAT before dividing (T-SQL divides integers as integers); the launch day is post.
WITH cells AS (
    SELECT cohort,
           CASE WHEN day >= '2025-09-26' THEN 1 ELSE 0 END AS post,
           CAST(SUM(conversions) AS FLOAT) / SUM(sends) AS rate
    FROM dbo.email_daily
    GROUP BY cohort, CASE WHEN day >= '2025-09-26' THEN 1 ELSE 0 END
)
SELECT ROUND(
         (MAX(CASE WHEN cohort = 'redesign' AND post = 1 THEN rate END) - MAX(CASE WHEN cohort = 'redesign' AND post = 0 THEN rate END))
       - (MAX(CASE WHEN cohort = 'holdout' AND post = 1 THEN rate END) - MAX(CASE WHEN cohort = 'holdout' AND post = 0 THEN rate END)),
       4) AS did_estimate
FROM cells;
