-- mistake: matches an add with a remove only when both name the pair in the same order (a, b), missing spells whose remove is written (b, a)
SELECT LEAST(a.user_a, a.user_b) AS user_a,
       GREATEST(a.user_a, a.user_b) AS user_b,
       a.added_at AS started_at,
       MIN(r.removed_at) AS ended_at
FROM friends_added AS a
JOIN friends_removed AS r
  ON r.user_a = a.user_a AND r.user_b = a.user_b AND r.removed_at > a.added_at
GROUP BY a.user_a, a.user_b, a.added_at;
