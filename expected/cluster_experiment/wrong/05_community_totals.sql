-- mistake: averages each community's total minutes instead of its mean per member, so bigger communities look like heavier viewers
WITH unit_totals AS (
    SELECT a.unit_id, a.variant, COALESCE(SUM(s.watch_minutes), 0) AS total
    FROM ab_tests AS a
    LEFT JOIN sessions AS s
      ON s.user_id = a.user_id AND s.session_ts >= a.assigned_at AND s.session_ts < TIMESTAMP '2025-09-29'
    WHERE a.experiment_id = 'close_friends'
    GROUP BY a.unit_id, a.variant
),
arms AS (
    SELECT AVG(total) FILTER (WHERE variant = 'treatment') AS t,
           AVG(total) FILTER (WHERE variant = 'control') AS c
    FROM unit_totals
)
SELECT ROUND(t, 4) AS treatment_mean, ROUND(c, 4) AS control_mean, ROUND(t - c, 4) AS effect
FROM arms;
