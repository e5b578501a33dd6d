-- mistake: ties broken by overall page popularity (likes across all members) instead of by page_id
WITH popularity AS (
    SELECT page_id, COUNT(*) AS total_likes FROM page_likes GROUP BY page_id
),
friend_likes AS (
    SELECT f.user_id, pl.page_id, COUNT(*) AS friend_likes
    FROM friends AS f
    JOIN page_likes AS pl ON pl.user_id = f.friend_id
    GROUP BY f.user_id, pl.page_id
),
ranked AS (
    SELECT c.user_id, c.page_id, c.friend_likes,
           ROW_NUMBER() OVER (PARTITION BY c.user_id
                              ORDER BY c.friend_likes DESC, p.total_likes DESC, c.page_id) AS rank
    FROM friend_likes AS c
    JOIN popularity AS p ON p.page_id = c.page_id
    WHERE NOT EXISTS (SELECT 1 FROM page_likes AS mine
                      WHERE mine.user_id = c.user_id AND mine.page_id = c.page_id)
)
SELECT user_id, page_id, friend_likes, rank
FROM ranked
WHERE rank <= 3;
