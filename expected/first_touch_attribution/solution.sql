-- Converted members are found on any converting session; their first touch is their earliest
-- session overall (session_ts is distinct per member, so ROW_NUMBER has no ties to break).
WITH converted AS (
    SELECT DISTINCT s.user_id
    FROM sessions AS s
    JOIN attribution AS a USING (session_id)
    WHERE a.conversion
),
ranked AS (
    SELECT user_id, session_id,
           ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY session_ts) AS rn
    FROM sessions
)
SELECT r.user_id, a.channel
FROM ranked AS r
JOIN converted AS c USING (user_id)
JOIN attribution AS a USING (session_id)
WHERE r.rn = 1;
