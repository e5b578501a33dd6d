"""prepare -> sandbox -> compare -> verdict: correct answers in all seven dialects pass, realistic
wrong answers fail with the right kind of diff. Expected results come from a DuckDB reference
solution run with plain DuckDB on the fixture, as the challenge pack will do."""

from __future__ import annotations

import json

import pytest

from simgen.grader.compare import compare
from simgen.grader.errors import GradeError
from simgen.grader.sql import prepare
from simgen.grader.verdict import Verdict, combine, exit_code

from .fixtures import SCHEMA

REFERENCE = {
    "second_highest_salary": """
        select max(salary) as salary from salaries
        where department = 'Engineering'
          and salary < (select max(salary) from salaries where department = 'Engineering')""",
    "first_touch_attribution": """
        select s.user_id, arg_min(a.channel, s.session_ts) as channel
        from sessions s join attribution a using (session_id)
        where s.user_id in (select s2.user_id from sessions s2 join attribution a2 using (session_id) where a2.conversion)
        group by s.user_id""",
    "trial_conversion": """
        with conv as (
          select t.variant, exists (
            select 1 from subscriptions s where s.user_id = t.user_id
              and (t.variant = 'control' or s.cancel_dt is null or s.cancel_dt - s.sub_dt >= 7)) as converted
          from ab_tests t where t.experiment_id = 'free_trial_7d')
        select variant, count(*) as members, count(*) filter (where converted) as converted,
               round(100.0 * count(*) filter (where converted) / count(*), 2) as conversion_pct
        from conv group by variant""",
}

