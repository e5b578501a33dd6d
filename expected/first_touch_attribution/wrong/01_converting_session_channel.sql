-- mistake: reports the channel of the converting session (last touch), not of the member's first session
SELECT DISTINCT s.user_id, a.channel
FROM sessions AS s
JOIN attribution AS a ON a.session_id = s.session_id
WHERE a.conversion;
