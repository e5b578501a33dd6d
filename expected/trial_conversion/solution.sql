-- Every assigned member is in the denominator (LEFT JOIN). The survival rule is applied to
-- the trial arm only, and DISTINCT counts members, not their several subscriptions.
WITH arms AS (
    SELECT user_id, variant, CAST(assigned_at AS DATE) AS assigned_on
    FROM ab_tests
    WHERE experiment_id = 'free_trial_7d'
),
converted AS (
    SELECT DISTINCT a.user_id
    FROM arms AS a
    JOIN subscriptions AS s
      ON s.user_id = a.user_id AND s.sub_dt >= a.assigned_on
    WHERE a.variant = 'control'
       OR s.cancel_dt IS NULL
       OR s.cancel_dt - s.sub_dt >= 7
)
SELECT a.variant,
       COUNT(*) AS members,
       COUNT(c.user_id) AS converted,
       ROUND(100.0 * COUNT(c.user_id) / COUNT(*), 2) AS conversion_pct
FROM arms AS a
LEFT JOIN converted AS c USING (user_id)
GROUP BY a.variant;
