-- mistake: no conversion filter, so members who never converted are reported too
SELECT DISTINCT ON (s.user_id) s.user_id, a.channel
FROM sessions AS s
JOIN attribution AS a ON a.session_id = s.session_id
ORDER BY s.user_id, s.session_ts;
