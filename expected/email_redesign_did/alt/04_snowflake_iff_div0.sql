-- dialect: snowflake
-- DIV0 of IFF-filtered sums; Snowflake's / on integers returns a decimal with enough scale.
SELECT ROUND(
         (DIV0(SUM(IFF(cohort = 'redesign' AND day >= '2025-09-26'::DATE, conversions, 0)),
               SUM(IFF(cohort = 'redesign' AND day >= '2025-09-26'::DATE, sends, 0)))
        - DIV0(SUM(IFF(cohort = 'redesign' AND day < '2025-09-26'::DATE, conversions, 0)),
               SUM(IFF(cohort = 'redesign' AND day < '2025-09-26'::DATE, sends, 0))))
       - (DIV0(SUM(IFF(cohort = 'holdout' AND day >= '2025-09-26'::DATE, conversions, 0)),
               SUM(IFF(cohort = 'holdout' AND day >= '2025-09-26'::DATE, sends, 0)))
        - DIV0(SUM(IFF(cohort = 'holdout' AND day < '2025-09-26'::DATE, conversions, 0)),
               SUM(IFF(cohort = 'holdout' AND day < '2025-09-26'::DATE, sends, 0)))),
       4) AS did_estimate
FROM email_daily;
