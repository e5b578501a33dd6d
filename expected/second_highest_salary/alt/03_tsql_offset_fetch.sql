-- dialect: tsql
-- OFFSET/FETCH over distinct salaries inside a scalar subquery, so "none" is still one NULL row.
SELECT (
    SELECT DISTINCT s.salary
    FROM dbo.salaries AS s
    WHERE s.department = N'Engineering' AND s.salary IS NOT NULL
    ORDER BY s.salary DESC
    OFFSET 1 ROWS FETCH NEXT 1 ROWS ONLY
) AS salary;
