-- dialect: tsql
-- mistake: the test-window condition sits in WHERE after a LEFT JOIN, which silently turns it into an inner join and drops members with no session in the window
WITH member_minutes AS (
    SELECT a.user_id, a.variant, a.unit_id, ISNULL(SUM(s.watch_minutes), 0) AS minutes
    FROM dbo.ab_tests AS a
    LEFT JOIN dbo.sessions AS s ON s.user_id = a.user_id
    WHERE a.experiment_id = 'close_friends'
      AND s.session_ts >= a.assigned_at AND s.session_ts < '2025-09-29'
    GROUP BY a.user_id, a.variant, a.unit_id
),
unit_means AS (
    SELECT unit_id, variant, AVG(minutes) AS unit_mean FROM member_minutes GROUP BY unit_id, variant
)
SELECT ROUND(AVG(CASE WHEN variant = 'treatment' THEN unit_mean END), 4) AS treatment_mean,
       ROUND(AVG(CASE WHEN variant = 'control' THEN unit_mean END), 4) AS control_mean,
       ROUND(AVG(CASE WHEN variant = 'treatment' THEN unit_mean END)
             - AVG(CASE WHEN variant = 'control' THEN unit_mean END), 4) AS effect
FROM unit_means;
