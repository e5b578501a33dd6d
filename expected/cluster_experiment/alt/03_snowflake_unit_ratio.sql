-- dialect: snowflake
-- A community's mean is its window minutes divided by its number of experiment members; the
-- window filter sits in the join condition so members without sessions still count in the size.
WITH unit_stats AS (
    SELECT a.unit_id, a.variant,
           COALESCE(SUM(s.watch_minutes), 0) AS total_minutes,
           COUNT(DISTINCT a.user_id) AS members
    FROM ab_tests a
    LEFT JOIN sessions s
      ON s.user_id = a.user_id
     AND s.session_ts >= a.assigned_at
     AND s.session_ts < '2025-09-29 00:00:00'::TIMESTAMP_NTZ
    WHERE a.experiment_id = 'close_friends'
    GROUP BY a.unit_id, a.variant
),
arms AS (
    SELECT AVG(IFF(variant = 'treatment', total_minutes / members, NULL)) AS t,
           AVG(IFF(variant = 'control', total_minutes / members, NULL)) AS c
    FROM unit_stats
)
SELECT ROUND(t, 4) AS treatment_mean, ROUND(c, 4) AS control_mean, ROUND(t - c, 4) AS effect
FROM arms;
