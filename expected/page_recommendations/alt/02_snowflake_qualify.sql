-- dialect: snowflake
-- One pass: aggregate, anti-join with NOT EXISTS, and QUALIFY the first three by ROW_NUMBER.
SELECT f.user_id,
       pl.page_id,
       COUNT(*) AS friend_likes,
       ROW_NUMBER() OVER (PARTITION BY f.user_id ORDER BY COUNT(*) DESC, pl.page_id) AS rank
FROM friends AS f
JOIN page_likes AS pl ON pl.user_id = f.friend_id
WHERE NOT EXISTS (
    SELECT 1 FROM page_likes AS mine
    WHERE mine.user_id = f.user_id AND mine.page_id = pl.page_id
)
GROUP BY f.user_id, pl.page_id
QUALIFY rank <= 3;
