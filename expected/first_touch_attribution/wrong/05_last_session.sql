-- dialect: postgres
-- mistake: ORDER BY session_ts DESC picks the member's latest session instead of the first
SELECT DISTINCT ON (s.user_id) s.user_id, a.channel
FROM sessions AS s
JOIN attribution AS a ON a.session_id = s.session_id
WHERE s.user_id IN (
    SELECT s2.user_id
    FROM sessions AS s2
    JOIN attribution AS a2 ON a2.session_id = s2.session_id
    WHERE a2.conversion
)
ORDER BY s.user_id, s.session_ts DESC;
