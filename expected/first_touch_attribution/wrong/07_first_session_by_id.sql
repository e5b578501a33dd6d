-- mistake: "first" taken as the smallest session_id instead of the earliest session_ts (ids carry no time order by contract)
SELECT s.user_id, a.channel
FROM sessions AS s
JOIN attribution AS a ON a.session_id = s.session_id
WHERE s.session_id IN (SELECT MIN(session_id) FROM sessions GROUP BY user_id)
  AND s.user_id IN (
      SELECT s2.user_id FROM sessions AS s2
      JOIN attribution AS a2 ON a2.session_id = s2.session_id
      WHERE a2.conversion
  );
