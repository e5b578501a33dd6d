-- The scalar subquery yields NULL (still one row) when there is no second distinct salary;
-- DISTINCT collapses the shared top salary, and IS NOT NULL keeps PostgreSQL-style
-- NULLS FIRST ordering from mattering.
SELECT (
    SELECT DISTINCT salary
    FROM salaries
    WHERE department = 'Engineering' AND salary IS NOT NULL
    ORDER BY salary DESC
    LIMIT 1 OFFSET 1
) AS salary;
