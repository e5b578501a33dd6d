-- dialect: mysql
-- MySQL 8 reserves RANK, hence the backticks; candidates exclude own likes with NOT IN on a per-member key.
WITH friend_likes AS (
    SELECT f.user_id, pl.page_id, COUNT(*) AS friend_likes
    FROM friends AS f
    INNER JOIN page_likes AS pl ON pl.user_id = f.friend_id
    GROUP BY f.user_id, pl.page_id
),
candidates AS (
    SELECT fl.user_id, fl.page_id, fl.friend_likes,
           ROW_NUMBER() OVER (PARTITION BY fl.user_id ORDER BY fl.friend_likes DESC, fl.page_id) AS `rank`
    FROM friend_likes AS fl
    WHERE (fl.user_id, fl.page_id) NOT IN (SELECT user_id, page_id FROM page_likes)
)
SELECT user_id, page_id, friend_likes, `rank`
FROM candidates
WHERE `rank` <= 3;
