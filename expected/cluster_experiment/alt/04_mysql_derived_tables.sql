-- dialect: mysql
-- Nested derived tables: member totals (LEFT JOIN + COALESCE), community means, arm means.
SELECT ROUND(t, 4) AS treatment_mean,
       ROUND(c, 4) AS control_mean,
       ROUND(t - c, 4) AS effect
FROM (
    SELECT AVG(CASE WHEN variant = 'treatment' THEN unit_mean END) AS t,
           AVG(CASE WHEN variant = 'control' THEN unit_mean END) AS c
    FROM (
        SELECT unit_id, variant, AVG(minutes) AS unit_mean
        FROM (
            SELECT a.user_id, a.unit_id, a.variant, COALESCE(SUM(s.watch_minutes), 0) AS minutes
            FROM ab_tests AS a
            LEFT JOIN sessions AS s
                   ON s.user_id = a.user_id
                  AND s.session_ts >= a.assigned_at
                  AND s.session_ts < '2025-09-29 00:00:00'
            WHERE a.experiment_id = 'close_friends'
            GROUP BY a.user_id, a.unit_id, a.variant
        ) AS member_minutes
        GROUP BY unit_id, variant
    ) AS unit_means
) AS arms;
