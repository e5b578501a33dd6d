-- dialect: postgres
-- DENSE_RANK numbers distinct salaries; MAX over the (possibly empty) rank-2 set gives one row, NULL if none.
SELECT MAX(salary) AS salary
FROM (
    SELECT salary, DENSE_RANK() OVER (ORDER BY salary DESC NULLS LAST) AS rnk
    FROM salaries
    WHERE department = 'Engineering' AND salary IS NOT NULL
) AS ranked
WHERE rnk = 2;
