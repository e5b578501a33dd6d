"""The practice page's app through Flask's test client: the pages, Run, Submit, hints, progress,
Cancel, and the doors a local web app must keep shut. (tests/serve/test_browser.py drives the
same app in Chromium.)"""

from __future__ import annotations

import threading
import time

import pytest

from simgen import challenges
from simgen.progress import Progress
from simgen.serve.app import create_app
from simgen.serve.practice import RUN_ROWS, Practice

# People's SQL: upper-case identifiers, each dialect's idioms.
WRONG_LAST_TOUCH = """-- dialect: postgres
SELECT USER_ID, CHANNEL
FROM (SELECT S.USER_ID, A.CHANNEL,
             ROW_NUMBER() OVER (PARTITION BY S.USER_ID ORDER BY S.SESSION_TS DESC) AS RN
      FROM SESSIONS S JOIN ATTRIBUTION A ON A.SESSION_ID = S.SESSION_ID) T
WHERE RN = 1
  AND USER_ID IN (SELECT S2.USER_ID FROM SESSIONS S2, ATTRIBUTION A2
                  WHERE A2.SESSION_ID = S2.SESSION_ID AND A2.CONVERSION)
"""
SLOW = "SELECT COUNT(*) FROM SESSIONS A, SESSIONS B, SESSIONS C"


@pytest.fixture(scope="module")
def practice(small, tmp_path_factory):
    progress = Progress(tmp_path_factory.mktemp("progress") / "progress.json")
    with Practice(small.path, progress) as p:
        yield p


@pytest.fixture(scope="module")
def client(practice):
    return create_app(practice).test_client()


def post(client, path: str, body: dict | None = None):
    return client.post(path, json=body if body is not None else {})


def test_the_list_shows_every_challenge_with_difficulty_family_and_progress(client):
    page = client.get("/").get_data(as_text=True)
    listed = client.get("/api/challenges").get_json()
    assert [c["id"] for c in listed] == [c.id for c in challenges.all_challenges()]
    for c in listed:
        assert f'href="/c/{c["id"]}"' in page
        assert c["difficulty"] in ("easy", "medium", "hard") and c["family"] and c["tags"]
        assert c["progress"] in ("new", "attempted", "solved")


def test_the_challenge_page_renders_the_prompt_and_never_carries_the_hints(client):
    ch = challenges.get("cohort_retention")
    html = client.get(f"/c/{ch.id}").get_data(as_text=True)
    assert "<h1>" in html and ch.title in html
    assert "<p>" in html  # the Markdown prompt is rendered, not shown as source
    for column in ch.column_names:
        assert f"<code>{column}</code>" in html
    for hint in ch.hints:
        assert hint not in html


def test_hints_come_one_at_a_time_and_stop_at_the_last(client, practice):
    ch = challenges.get("new_best_friend")
    assert client.get(f"/api/challenges/{ch.id}").get_json()["hints"] == []
    for shown in range(1, len(ch.hints) + 2):
        answer = post(client, f"/api/challenges/{ch.id}/hint").get_json()
        assert answer["hints"] == list(ch.hints[:min(shown, len(ch.hints))])
    assert practice.progress.hints(ch.id) == len(ch.hints)
    assert client.get(f"/api/challenges/{ch.id}").get_json()["hints"] == list(ch.hints)


def test_the_starter_query_runs_as_it_is(client):
    info = client.get("/api/challenges/first_touch_attribution").get_json()
    answer = post(client, "/api/run", {"challenge": info["id"], "sql": info["starter"], "dialect": None}).get_json()
    assert answer["status"] == "ok", answer
    assert answer["total_rows"] == len(answer["rows"]) == 10


def test_run_shows_the_first_rows_with_names_and_types(client, small):
    sql = "SELECT USER_ID, SESSION_TS, WATCH_MINUTES, DEVICE FROM SESSIONS ORDER BY SESSION_ID"
    answer = post(client, "/api/run", {"challenge": "rolling_watch_time", "sql": sql, "dialect": "postgres"}).get_json()
    assert answer["status"] == "ok", answer
    assert [(c["name"].lower(), c["type"]) for c in answer["columns"]] == [
        ("user_id", "BIGINT"), ("session_ts", "TIMESTAMP"), ("watch_minutes", "DOUBLE"), ("device", "VARCHAR")]
    total = small.one("SELECT count(*) FROM sessions")[0]
    assert answer["total_rows"] == total and len(answer["rows"]) == RUN_ROWS
    first = small.one("SELECT user_id, watch_minutes, device FROM sessions ORDER BY session_id LIMIT 1")
    assert (answer["rows"][0][0], answer["rows"][0][2], answer["rows"][0][3]) == first


