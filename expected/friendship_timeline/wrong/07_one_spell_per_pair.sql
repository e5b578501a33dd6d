-- mistake: collapses each pair into one spell, first add to last remove, although pairs can cycle several times
SELECT p.user_a, p.user_b, p.started_at, q.ended_at
FROM (
    SELECT LEAST(user_a, user_b) AS user_a, GREATEST(user_a, user_b) AS user_b, MIN(added_at) AS started_at
    FROM friends_added
    GROUP BY 1, 2
) AS p
JOIN (
    SELECT LEAST(user_a, user_b) AS user_a, GREATEST(user_a, user_b) AS user_b, MAX(removed_at) AS ended_at
    FROM friends_removed
    GROUP BY 1, 2
) AS q ON q.user_a = p.user_a AND q.user_b = p.user_b;
