-- mistake: BETWEEN assigned_at AND '2025-09-29' is inclusive at both ends, so a session at exactly 2025-09-29 00:00:00 (the exclusive end) is counted
WITH member_minutes AS (
    SELECT a.user_id, a.variant, a.unit_id, COALESCE(SUM(s.watch_minutes), 0) AS minutes
    FROM ab_tests AS a
    LEFT JOIN sessions AS s
      ON s.user_id = a.user_id AND s.session_ts BETWEEN a.assigned_at AND TIMESTAMP '2025-09-29 00:00:00'
    WHERE a.experiment_id = 'close_friends'
    GROUP BY a.user_id, a.variant, a.unit_id
),
unit_means AS (
    SELECT unit_id, variant, AVG(minutes) AS unit_mean FROM member_minutes GROUP BY unit_id, variant
),
arms AS (
    SELECT AVG(unit_mean) FILTER (WHERE variant = 'treatment') AS t,
           AVG(unit_mean) FILTER (WHERE variant = 'control') AS c
    FROM unit_means
)
SELECT ROUND(t, 4) AS treatment_mean, ROUND(c, 4) AS control_mean, ROUND(t - c, 4) AS effect
FROM arms;
