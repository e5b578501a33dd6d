-- mistake: compares the two cohorts after launch only, so the redesign cohort's pre-launch head start is counted as effect
SELECT ROUND(
         SUM(conversions) FILTER (WHERE cohort = 'redesign') * 1.0 / SUM(sends) FILTER (WHERE cohort = 'redesign')
       - SUM(conversions) FILTER (WHERE cohort = 'holdout') * 1.0 / SUM(sends) FILTER (WHERE cohort = 'holdout'),
       4) AS did_estimate
FROM email_daily
WHERE day >= DATE '2025-09-26';
