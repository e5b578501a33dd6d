-- mistake: MIN(channel) is the alphabetically first channel of the member, not the channel of the first session
SELECT s.user_id, MIN(a.channel) AS channel
FROM sessions AS s
JOIN attribution AS a ON a.session_id = s.session_id
GROUP BY s.user_id
HAVING BOOL_OR(a.conversion);
