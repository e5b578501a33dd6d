-- mistake: unions friends with its reverse although it is already stored in both directions, so every mutual friend is counted twice
WITH john AS (
    SELECT user_id FROM users WHERE name = 'John Doe'
),
edges AS (
    SELECT user_id, friend_id FROM friends
    UNION ALL
    SELECT friend_id, user_id FROM friends
),
mutual AS (
    SELECT theirs.user_id AS candidate, COUNT(*) AS mutual_friends
    FROM edges AS mine
    JOIN edges AS theirs ON theirs.friend_id = mine.friend_id
    WHERE mine.user_id = (SELECT user_id FROM john)
    GROUP BY theirs.user_id
),
shared AS (
    SELECT theirs.user_id AS candidate, COUNT(*) AS shared_pages
    FROM page_likes AS mine
    JOIN page_likes AS theirs ON theirs.page_id = mine.page_id
    WHERE mine.user_id = (SELECT user_id FROM john)
    GROUP BY theirs.user_id
),
scored AS (
    SELECT COALESCE(m.candidate, s.candidate) AS user_id,
           COALESCE(m.mutual_friends, 0) AS mutual_friends,
           COALESCE(s.shared_pages, 0) AS shared_pages
    FROM mutual AS m
    FULL OUTER JOIN shared AS s ON s.candidate = m.candidate
)
SELECT sc.user_id, sc.mutual_friends, sc.shared_pages,
       3 * sc.mutual_friends + 2 * sc.shared_pages AS score
FROM scored AS sc, john AS j
WHERE sc.user_id <> j.user_id
  AND NOT EXISTS (SELECT 1 FROM friends AS f WHERE f.user_id = j.user_id AND f.friend_id = sc.user_id)
  AND NOT EXISTS (SELECT 1 FROM block_list AS b
                  WHERE (b.user_id = j.user_id AND b.blocked_id = sc.user_id)
                     OR (b.user_id = sc.user_id AND b.blocked_id = j.user_id))
ORDER BY score DESC, sc.user_id
LIMIT 1;
