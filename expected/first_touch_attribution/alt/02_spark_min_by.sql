-- dialect: spark
-- MIN_BY picks the channel at the smallest session_ts; MAX of a 0/1 flag keeps converters only.
SELECT s.user_id,
       MIN_BY(a.channel, s.session_ts) AS channel
FROM sessions AS s
JOIN attribution AS a ON a.session_id = s.session_id
GROUP BY s.user_id
HAVING MAX(CASE WHEN a.conversion THEN 1 ELSE 0 END) = 1;
