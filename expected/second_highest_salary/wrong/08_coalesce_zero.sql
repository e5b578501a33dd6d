-- dialect: mysql
-- mistake: IFNULL(..., 0) reports 0 instead of NULL when there is no second distinct salary
SELECT IFNULL((
    SELECT DISTINCT salary
    FROM salaries
    WHERE department = 'Engineering' AND salary IS NOT NULL
    ORDER BY salary DESC
    LIMIT 1 OFFSET 1
), 0) AS salary;
