-- mistake: COUNT(*) over the joined subscriptions counts spells, not members: resubscribers and their extra spells are counted twice
SELECT t.variant,
       COUNT(DISTINCT t.user_id) AS members,
       COUNT(s.subscription_id) AS converted,
       ROUND(100.0 * COUNT(s.subscription_id) / COUNT(DISTINCT t.user_id), 2) AS conversion_pct
FROM ab_tests AS t
LEFT JOIN subscriptions AS s
  ON s.user_id = t.user_id
 AND s.sub_dt >= CAST(t.assigned_at AS DATE)
 AND (t.variant = 'control' OR s.cancel_dt IS NULL OR s.cancel_dt - s.sub_dt >= 7)
WHERE t.experiment_id = 'free_trial_7d'
GROUP BY t.variant;
