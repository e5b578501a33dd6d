-- Pooled rates per cohort and period (SUM(conversions) / SUM(sends), so busy days weigh more than
-- quiet weekend days), post = the launch day 2025-09-26 and after. The holdout's change over the
-- same split removes the upward drift, and differencing within each cohort removes the redesign
-- cohort's head start: (treated post - treated pre) - (holdout post - holdout pre).
WITH rates AS (
    SELECT cohort,
           day >= DATE '2025-09-26' AS post,
           SUM(conversions) * 1.0 / SUM(sends) AS rate
    FROM email_daily
    GROUP BY cohort, post
)
SELECT ROUND(
         (MAX(rate) FILTER (WHERE cohort = 'redesign' AND post) - MAX(rate) FILTER (WHERE cohort = 'redesign' AND NOT post))
       - (MAX(rate) FILTER (WHERE cohort = 'holdout' AND post) - MAX(rate) FILTER (WHERE cohort = 'holdout' AND NOT post)),
       4) AS did_estimate
FROM rates;
