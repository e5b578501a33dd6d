-- dialect: bigquery
-- COUNTIF over one UNION ALL of tagged signal rows; QUALIFY ROW_NUMBER() = 1 keeps the best candidate.
WITH john AS (
  SELECT user_id AS id FROM `sim.social.users` WHERE name = 'John Doe'
),
signals AS (
  SELECT theirs.user_id AS candidate, 'friend' AS kind
  FROM `sim.social.friends` AS mine
  JOIN `sim.social.friends` AS theirs ON theirs.friend_id = mine.friend_id
  WHERE mine.user_id = (SELECT id FROM john)
  UNION ALL
  SELECT theirs.user_id, 'page'
  FROM `sim.social.page_likes` AS mine
  JOIN `sim.social.page_likes` AS theirs ON theirs.page_id = mine.page_id
  WHERE mine.user_id = (SELECT id FROM john)
),
excluded AS (
  SELECT id AS user_id FROM john
  UNION DISTINCT
  SELECT friend_id FROM `sim.social.friends` WHERE user_id = (SELECT id FROM john)
  UNION DISTINCT
  SELECT blocked_id FROM `sim.social.block_list` WHERE user_id = (SELECT id FROM john)
  UNION DISTINCT
  SELECT user_id FROM `sim.social.block_list` WHERE blocked_id = (SELECT id FROM john)
)
SELECT candidate AS user_id,
       COUNTIF(kind = 'friend') AS mutual_friends,
       COUNTIF(kind = 'page') AS shared_pages,
       3 * COUNTIF(kind = 'friend') + 2 * COUNTIF(kind = 'page') AS score
FROM signals
WHERE candidate NOT IN (SELECT user_id FROM excluded)
GROUP BY candidate
QUALIFY ROW_NUMBER() OVER (ORDER BY score DESC, candidate) = 1;
