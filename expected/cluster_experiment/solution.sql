-- close_friends randomized whole communities (unit_id), so the estimate is taken at that level:
-- each member's minutes between their own assigned_at and the window's end (2025-09-29, exclusive),
-- 0 for members without such sessions (LEFT JOIN + COALESCE keeps them), averaged within each
-- community, then the community means averaged per variant. A member-level mean would let the few
-- huge communities dominate.
WITH members AS (
    SELECT user_id, variant, unit_id, assigned_at
    FROM ab_tests
    WHERE experiment_id = 'close_friends'
),
member_minutes AS (
    SELECT m.user_id, m.variant, m.unit_id, COALESCE(SUM(s.watch_minutes), 0) AS minutes
    FROM members AS m
    LEFT JOIN sessions AS s
      ON s.user_id = m.user_id
     AND s.session_ts >= m.assigned_at
     AND s.session_ts < TIMESTAMP '2025-09-29 00:00:00'
    GROUP BY m.user_id, m.variant, m.unit_id
),
unit_means AS (
    SELECT unit_id, variant, AVG(minutes) AS unit_mean
    FROM member_minutes
    GROUP BY unit_id, variant
),
arms AS (
    SELECT AVG(unit_mean) FILTER (WHERE variant = 'treatment') AS treatment_mean,
           AVG(unit_mean) FILTER (WHERE variant = 'control') AS control_mean
    FROM unit_means
)
SELECT ROUND(treatment_mean, 4) AS treatment_mean,
       ROUND(control_mean, 4) AS control_mean,
       ROUND(treatment_mean - control_mean, 4) AS effect
FROM arms;
