-- dialect: snowflake
-- Mutual friends and shared pages as two aggregates over IN-lists of John's friends and pages;
-- MINUS removes every excluded member from the candidates, LEFT JOINs with IFNULL(.., 0) bring
-- back both counts, and ORDER BY ... LIMIT 1 picks the winner.
WITH john AS (
    SELECT user_id AS id FROM users WHERE name = 'John Doe'
),
m AS (
    SELECT t.user_id AS candidate, COUNT(DISTINCT t.friend_id) AS mutual_friends
    FROM friends t
    WHERE t.friend_id IN (SELECT friend_id FROM friends WHERE user_id = (SELECT id FROM john))
    GROUP BY t.user_id
),
p AS (
    SELECT t.user_id AS candidate, COUNT(DISTINCT t.page_id) AS shared_pages
    FROM page_likes t
    WHERE t.page_id IN (SELECT page_id FROM page_likes WHERE user_id = (SELECT id FROM john))
    GROUP BY t.user_id
),
allowed AS (
    SELECT candidate FROM m UNION SELECT candidate FROM p
    MINUS
    (SELECT id FROM john
     UNION SELECT friend_id FROM friends WHERE user_id = (SELECT id FROM john)
     UNION SELECT blocked_id FROM block_list WHERE user_id = (SELECT id FROM john)
     UNION SELECT user_id FROM block_list WHERE blocked_id = (SELECT id FROM john))
)
SELECT a.candidate AS user_id,
       IFNULL(m.mutual_friends, 0) AS mutual_friends,
       IFNULL(p.shared_pages, 0) AS shared_pages,
       3 * IFNULL(m.mutual_friends, 0) + 2 * IFNULL(p.shared_pages, 0) AS score
FROM allowed a
LEFT JOIN m ON m.candidate = a.candidate
LEFT JOIN p ON p.candidate = a.candidate
ORDER BY score DESC, user_id
LIMIT 1;
