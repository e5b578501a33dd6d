-- mistake: averages members, not communities, so the few very large communities dominate each arm's mean
WITH member_minutes AS (
    SELECT a.user_id, a.variant, COALESCE(SUM(s.watch_minutes), 0) AS minutes
    FROM ab_tests AS a
    LEFT JOIN sessions AS s
      ON s.user_id = a.user_id AND s.session_ts >= a.assigned_at AND s.session_ts < TIMESTAMP '2025-09-29'
    WHERE a.experiment_id = 'close_friends'
    GROUP BY a.user_id, a.variant
),
arms AS (
    SELECT AVG(minutes) FILTER (WHERE variant = 'treatment') AS t,
           AVG(minutes) FILTER (WHERE variant = 'control') AS c
    FROM member_minutes
)
SELECT ROUND(t, 4) AS treatment_mean, ROUND(c, 4) AS control_mean, ROUND(t - c, 4) AS effect
FROM arms;
