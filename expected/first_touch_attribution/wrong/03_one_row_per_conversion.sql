-- mistake: joins the first session to every converting session, so members who converted several times appear several times
WITH firsts AS (
    SELECT s.user_id, a.channel,
           ROW_NUMBER() OVER (PARTITION BY s.user_id ORDER BY s.session_ts) AS rn
    FROM sessions AS s
    JOIN attribution AS a ON a.session_id = s.session_id
)
SELECT f.user_id, f.channel
FROM firsts AS f
JOIN sessions AS s2 ON s2.user_id = f.user_id
JOIN attribution AS a2 ON a2.session_id = s2.session_id
WHERE f.rn = 1 AND a2.conversion;
