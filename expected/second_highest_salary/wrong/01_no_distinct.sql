-- mistake: no DISTINCT, so the top salary shared by two engineers is returned again as the "second"
SELECT salary
FROM salaries
WHERE department = 'Engineering' AND salary IS NOT NULL
ORDER BY salary DESC
LIMIT 1 OFFSET 1;
