-- dialect: bigquery
-- ARRAY_AGG(... ORDER BY session_ts LIMIT 1)[OFFSET(0)]: the channel of the earliest session per member.
SELECT s.user_id,
       ARRAY_AGG(a.channel ORDER BY s.session_ts LIMIT 1)[OFFSET(0)] AS channel
FROM `netflix-sim.prod.sessions` AS s
JOIN `netflix-sim.prod.attribution` AS a USING (session_id)
GROUP BY s.user_id
HAVING LOGICAL_OR(a.conversion);
