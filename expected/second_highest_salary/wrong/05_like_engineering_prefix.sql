-- mistake: LIKE 'Engineering%' also matches 'Engineering Management', which pays more
SELECT MAX(salary) AS salary
FROM salaries
WHERE department LIKE 'Engineering%'
  AND salary < (SELECT MAX(salary) FROM salaries WHERE department LIKE 'Engineering%');
