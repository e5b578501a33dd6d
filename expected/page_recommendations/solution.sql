-- friend_likes counts, per member and page, the member's current friends who like the page
-- (page_likes is unique per member and page, so COUNT(*) counts friends). Pages the member
-- already likes are removed before ranking, and ROW_NUMBER with page_id as the tie-break gives
-- exactly one ordering, so ranks 1..3 are always three distinct pages (or fewer candidates).
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
           ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY friend_likes DESC, page_id) AS rank
    FROM candidates
)
SELECT user_id, page_id, friend_likes, rank
FROM ranked
WHERE rank <= 3;
