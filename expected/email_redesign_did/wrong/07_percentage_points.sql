-- dialect: postgres
-- mistake: a percentage-point estimate (rates times 100) where the prompt asks for a fraction
WITH rates AS (
    SELECT cohort, day >= DATE '2025-09-26' AS post, 100.0 * SUM(conversions) / SUM(sends) AS rate
    FROM email_daily
    GROUP BY cohort, day >= DATE '2025-09-26'
)
SELECT ROUND((
         (MAX(rate) FILTER (WHERE cohort = 'redesign' AND post) - MAX(rate) FILTER (WHERE cohort = 'redesign' AND NOT post))
       - (MAX(rate) FILTER (WHERE cohort = 'holdout' AND post) - MAX(rate) FILTER (WHERE cohort = 'holdout' AND NOT post))
       )::numeric, 4) AS did_estimate
FROM rates;
