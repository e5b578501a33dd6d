-- mistake: before/after on the redesign cohort alone, so the upward drift every cohort shares is counted as effect
SELECT ROUND(
         SUM(conversions) FILTER (WHERE day >= DATE '2025-09-26') * 1.0 / SUM(sends) FILTER (WHERE day >= DATE '2025-09-26')
       - SUM(conversions) FILTER (WHERE day < DATE '2025-09-26') * 1.0 / SUM(sends) FILTER (WHERE day < DATE '2025-09-26'),
       4) AS did_estimate
FROM email_daily
WHERE cohort = 'redesign';
