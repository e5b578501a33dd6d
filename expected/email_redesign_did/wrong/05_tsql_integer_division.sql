-- dialect: tsql
-- mistake: SUM(conversions) / SUM(sends) of two INTEGER sums is integer division in T-SQL, so every rate is 0
WITH rates AS (
    SELECT cohort,
           CASE WHEN day >= '2025-09-26' THEN 1 ELSE 0 END AS post,
           SUM(conversions) / SUM(sends) AS rate
    FROM dbo.email_daily
    GROUP BY cohort, CASE WHEN day >= '2025-09-26' THEN 1 ELSE 0 END
)
SELECT ROUND(
         (MAX(CASE WHEN cohort = 'redesign' AND post = 1 THEN rate END) - MAX(CASE WHEN cohort = 'redesign' AND post = 0 THEN rate END))
       - (MAX(CASE WHEN cohort = 'holdout' AND post = 1 THEN rate END) - MAX(CASE WHEN cohort = 'holdout' AND post = 0 THEN rate END)),
       4) AS did_estimate
FROM rates;
