-- mistake: the inner MAX has no department filter, so it is Legal's top salary and the query returns Engineering's highest
SELECT MAX(salary) AS salary
FROM salaries
WHERE department = 'Engineering'
  AND salary < (SELECT MAX(salary) FROM salaries);
