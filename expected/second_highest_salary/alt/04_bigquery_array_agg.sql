-- dialect: bigquery
-- Distinct salaries, highest first, in an array; SAFE_OFFSET(1) is NULL when there is no second one.
SELECT ARRAY_AGG(DISTINCT salary IGNORE NULLS ORDER BY salary DESC)[SAFE_OFFSET(1)] AS salary
FROM `netflix-sim.hr.salaries`
WHERE department = 'Engineering';
