-- dialect: postgres
-- A correlated scalar subquery per member gives the window total (COALESCE: 0 without sessions);
-- AVG per community, then AVG of community means per arm.
WITH member_minutes AS (
    SELECT a.unit_id, a.variant,
           COALESCE((SELECT SUM(s.watch_minutes)
                     FROM sessions s
                     WHERE s.user_id = a.user_id
                       AND s.session_ts >= a.assigned_at
                       AND s.session_ts < TIMESTAMP '2025-09-29 00:00:00'), 0) AS minutes
    FROM ab_tests a
    WHERE a.experiment_id = 'close_friends'
),
unit_means AS (
    SELECT unit_id, variant, AVG(minutes) AS unit_mean
    FROM member_minutes
    GROUP BY unit_id, variant
),
arms AS (
    SELECT AVG(unit_mean) FILTER (WHERE variant = 'treatment') AS t,
           AVG(unit_mean) FILTER (WHERE variant = 'control') AS c
    FROM unit_means
)
SELECT ROUND(t::numeric, 4) AS treatment_mean,
       ROUND(c::numeric, 4) AS control_mean,
       ROUND((t - c)::numeric, 4) AS effect
FROM arms;
