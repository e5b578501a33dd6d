-- dialect: tsql
-- Everything from sums: Sxx, Syy and Sxy over all members give theta = Sxy / Sxx and the
-- variance reduction Sxy^2 / (Sxx * Syy); cuped_diff = raw_diff - theta * (difference in mean x).
WITH per_member AS (
    SELECT a.variant,
           ISNULL(SUM(CASE WHEN s.session_ts >= a.assigned_at THEN s.watch_minutes END), 0) AS y,
           ISNULL(SUM(CASE WHEN s.session_ts < a.assigned_at THEN s.watch_minutes END), 0) AS x
    FROM dbo.ab_tests AS a
    LEFT JOIN dbo.sessions AS s
      ON s.user_id = a.user_id
     AND s.session_ts >= DATEADD(day, -28, a.assigned_at)
     AND s.session_ts < '2025-06-30T00:00:00'
    WHERE a.experiment_id = 'new_row_ranker'
    GROUP BY a.user_id, a.variant
),
moments AS (
    SELECT COUNT(*) * 1.0 AS n, SUM(x) AS sx, SUM(y) AS sy,
           SUM(x * x) AS sxx, SUM(y * y) AS syy, SUM(x * y) AS sxy,
           AVG(CASE WHEN variant = 'treatment' THEN y END) - AVG(CASE WHEN variant = 'control' THEN y END) AS raw_diff,
           AVG(CASE WHEN variant = 'treatment' THEN x END) - AVG(CASE WHEN variant = 'control' THEN x END) AS x_diff
    FROM per_member
),
centred AS (
    SELECT raw_diff, x_diff,
           sxx - sx * sx / n AS cxx,
           syy - sy * sy / n AS cyy,
           sxy - sx * sy / n AS cxy
    FROM moments
)
SELECT ROUND(raw_diff, 4) AS raw_diff,
       ROUND(raw_diff - (cxy / cxx) * x_diff, 4) AS cuped_diff,
       ROUND(100 * cxy * cxy / (cxx * cyy), 4) AS variance_reduction_pct
FROM centred;
