-- dialect: tsql
-- For each converted member, CROSS APPLY the TOP 1 session by time and read its channel.
SELECT c.user_id, ft.channel
FROM (
    SELECT DISTINCT s.user_id
    FROM dbo.sessions AS s
    JOIN dbo.attribution AS a ON a.session_id = s.session_id
    WHERE a.conversion = 1
) AS c
CROSS APPLY (
    SELECT TOP 1 a1.channel
    FROM dbo.sessions AS s1
    JOIN dbo.attribution AS a1 ON a1.session_id = s1.session_id
    WHERE s1.user_id = c.user_id
    ORDER BY s1.session_ts
) AS ft;
