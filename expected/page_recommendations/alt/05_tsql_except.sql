-- dialect: tsql
-- COUNT_BIG per (member, page); EXCEPT on the key removes pairs the member already likes;
-- [rank] is bracketed and ROW_NUMBER keeps three per member.
WITH counted AS (
    SELECT f.user_id, pl.page_id, COUNT_BIG(*) AS friend_likes
    FROM dbo.friends AS f
    JOIN dbo.page_likes AS pl ON pl.user_id = f.friend_id
    GROUP BY f.user_id, pl.page_id
),
new_pairs AS (
    SELECT user_id, page_id FROM counted
    EXCEPT
    SELECT user_id, page_id FROM dbo.page_likes
),
ranked AS (
    SELECT c.user_id, c.page_id, c.friend_likes,
           ROW_NUMBER() OVER (PARTITION BY c.user_id ORDER BY c.friend_likes DESC, c.page_id) AS [rank]
    FROM counted AS c
    JOIN new_pairs AS n ON n.user_id = c.user_id AND n.page_id = c.page_id
)
SELECT user_id, page_id, friend_likes, [rank]
FROM ranked
WHERE [rank] <= 3;
