-- dialect: postgres
-- mistake: NULL salaries not filtered; PostgreSQL sorts NULLs first under DESC, so OFFSET 1 lands on the top salary
SELECT (
    SELECT DISTINCT salary
    FROM salaries
    WHERE department = 'Engineering'
    ORDER BY salary DESC
    LIMIT 1 OFFSET 1
) AS salary;
