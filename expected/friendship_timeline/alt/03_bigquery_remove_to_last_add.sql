-- dialect: bigquery
-- Seen from the remove: the spell it ends started at the latest add of the pair before it.
-- Every remove ends exactly one spell, so grouping by remove gives one row per spell.
SELECT LEAST(r.user_a, r.user_b) AS user_a,
       GREATEST(r.user_a, r.user_b) AS user_b,
       MAX(a.added_at) AS started_at,
       r.removed_at AS ended_at
FROM `sim.social.friends_removed` AS r
JOIN `sim.social.friends_added` AS a
  ON LEAST(a.user_a, a.user_b) = LEAST(r.user_a, r.user_b)
 AND GREATEST(a.user_a, a.user_b) = GREATEST(r.user_a, r.user_b)
 AND a.added_at < r.removed_at
GROUP BY 1, 2, 4;
