-- dialect: spark
-- LEFT SEMI JOIN finds converters; a LEFT JOIN back to all assigned members keeps the denominator whole.
WITH assigned AS (
    SELECT user_id, variant, to_date(assigned_at) AS assigned_on
    FROM ab_tests
    WHERE experiment_id = 'free_trial_7d'
),
converters AS (
    SELECT a.user_id
    FROM assigned a
    LEFT SEMI JOIN subscriptions s
      ON s.user_id = a.user_id
     AND s.sub_dt >= a.assigned_on
     AND (a.variant = 'control' OR s.cancel_dt IS NULL OR datediff(s.cancel_dt, s.sub_dt) >= 7)
)
SELECT a.variant,
       count(*) AS members,
       count(c.user_id) AS converted,
       round(100 * count(c.user_id) / count(*), 2) AS conversion_pct
FROM assigned a
LEFT JOIN converters c ON c.user_id = a.user_id
GROUP BY a.variant;
