-- dialect: postgres
-- mistake: session_ts > assigned_at drops a session that starts exactly at the assignment time (the window starts inclusive)
WITH member_minutes AS (
    SELECT a.user_id, a.variant, a.unit_id, COALESCE(SUM(s.watch_minutes), 0) AS minutes
    FROM ab_tests a
    LEFT JOIN sessions s
      ON s.user_id = a.user_id AND s.session_ts > a.assigned_at AND s.session_ts < '2025-09-29'::timestamp
    WHERE a.experiment_id = 'close_friends'
    GROUP BY a.user_id, a.variant, a.unit_id
),
unit_means AS (
    SELECT unit_id, variant, AVG(minutes) AS unit_mean FROM member_minutes GROUP BY unit_id, variant
)
SELECT ROUND(AVG(unit_mean) FILTER (WHERE variant = 'treatment')::numeric, 4) AS treatment_mean,
       ROUND(AVG(unit_mean) FILTER (WHERE variant = 'control')::numeric, 4) AS control_mean,
       ROUND((AVG(unit_mean) FILTER (WHERE variant = 'treatment')
              - AVG(unit_mean) FILTER (WHERE variant = 'control'))::numeric, 4) AS effect
FROM unit_means;
