-- dialect: snowflake
-- QUALIFY keeps each member's earliest session; BOOLOR_AGG over the member's sessions says whether they converted.
WITH first_touch AS (
    SELECT s.user_id, a.channel
    FROM sessions AS s
    JOIN attribution AS a ON a.session_id = s.session_id
    QUALIFY ROW_NUMBER() OVER (PARTITION BY s.user_id ORDER BY s.session_ts) = 1
),
converters AS (
    SELECT s.user_id
    FROM sessions AS s
    JOIN attribution AS a ON a.session_id = s.session_id
    GROUP BY s.user_id
    HAVING BOOLOR_AGG(a.conversion)
)
SELECT f.user_id, f.channel
FROM first_touch AS f
WHERE f.user_id IN (SELECT user_id FROM converters);
