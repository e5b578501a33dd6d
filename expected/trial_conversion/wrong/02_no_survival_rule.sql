-- mistake: ignores the 7-day rule entirely, so trial members who cancelled within the trial week count as converted
SELECT t.variant,
       COUNT(DISTINCT t.user_id) AS members,
       COUNT(DISTINCT s.user_id) AS converted,
       ROUND(100.0 * COUNT(DISTINCT s.user_id) / COUNT(DISTINCT t.user_id), 2) AS conversion_pct
FROM ab_tests AS t
LEFT JOIN subscriptions AS s
  ON s.user_id = t.user_id AND s.sub_dt >= CAST(t.assigned_at AS DATE)
WHERE t.experiment_id = 'free_trial_7d'
GROUP BY t.variant;
