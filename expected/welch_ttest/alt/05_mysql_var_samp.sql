-- dialect: mysql
-- MySQL's VARIANCE() is the population variance, so VAR_SAMP() it is; IFNULL keeps zero-minute members.
SELECT ROUND(t.m - c.m, 4) AS diff,
       ROUND((t.m - c.m) / SQRT(t.v / t.n + c.v / c.n), 4) AS t_stat,
       ROUND(POW(t.v / t.n + c.v / c.n, 2)
             / (POW(t.v / t.n, 2) / (t.n - 1) + POW(c.v / c.n, 2) / (c.n - 1)), 4) AS dof
FROM (
    SELECT variant, COUNT(*) AS n, AVG(y) AS m, VAR_SAMP(y) AS v
    FROM (
        SELECT a.user_id, a.variant, IFNULL(SUM(s.watch_minutes), 0) AS y
        FROM ab_tests AS a
        LEFT JOIN sessions AS s
          ON s.user_id = a.user_id
         AND s.session_ts >= a.assigned_at
         AND s.session_ts < '2025-06-30 00:00:00'
        WHERE a.experiment_id = 'new_row_ranker'
        GROUP BY a.user_id, a.variant
    ) AS per_member
    GROUP BY variant
) AS t
JOIN (
    SELECT variant, COUNT(*) AS n, AVG(y) AS m, VAR_SAMP(y) AS v
    FROM (
        SELECT a.user_id, a.variant, IFNULL(SUM(s.watch_minutes), 0) AS y
        FROM ab_tests AS a
        LEFT JOIN sessions AS s
          ON s.user_id = a.user_id
         AND s.session_ts >= a.assigned_at
         AND s.session_ts < '2025-06-30 00:00:00'
        WHERE a.experiment_id = 'new_row_ranker'
        GROUP BY a.user_id, a.variant
    ) AS per_member
    GROUP BY variant
) AS c
  ON t.variant = 'treatment' AND c.variant = 'control';
