-- mistake: RANK() instead of DENSE_RANK(): with a shared top salary no row gets rank 2, so it returns NULL
SELECT MAX(salary) AS salary
FROM (
    SELECT salary, RANK() OVER (ORDER BY salary DESC) AS rnk
    FROM salaries
    WHERE department = 'Engineering' AND salary IS NOT NULL
) AS ranked
WHERE rnk = 2;
