-- dialect: postgres
-- LEFT JOIN ... IS NULL removes the member's own pages before ROW_NUMBER ranks the rest.
SELECT user_id, page_id, friend_likes, "rank"
FROM (
    SELECT c.user_id, c.page_id, c.friend_likes,
           ROW_NUMBER() OVER (PARTITION BY c.user_id ORDER BY c.friend_likes DESC, c.page_id ASC) AS "rank"
    FROM (
        SELECT f.user_id, pl.page_id, COUNT(DISTINCT f.friend_id) AS friend_likes
        FROM public.friends AS f
        JOIN public.page_likes AS pl ON pl.user_id = f.friend_id
        GROUP BY f.user_id, pl.page_id
    ) AS c
    LEFT JOIN public.page_likes AS mine
           ON mine.user_id = c.user_id AND mine.page_id = c.page_id
    WHERE mine.user_id IS NULL
) AS ranked
WHERE "rank" <= 3;
