-- dialect: postgres
-- The first session is the one with no earlier session of the same member (anti-join), for members with a conversion.
SELECT s.user_id, a.channel
FROM sessions AS s
JOIN attribution AS a ON a.session_id = s.session_id
WHERE NOT EXISTS (
        SELECT 1 FROM sessions AS e
        WHERE e.user_id = s.user_id AND e.session_ts < s.session_ts
      )
  AND EXISTS (
        SELECT 1
        FROM sessions AS c
        JOIN attribution AS ca ON ca.session_id = c.session_id
        WHERE c.user_id = s.user_id AND ca.conversion
      );
