-- mistake: breaks ties in friend_likes by the larger page_id instead of the smaller
WITH friend_likes AS (
    SELECT f.user_id, pl.page_id, COUNT(*) AS friend_likes
    FROM friends AS f
    JOIN page_likes AS pl ON pl.user_id = f.friend_id
    GROUP BY f.user_id, pl.page_id
),
ranked AS (
    SELECT c.user_id, c.page_id, c.friend_likes,
           ROW_NUMBER() OVER (PARTITION BY c.user_id ORDER BY c.friend_likes DESC, c.page_id DESC) AS rank
    FROM friend_likes AS c
    WHERE NOT EXISTS (SELECT 1 FROM page_likes AS mine
                      WHERE mine.user_id = c.user_id AND mine.page_id = c.page_id)
)
SELECT user_id, page_id, friend_likes, rank
FROM ranked
WHERE rank <= 3;
