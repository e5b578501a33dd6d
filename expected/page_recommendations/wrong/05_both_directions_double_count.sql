-- mistake: treats friends as stored once and unions both directions, so every friend is counted twice
WITH pairs AS (
    SELECT user_id, friend_id FROM friends
    UNION ALL
    SELECT friend_id AS user_id, user_id AS friend_id FROM friends
),
friend_likes AS (
    SELECT p.user_id, pl.page_id, COUNT(*) AS friend_likes
    FROM pairs AS p
    JOIN page_likes AS pl ON pl.user_id = p.friend_id
    GROUP BY p.user_id, pl.page_id
),
ranked AS (
    SELECT c.user_id, c.page_id, c.friend_likes,
           ROW_NUMBER() OVER (PARTITION BY c.user_id ORDER BY c.friend_likes DESC, c.page_id) AS rank
    FROM friend_likes AS c
    WHERE NOT EXISTS (SELECT 1 FROM page_likes AS mine
                      WHERE mine.user_id = c.user_id AND mine.page_id = c.page_id)
)
SELECT user_id, page_id, friend_likes, rank
FROM ranked
WHERE rank <= 3;
