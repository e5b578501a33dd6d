-- mistake: averages daily conversion rates instead of pooling sends and conversions, so low-volume weekend days weigh as much as weekdays
WITH rates AS (
    SELECT cohort, day >= DATE '2025-09-26' AS post, AVG(conversions * 1.0 / sends) AS rate
    FROM email_daily
    GROUP BY cohort, post
)
SELECT ROUND(
         (MAX(rate) FILTER (WHERE cohort = 'redesign' AND post) - MAX(rate) FILTER (WHERE cohort = 'redesign' AND NOT post))
       - (MAX(rate) FILTER (WHERE cohort = 'holdout' AND post) - MAX(rate) FILTER (WHERE cohort = 'holdout' AND NOT post)),
       4) AS did_estimate
FROM rates;
