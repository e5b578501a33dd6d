-- mistake: the community mean is taken over joined session rows (minutes per session), not over members' window totals
WITH unit_means AS (
    SELECT a.unit_id, a.variant, COALESCE(AVG(s.watch_minutes), 0) AS unit_mean
    FROM ab_tests AS a
    LEFT JOIN sessions AS s
      ON s.user_id = a.user_id AND s.session_ts >= a.assigned_at AND s.session_ts < TIMESTAMP '2025-09-29'
    WHERE a.experiment_id = 'close_friends'
    GROUP BY a.unit_id, a.variant
),
arms AS (
    SELECT AVG(unit_mean) FILTER (WHERE variant = 'treatment') AS t,
           AVG(unit_mean) FILTER (WHERE variant = 'control') AS c
    FROM unit_means
)
SELECT ROUND(t, 4) AS treatment_mean, ROUND(c, 4) AS control_mean, ROUND(t - c, 4) AS effect
FROM arms;
