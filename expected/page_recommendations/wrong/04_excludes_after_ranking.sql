-- mistake: ranks all pages the friends like first and removes the member's own pages afterwards, leaving gaps and fewer than three recommendations
WITH friend_likes AS (
    SELECT f.user_id, pl.page_id, COUNT(*) AS friend_likes
    FROM friends AS f
    JOIN page_likes AS pl ON pl.user_id = f.friend_id
    GROUP BY f.user_id, pl.page_id
),
ranked AS (
    SELECT user_id, page_id, friend_likes,
           ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY friend_likes DESC, page_id) AS rank
    FROM friend_likes
)
SELECT r.user_id, r.page_id, r.friend_likes, r.rank
FROM ranked AS r
LEFT JOIN page_likes AS mine ON mine.user_id = r.user_id AND mine.page_id = r.page_id
WHERE r.rank <= 3 AND mine.page_id IS NULL;
