-- dialect: mysql
-- The classic: the largest salary strictly below the largest one (MAX ignores NULLs; no row -> NULL).
SELECT MAX(salary) AS salary
FROM salaries
WHERE department = 'Engineering'
  AND salary < (SELECT MAX(salary) FROM salaries WHERE department = 'Engineering');