CORRECT = {
    "second_highest_salary": {
        "postgres": "select (select distinct salary from salaries where department = 'Engineering' and salary is not null "
                    "order by salary desc offset 1 limit 1) as salary",
        "mysql": "select (select distinct salary from salaries where department = 'engineering' "
                 "order by salary desc limit 1 offset 1) as salary",
        "tsql": "select max(salary) as salary from salaries where department = 'Engineering' "
                "and salary < (select max(salary) from dbo.salaries where department = 'Engineering')",
        "bigquery": "select max(salary) as salary from (select salary, dense_rank() over (order by salary desc) as r "
                    "from `proj.hr.salaries` where department = 'Engineering' and salary is not null) where r = 2",
        "snowflake": "select max(salary) as salary from (select salary from salaries where department = 'Engineering' "
                     "and salary is not null qualify dense_rank() over (order by salary desc) = 2)",
        "spark": "select max(salary) as salary from salaries where department = 'Engineering' "
                 "and salary < (select max(salary) from salaries where department = 'Engineering')",
        "duckdb": "select max(salary) filter (where salary < (select max(salary) from salaries where department = "
                  "'Engineering')) as salary from salaries where department = 'Engineering'",
    },
    "first_touch_attribution": {
        "postgres": "select distinct on (s.user_id) s.user_id, a.channel from sessions s join attribution a "
                    "on a.session_id = s.session_id where s.user_id in (select s2.user_id from sessions s2 "
                    "join attribution a2 on a2.session_id = s2.session_id where a2.conversion) "
                    "order by s.user_id, s.session_ts",
        "mysql": "with ranked as (select s.user_id, a.channel, row_number() over (partition by s.user_id "
                 "order by s.session_ts) as rn from sessions s join attribution a on a.session_id = s.session_id), "
                 "conv as (select distinct s.user_id from sessions s join attribution a on a.session_id = s.session_id "
                 "where a.conversion = true) select r.user_id, r.channel from ranked r join conv c "
                 "on c.user_id = r.user_id where r.rn = 1",
        "tsql": "select c.user_id, f.channel from (select distinct s.user_id from sessions s join attribution a "
                "on a.session_id = s.session_id where a.conversion = 1) c cross apply (select top 1 a.channel "
                "from sessions s join attribution a on a.session_id = s.session_id where s.user_id = c.user_id "
                "order by s.session_ts) f",
        "bigquery": "select s.user_id, array_agg(a.channel order by s.session_ts limit 1)[offset(0)] as channel "
                    "from `p.d.sessions` s join `p.d.attribution` a using (session_id) group by s.user_id "
                    "having logical_or(a.conversion)",
        "snowflake": "select s.user_id, a.channel from sessions s join attribution a on a.session_id = s.session_id "
                     "where s.user_id in (select s2.user_id from sessions s2 join attribution a2 "
                     "on a2.session_id = s2.session_id where a2.conversion) "
                     "qualify row_number() over (partition by s.user_id order by s.session_ts) = 1",
        "spark": "select user_id, channel from (select s.user_id, a.channel, row_number() over (partition by "
                 "s.user_id order by s.session_ts) as rn, max(cast(a.conversion as int)) over (partition by "
                 "s.user_id) as converted from sessions s join attribution a on a.session_id = s.session_id) t "
                 "where rn = 1 and converted = 1",
        "duckdb": REFERENCE["first_touch_attribution"],
    },
    "trial_conversion": {
        "postgres": "select t.variant, count(*) as members, sum(case when c.user_id is not null then 1 else 0 end) "
                    "as converted, round(100.0 * sum(case when c.user_id is not null then 1 else 0 end)::numeric "
                    "/ count(*), 2) as conversion_pct from ab_tests t left join (select distinct s.user_id from "
                    "subscriptions s join ab_tests x on x.user_id = s.user_id and x.experiment_id = 'free_trial_7d' "
                    "where x.variant = 'control' or s.cancel_dt is null or s.cancel_dt - s.sub_dt >= 7) c "
                    "on c.user_id = t.user_id where t.experiment_id = 'free_trial_7d' group by t.variant",
        "mysql": "select t.variant, count(*) as members, sum(c.user_id is not null) as converted, "
                 "round(100 * sum(c.user_id is not null) / count(*), 2) as conversion_pct from ab_tests t "
                 "left join (select distinct s.user_id from subscriptions s join ab_tests x on x.user_id = s.user_id "
                 "where x.experiment_id = 'free_trial_7d' and (x.variant = 'control' or s.cancel_dt is null or "
                 "datediff(s.cancel_dt, s.sub_dt) >= 7)) c on c.user_id = t.user_id "
                 "where t.experiment_id = 'free_trial_7d' group by t.variant",
        "tsql": "select t.variant, count(*) as members, sum(case when c.user_id is not null then 1 else 0 end) "
                "as converted, cast(100.0 * sum(case when c.user_id is not null then 1 else 0 end) / count(*) "
                "as decimal(5, 2)) as conversion_pct from ab_tests t outer apply (select top 1 s.user_id from "
                "subscriptions s where s.user_id = t.user_id and (t.variant = 'control' or s.cancel_dt is null "
                "or datediff(day, s.sub_dt, s.cancel_dt) >= 7)) c where t.experiment_id = 'free_trial_7d' "
                "group by t.variant",
        "bigquery": "select variant, count(*) as members, countif(converted) as converted, "
                    "round(100 * countif(converted) / count(*), 2) as conversion_pct from (select t.variant, "
                    "exists(select 1 from `p.d.subscriptions` s where s.user_id = t.user_id and (t.variant = 'control' "
                    "or s.cancel_dt is null or date_diff(s.cancel_dt, s.sub_dt, day) >= 7)) as converted "
                    "from `p.d.ab_tests` t where t.experiment_id = 'free_trial_7d') group by variant",
        "snowflake": "select variant, count(*) as members, count_if(converted) as converted, "
                     "round(100 * count_if(converted) / count(*), 2) as conversion_pct from (select t.variant, "
                     "exists(select 1 from subscriptions s where s.user_id = t.user_id and (t.variant = 'control' "
                     "or s.cancel_dt is null or datediff(day, s.sub_dt, s.cancel_dt) >= 7)) as converted "
                     "from ab_tests t where t.experiment_id = 'free_trial_7d') group by variant",
        "spark": "select variant, count(*) as members, sum(if(converted, 1, 0)) as converted, "
                 "round(100 * sum(if(converted, 1, 0)) / count(*), 2) as conversion_pct from (select t.variant, "
                 "exists(select 1 from subscriptions s where s.user_id = t.user_id and (t.variant = 'control' "
                 "or s.cancel_dt is null or datediff(s.cancel_dt, s.sub_dt) >= 7)) as converted from ab_tests t "
                 "where t.experiment_id = 'free_trial_7d') t2 group by variant",
        "duckdb": REFERENCE["trial_conversion"],
    },
}

WRONG = [
    ("second_highest_salary", "postgres",
     "select salary from salaries where department = 'Engineering' and salary is not null "
     "order by salary desc limit 1 offset 1", "wrong_values"),
    ("first_touch_attribution", "mysql",
     "select s.user_id, a.channel from sessions s join attribution a on a.session_id = s.session_id "
     "where a.conversion", "wrong_values"),
    ("trial_conversion", "snowflake",
     "select t.variant, count(*) as members, count(distinct s.user_id) as converted, "
     "round(100 * count(distinct s.user_id) / count(*), 2) as conversion_pct from ab_tests t left join "
     "subscriptions s on s.user_id = t.user_id where t.experiment_id = 'free_trial_7d' group by t.variant",
     "wrong_values"),
    ("first_touch_attribution", "tsql", "select s.user_id from sessions s", "wrong_columns"),
    ("trial_conversion", "bigquery",
     "select variant, count(*) as members from `ab_tests` where experiment_id = 'free_trial_7d' "
     "and variant = 'trial' group by variant", "wrong_columns"),
]


