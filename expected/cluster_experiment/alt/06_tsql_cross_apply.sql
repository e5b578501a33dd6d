-- dialect: tsql
-- OUTER APPLY computes each member's window total (NULL without sessions, ISNULLed to 0).
WITH member_minutes AS (
    SELECT a.unit_id, a.variant, ISNULL(w.minutes, 0) AS minutes
    FROM dbo.ab_tests AS a
    OUTER APPLY (
        SELECT SUM(s.watch_minutes) AS minutes
        FROM dbo.sessions AS s
        WHERE s.user_id = a.user_id
          AND s.session_ts >= a.assigned_at
          AND s.session_ts < CAST('2025-09-29' AS datetime2)
    ) AS w
    WHERE a.experiment_id = 'close_friends'
),
unit_means AS (
    SELECT unit_id, variant, AVG(minutes) AS unit_mean
    FROM member_minutes
    GROUP BY unit_id, variant
)
SELECT ROUND(AVG(CASE WHEN variant = 'treatment' THEN unit_mean END), 4) AS treatment_mean,
       ROUND(AVG(CASE WHEN variant = 'control' THEN unit_mean END), 4) AS control_mean,
       ROUND(AVG(CASE WHEN variant = 'treatment' THEN unit_mean END)
             - AVG(CASE WHEN variant = 'control' THEN unit_mean END), 4) AS effect
FROM unit_means;