def test_run_explains_a_query_that_cannot_run(client):
    answer = post(client, "/api/run", {"challenge": "srm_check", "sql": "SELECT FROM WHERE", "dialect": "mysql"}).get_json()
    assert answer["status"] == "error" and answer["kind"] == "parse" and answer["line"] == 1
    answer = post(client, "/api/run", {"challenge": "srm_check", "sql": "COPY users TO '/tmp/x.csv'"}).get_json()
    assert answer["status"] == "error" and answer["kind"] in ("forbidden", "not_a_query", "parse"), answer


def test_a_wrong_answer_then_the_right_one_and_the_progress_remembers(client, practice):
    cid = "first_touch_attribution"
    wrong = post(client, "/api/submit", {"challenge": cid, "sql": WRONG_LAST_TOUCH, "dialect": None}).get_json()
    assert wrong["status"] == "wrong" and wrong["dialect"] == "postgres"
    diff = wrong["diff"]
    assert diff["columns"] == ["user_id", "channel"] and diff["missing"] > 0
    assert wrong["progress"]["attempts"] == 1 and not wrong["progress"].get("solved")
    listed = {c["id"]: c["progress"] for c in client.get("/api/challenges").get_json()}
    assert listed[cid] == "attempted"

    right = challenges.get(cid).solution
    passed = post(client, "/api/submit", {"challenge": cid, "sql": right, "dialect": "duckdb"}).get_json()
    assert passed["status"] == "pass" and passed["passed"] is True
    assert passed["progress"]["solved"] is True and passed["progress"]["attempts"] == 2

    again = Progress(practice.progress.path).get(cid)  # what a new session reads from the file
    assert again["solved"] and again["last_sql"] == right and again["last_dialect"] == "duckdb"
    info = client.get(f"/api/challenges/{cid}").get_json()
    assert info["progress"] == "solved" and info["last_sql"] == right

    post(client, "/api/submit", {"challenge": cid, "sql": WRONG_LAST_TOUCH})
    assert Progress(practice.progress.path).get(cid)["solved"] is True  # a later miss does not unsolve it


def test_cancel_stops_a_long_query_and_the_next_one_runs(client):
    answers = []
    running = threading.Thread(target=lambda: answers.append(
        post(client, "/api/run", {"challenge": "srm_check", "sql": SLOW}).get_json()))
    running.start()
    time.sleep(1.0)  # let it reach the worker; a cancel before it starts is also honoured
    started = time.monotonic()
    assert post(client, "/api/cancel").get_json() == {"cancelled": True}
    running.join(60)
    assert not running.is_alive()
    assert answers[0]["status"] == "error" and answers[0]["kind"] == "cancelled", answers[0]
    assert time.monotonic() - started < 30  # far below the challenge's own time limit
    after = post(client, "/api/run", {"challenge": "srm_check", "sql": "SELECT 1 AS one"}).get_json()
    assert after["status"] == "ok" and after["rows"] == [[1]]


@pytest.mark.parametrize("host", ["evil.example", "192.168.1.5:8321", "127.0.0.1.evil.example"])
def test_requests_for_another_host_are_refused(client, host):
    assert client.get("/", headers={"Host": host}).status_code == 403
    assert client.post("/api/run", json={}, headers={"Host": host}).status_code == 403


def test_posts_must_be_json_and_sized(client):
    form = client.post("/api/submit", data={"challenge": "srm_check", "sql": "SELECT 1"})
    assert form.status_code == 415 and form.get_json()["kind"] == "request"
    big = client.post("/api/run", json={"challenge": "srm_check", "sql": "SELECT 1 " + " " * 2_100_000})
    assert big.status_code == 413
    assert post(client, "/api/run", {"challenge": "srm_check"}).status_code == 400
    unknown = post(client, "/api/run", {"challenge": "no_such_one", "sql": "SELECT 1"})
    assert unknown.status_code == 404 and "no_such_one" in unknown.get_json()["message"]
    assert client.get("/c/no_such_one").status_code == 404