def grade(sandbox, reference, challenge: str, dialect: str, sql: str) -> Verdict:
    expected = reference.sql(REFERENCE[challenge]).to_arrow_table()
    try:
        actual = sandbox.run(prepare(sql, dialect, SCHEMA), "tiny")
    except GradeError as error:
        return Verdict.from_error(challenge, error)
    return Verdict.from_diff(challenge, compare(actual, expected, ordered=False, rel_tol=1e-6, abs_tol=1e-6))


CASES = [(c, d, sql) for c, by_dialect in CORRECT.items() for d, sql in by_dialect.items()]


@pytest.mark.parametrize(("challenge", "dialect", "sql"), CASES, ids=[f"{c}-{d}" for c, d, _ in CASES])
def test_correct_submission_passes_in_every_dialect(sandbox, reference, challenge, dialect, sql):
    verdict = grade(sandbox, reference, challenge, dialect, sql)
    assert verdict.passed, verdict.message
    assert verdict.exit_code == 0


def test_every_dialect_is_covered():
    for by_dialect in CORRECT.values():
        assert set(by_dialect) == {"postgres", "mysql", "bigquery", "snowflake", "spark", "tsql", "duckdb"}


@pytest.mark.parametrize(("challenge", "dialect", "sql", "kind"), WRONG, ids=[f"{w[0]}-{w[1]}-{w[3]}" for w in WRONG])
def test_wrong_submission_fails_with_an_actionable_diff(sandbox, reference, challenge, dialect, sql, kind):
    verdict = grade(sandbox, reference, challenge, dialect, sql)
    assert (verdict.status, verdict.details["kind"], verdict.exit_code) == ("wrong", kind, 1)
    payload = json.loads(verdict.to_json())
    assert payload["challenge"] == challenge and payload["passed"] is False and payload["message"]


def test_cannot_grade_is_exit_2_with_json(sandbox, reference):
    verdict = grade(sandbox, reference, "second_highest_salary", "postgres", "select * from read_csv('/etc/passwd')")
    assert (verdict.status, verdict.exit_code, verdict.details["kind"]) == ("error", 2, "forbidden")
    assert json.loads(verdict.to_json())["status"] == "error"


def test_combine_requires_every_dataset():
    ok = Verdict("x", True, "pass", "ok")
    wrong = Verdict("x", False, "wrong", "missing 1 row", {"kind": "missing_rows"})
    error = Verdict("x", False, "error", "timeout", {"kind": "limit"})
    assert combine("x", [ok, ok]).passed
    assert combine("x", [ok, wrong]).status == "wrong"
    assert combine("x", [wrong, error]).status == "error"
    assert exit_code([ok, wrong]) == 1 and exit_code([ok]) == 0 and exit_code([error, ok]) == 2
    with pytest.raises(ValueError):
        Verdict("x", True, "wrong", "inconsistent")


# The mistake people make: the LAST session's channel (ORDER BY ... DESC), written in capitals.
LAST_TOUCH = """
WITH CONVERTED AS (
    SELECT DISTINCT S.USER_ID
    FROM SESSIONS S
    JOIN ATTRIBUTION A ON A.SESSION_ID = S.SESSION_ID
    WHERE A.CONVERSION = TRUE
),
RANKED AS (
    SELECT S.USER_ID, A.CHANNEL,
           ROW_NUMBER() OVER (PARTITION BY S.USER_ID ORDER BY S.SESSION_TS DESC) AS RN
    FROM SESSIONS S
    JOIN ATTRIBUTION A ON A.SESSION_ID = S.SESSION_ID
)
SELECT R.USER_ID, R.CHANNEL
FROM RANKED R
JOIN CONVERTED C ON C.USER_ID = R.USER_ID
WHERE R.RN = 1
"""


def test_a_wrong_channel_is_shown_beside_the_right_one_for_the_same_member(small):
    from simgen.grader.grading import check

    verdict = check("first_touch_attribution", text=LAST_TOUCH, data=[small.path]).verdict
    diff = verdict.diff
    assert verdict.status == "wrong" and diff["kind"] == "wrong_values"
    assert diff["key"] == ["user_id"]
    # The same members converted either way: every wrong row is one member with another channel.
    assert diff["changed"] == diff["missing"] == diff["extra"] > 0
    assert diff["pairs"]
    for pair in diff["pairs"]:
        assert pair["key"] == [pair["expected"][0]] == [pair["actual"][0]]
        assert pair["expected"][1] != pair["actual"][1] and pair["differs"] == [1]
    first = diff["pairs"][0]
    assert "(key user_id;" in verdict.message
    assert f"user_id {first['key'][0]}: channel expected '{first['expected'][1]}', got '{first['actual'][1]}'" \
        in verdict.message
    assert json.loads(verdict.to_json())["details"]["pairs"] == diff["pairs"]
