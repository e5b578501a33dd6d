-- dialect: tsql
-- John's id in a variable-free CTE; counts per candidate from a UNION ALL of signal rows with
-- CASE flags; TOP 1 ordered by score, then the smaller user_id.
WITH john AS (
    SELECT user_id AS id FROM dbo.users WHERE name = N'John Doe'
),
signals AS (
    SELECT f2.user_id AS candidate, 'F' AS kind
    FROM john
    JOIN dbo.friends AS f1 ON f1.user_id = john.id
    JOIN dbo.friends AS f2 ON f2.friend_id = f1.friend_id
    UNION ALL
    SELECT p2.user_id, 'P'
    FROM john
    JOIN dbo.page_likes AS p1 ON p1.user_id = john.id
    JOIN dbo.page_likes AS p2 ON p2.page_id = p1.page_id
),
scored AS (
    SELECT candidate,
           SUM(CASE WHEN kind = 'F' THEN 1 ELSE 0 END) AS mutual_friends,
           SUM(CASE WHEN kind = 'P' THEN 1 ELSE 0 END) AS shared_pages
    FROM signals
    GROUP BY candidate
)
SELECT TOP (1) s.candidate AS user_id, s.mutual_friends, s.shared_pages,
       3 * s.mutual_friends + 2 * s.shared_pages AS score
FROM scored AS s
CROSS JOIN john AS j
WHERE s.candidate <> j.id
  AND NOT EXISTS (SELECT 1 FROM dbo.friends AS f WHERE f.user_id = j.id AND f.friend_id = s.candidate)
  AND NOT EXISTS (SELECT 1 FROM dbo.block_list AS b
                  WHERE (b.user_id = j.id AND b.blocked_id = s.candidate)
                     OR (b.user_id = s.candidate AND b.blocked_id = j.id))
ORDER BY 3 * s.mutual_friends + 2 * s.shared_pages DESC, s.candidate ASC;
