-- dialect: spark
-- PIVOT turns the four (cohort, period) cells into columns of pooled rates.
WITH cells AS (
    SELECT concat(cohort, '_', CASE WHEN day >= DATE'2025-09-26' THEN 'post' ELSE 'pre' END) AS cell,
           conversions, sends
    FROM email_daily
),
sums AS (
    SELECT cell, sum(conversions) / sum(sends) AS rate
    FROM cells
    GROUP BY cell
)
SELECT round((redesign_post - redesign_pre) - (holdout_post - holdout_pre), 4) AS did_estimate
FROM sums
PIVOT (first(rate) FOR cell IN ('redesign_post' AS redesign_post, 'redesign_pre' AS redesign_pre,
                                'holdout_post' AS holdout_post, 'holdout_pre' AS holdout_pre));
