-- mistake: takes friendships from friends_added, so ex-friends (added, then removed) still count
WITH pairs AS (
    SELECT DISTINCT user_a AS user_id, user_b AS friend_id FROM friends_added
    UNION
    SELECT DISTINCT user_b AS user_id, user_a AS friend_id FROM friends_added
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
