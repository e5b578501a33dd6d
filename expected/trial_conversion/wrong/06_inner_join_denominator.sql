-- mistake: an INNER JOIN to subscriptions drops members who never subscribed from the denominator
SELECT t.variant,
       COUNT(DISTINCT t.user_id) AS members,
       COUNT(DISTINCT CASE WHEN t.variant = 'control' OR s.cancel_dt IS NULL OR s.cancel_dt - s.sub_dt >= 7
                           THEN t.user_id END) AS converted,
       ROUND(100.0 * COUNT(DISTINCT CASE WHEN t.variant = 'control' OR s.cancel_dt IS NULL OR s.cancel_dt - s.sub_dt >= 7
                                         THEN t.user_id END) / COUNT(DISTINCT t.user_id), 2) AS conversion_pct
FROM ab_tests AS t
JOIN subscriptions AS s ON s.user_id = t.user_id AND s.sub_dt >= CAST(t.assigned_at AS DATE)
WHERE t.experiment_id = 'free_trial_7d'
GROUP BY t.variant;
