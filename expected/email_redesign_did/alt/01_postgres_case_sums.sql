-- dialect: postgres
-- Eight conditional sums in one pass; ::numeric avoids integer division and keeps exact decimals.
WITH s AS (
    SELECT SUM(CASE WHEN cohort = 'redesign' AND day >= DATE '2025-09-26' THEN conversions END)::numeric AS rc_post,
           SUM(CASE WHEN cohort = 'redesign' AND day >= DATE '2025-09-26' THEN sends END)::numeric AS rs_post,
           SUM(CASE WHEN cohort = 'redesign' AND day < DATE '2025-09-26' THEN conversions END)::numeric AS rc_pre,
           SUM(CASE WHEN cohort = 'redesign' AND day < DATE '2025-09-26' THEN sends END)::numeric AS rs_pre,
           SUM(CASE WHEN cohort = 'holdout' AND day >= DATE '2025-09-26' THEN conversions END)::numeric AS hc_post,
           SUM(CASE WHEN cohort = 'holdout' AND day >= DATE '2025-09-26' THEN sends END)::numeric AS hs_post,
           SUM(CASE WHEN cohort = 'holdout' AND day < DATE '2025-09-26' THEN conversions END)::numeric AS hc_pre,
           SUM(CASE WHEN cohort = 'holdout' AND day < DATE '2025-09-26' THEN sends END)::numeric AS hs_pre
    FROM email_daily
)
SELECT ROUND((rc_post / rs_post - rc_pre / rs_pre) - (hc_post / hs_post - hc_pre / hs_pre), 4) AS did_estimate
FROM s;
