-- mistake: filters to converting sessions before ranking, so it finds the first converting session, not the first session
WITH ranked AS (
    SELECT s.user_id, a.channel,
           ROW_NUMBER() OVER (PARTITION BY s.user_id ORDER BY s.session_ts) AS rn
    FROM sessions AS s
    JOIN attribution AS a ON a.session_id = s.session_id
    WHERE a.conversion
)
SELECT user_id, channel
FROM ranked
WHERE rn = 1;
