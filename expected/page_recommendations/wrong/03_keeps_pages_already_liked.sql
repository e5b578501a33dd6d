-- mistake: never removes the pages the member already likes
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
SELECT user_id, page_id, friend_likes, rank
FROM ranked
WHERE rank <= 3;
