-- dialect: postgres
-- For each add, the next remove of the same unordered pair is the smallest removed_at after it;
-- the inner join drops adds with no remove after them.
SELECT LEAST(a.user_a, a.user_b) AS user_a,
       GREATEST(a.user_a, a.user_b) AS user_b,
       a.added_at AS started_at,
       MIN(r.removed_at) AS ended_at
FROM friends_added AS a
JOIN friends_removed AS r
  ON LEAST(r.user_a, r.user_b) = LEAST(a.user_a, a.user_b)
 AND GREATEST(r.user_a, r.user_b) = GREATEST(a.user_a, a.user_b)
 AND r.removed_at > a.added_at
GROUP BY LEAST(a.user_a, a.user_b), GREATEST(a.user_a, a.user_b), a.added_at;
