-- mistake: a plain LIMIT/OFFSET query returns zero rows instead of one NULL row when Engineering has a single distinct salary
SELECT DISTINCT salary
FROM salaries
WHERE department = 'Engineering' AND salary IS NOT NULL
ORDER BY salary DESC
LIMIT 1 OFFSET 1;
