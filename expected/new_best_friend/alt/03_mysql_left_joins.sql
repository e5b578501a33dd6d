-- dialect: mysql
-- Candidate list from both signals, LEFT JOINed to each count (missing count = 0), blocks excluded with LEFT JOIN ... IS NULL.
SELECT c.candidate AS user_id,
       COALESCE(m.n, 0) AS mutual_friends,
       COALESCE(p.n, 0) AS shared_pages,
       3 * COALESCE(m.n, 0) + 2 * COALESCE(p.n, 0) AS score
FROM users AS j
JOIN (
    SELECT f2.user_id AS candidate, f1.user_id AS john_id
    FROM friends AS f1 JOIN friends AS f2 ON f2.friend_id = f1.friend_id
    UNION
    SELECT p2.user_id, p1.user_id
    FROM page_likes AS p1 JOIN page_likes AS p2 ON p2.page_id = p1.page_id
) AS c ON c.john_id = j.user_id
LEFT JOIN (
    SELECT f2.user_id AS candidate, COUNT(*) AS n
    FROM users AS u
    JOIN friends AS f1 ON f1.user_id = u.user_id
    JOIN friends AS f2 ON f2.friend_id = f1.friend_id
    WHERE u.name = 'John Doe'
    GROUP BY f2.user_id
) AS m ON m.candidate = c.candidate
LEFT JOIN (
    SELECT p2.user_id AS candidate, COUNT(*) AS n
    FROM users AS u
    JOIN page_likes AS p1 ON p1.user_id = u.user_id
    JOIN page_likes AS p2 ON p2.page_id = p1.page_id
    WHERE u.name = 'John Doe'
    GROUP BY p2.user_id
) AS p ON p.candidate = c.candidate
LEFT JOIN friends AS cur ON cur.user_id = j.user_id AND cur.friend_id = c.candidate
LEFT JOIN block_list AS b1 ON b1.user_id = j.user_id AND b1.blocked_id = c.candidate
LEFT JOIN block_list AS b2 ON b2.user_id = c.candidate AND b2.blocked_id = j.user_id
WHERE j.name = 'John Doe'
  AND c.candidate <> j.user_id
  AND cur.user_id IS NULL AND b1.user_id IS NULL AND b2.user_id IS NULL
ORDER BY score DESC, user_id
LIMIT 1;
