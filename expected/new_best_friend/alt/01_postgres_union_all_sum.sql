-- dialect: postgres
-- Each signal contributes rows (one per mutual friend, one per shared page) that are summed per
-- candidate; exclusions use current friends and both directions of block_list.
WITH john AS (
    SELECT user_id AS id FROM users WHERE name = 'John Doe'
),
signals AS (
    SELECT theirs.user_id AS candidate, 1 AS mutual, 0 AS page
    FROM john
    JOIN friends AS mine ON mine.user_id = john.id
    JOIN friends AS theirs ON theirs.friend_id = mine.friend_id
    UNION ALL
    SELECT theirs.user_id, 0, 1
    FROM john
    JOIN page_likes AS mine ON mine.user_id = john.id
    JOIN page_likes AS theirs ON theirs.page_id = mine.page_id
),
scored AS (
    SELECT candidate, SUM(mutual) AS mutual_friends, SUM(page) AS shared_pages
    FROM signals
    GROUP BY candidate
)
SELECT s.candidate AS user_id, s.mutual_friends, s.shared_pages,
       3 * s.mutual_friends + 2 * s.shared_pages AS score
FROM scored AS s
CROSS JOIN john
WHERE s.candidate <> john.id
  AND s.candidate NOT IN (SELECT friend_id FROM friends WHERE user_id = john.id)
  AND s.candidate NOT IN (SELECT blocked_id FROM block_list WHERE user_id = john.id)
  AND s.candidate NOT IN (SELECT user_id FROM block_list WHERE blocked_id = john.id)
ORDER BY score DESC, user_id ASC
LIMIT 1;
