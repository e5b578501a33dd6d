-- mistake: puts the launch day itself in the pre period (post = day > launch day)
WITH rates AS (
    SELECT cohort, day > DATE '2025-09-26' AS post, SUM(conversions) * 1.0 / SUM(sends) AS rate
    FROM email_daily
    GROUP BY cohort, post
)
SELECT ROUND(
         (MAX(rate) FILTER (WHERE cohort = 'redesign' AND post) - MAX(rate) FILTER (WHERE cohort = 'redesign' AND NOT post))
       - (MAX(rate) FILTER (WHERE cohort = 'holdout' AND post) - MAX(rate) FILTER (WHERE cohort = 'holdout' AND NOT post)),
       4) AS did_estimate
FROM rates;
