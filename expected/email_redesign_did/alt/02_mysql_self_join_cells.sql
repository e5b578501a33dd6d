-- dialect: mysql
-- One row per (cohort, period) cell, then the four cells joined side by side. The sum is cast to
-- DOUBLE first: MySQL's DECIMAL division would keep only 4 decimals (div_precision_increment).
WITH cells AS (
    SELECT cohort,
           IF(day >= '2025-09-26', 'post', 'pre') AS period,
           CAST(SUM(conversions) AS DOUBLE) / SUM(sends) AS rate
    FROM email_daily
    GROUP BY cohort, IF(day >= '2025-09-26', 'post', 'pre')
)
SELECT ROUND((rp.rate - rq.rate) - (hp.rate - hq.rate), 4) AS did_estimate
FROM cells AS rp
JOIN cells AS rq ON rq.cohort = 'redesign' AND rq.period = 'pre'
JOIN cells AS hp ON hp.cohort = 'holdout' AND hp.period = 'post'
JOIN cells AS hq ON hq.cohort = 'holdout' AND hq.period = 'pre'
WHERE rp.cohort = 'redesign' AND rp.period = 'post';
