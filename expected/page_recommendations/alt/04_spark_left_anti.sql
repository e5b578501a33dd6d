-- dialect: spark
-- LEFT ANTI JOIN drops (member, page) pairs the member already likes; ROW_NUMBER keeps three.
WITH friend_page AS (
    SELECT f.user_id, pl.page_id
    FROM friends f
    JOIN page_likes pl ON pl.user_id = f.friend_id
),
candidates AS (
    SELECT fp.user_id, fp.page_id, COUNT(1) AS friend_likes
    FROM friend_page fp
    LEFT ANTI JOIN page_likes mine ON mine.user_id = fp.user_id AND mine.page_id = fp.page_id
    GROUP BY fp.user_id, fp.page_id
)
SELECT user_id, page_id, friend_likes, rank
FROM (
    SELECT c.*, ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY friend_likes DESC, page_id) AS rank
    FROM candidates c
) t
WHERE rank <= 3;
