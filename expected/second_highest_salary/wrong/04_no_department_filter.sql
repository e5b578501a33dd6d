-- mistake: no department filter, so Legal and Engineering Management salaries are ranked too
SELECT (
    SELECT DISTINCT salary
    FROM salaries
    WHERE salary IS NOT NULL
    ORDER BY salary DESC
    LIMIT 1 OFFSET 1
) AS salary;
