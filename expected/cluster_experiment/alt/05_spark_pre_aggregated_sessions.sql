-- dialect: spark
-- Sessions are first reduced to one window total per member (joined to the assignment to know
-- each member's start), then joined back to every assigned member with coalesce(..., 0).
WITH assigned AS (
    SELECT user_id, unit_id, variant, assigned_at
    FROM ab_tests
    WHERE experiment_id = 'close_friends'
),
window_totals AS (
    SELECT a.user_id, sum(s.watch_minutes) AS minutes
    FROM assigned a
    JOIN sessions s
      ON s.user_id = a.user_id AND s.session_ts >= a.assigned_at AND s.session_ts < TIMESTAMP'2025-09-29 00:00:00'
    GROUP BY a.user_id
),
unit_means AS (
    SELECT a.unit_id, a.variant, avg(coalesce(w.minutes, 0D)) AS unit_mean
    FROM assigned a
    LEFT JOIN window_totals w ON w.user_id = a.user_id
    GROUP BY a.unit_id, a.variant
),
arms AS (
    SELECT avg(CASE WHEN variant = 'treatment' THEN unit_mean END) AS t,
           avg(CASE WHEN variant = 'control' THEN unit_mean END) AS c
    FROM unit_means
)
SELECT round(t, 4) AS treatment_mean, round(c, 4) AS control_mean, round(t - c, 4) AS effect
FROM arms;
