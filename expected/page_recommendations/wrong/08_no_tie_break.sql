-- mistake: ranks by friend_likes only, with no tie-break by page_id, so which of the tied pages make the top 3 is arbitrary
WITH friend_likes AS (
    SELECT f.user_id, pl.page_id, COUNT(*) AS friend_likes
    FROM friends AS f
    JOIN page_likes AS pl ON pl.user_id = f.friend_id
    GROUP BY f.user_id, pl.page_id
),
candidates AS (
    SELECT c.user_id, c.page_id, c.friend_likes
    FROM friend_likes AS c
    WHERE NOT EXISTS (
        SELECT 1 FROM page_likes AS mine
        WHERE mine.user_id = c.user_id AND mine.page_id = c.page_id
    )
),
ranked AS (
    SELECT user_id, page_id, friend_likes,
           ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY friend_likes DESC) AS rank
    FROM candidates
)
SELECT user_id, page_id, friend_likes, rank
FROM ranked
WHERE rank <= 3;
