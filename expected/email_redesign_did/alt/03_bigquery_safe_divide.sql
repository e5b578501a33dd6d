-- dialect: bigquery
-- SAFE_DIVIDE of pooled sums per cell; the DiD is a signed sum of the four cell rates.
WITH cells AS (
    SELECT cohort,
           day >= DATE '2025-09-26' AS post,
           SAFE_DIVIDE(SUM(conversions), SUM(sends)) AS rate
    FROM `netflix-sim.marketing.email_daily`
    GROUP BY cohort, post
)
SELECT ROUND(SUM(rate * IF(cohort = 'redesign', 1, -1) * IF(post, 1, -1)), 4) AS did_estimate
FROM cells;
