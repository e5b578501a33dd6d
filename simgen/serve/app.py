"""The practice page's web app (Flask): pages for people, a small JSON API for the page's script.

    GET  /                          the challenges, with difficulty, family, tags and progress
    GET  /c/<id>                    one challenge: prompt, output columns, editor, Run / Submit
    GET  /api/challenges            the list as JSON
    GET  /api/challenges/<id>       one challenge as JSON (starter query, hints shown so far)
    POST /api/challenges/<id>/hint  reveal the next hint; answers the hints shown so far
    POST /api/run     {challenge, sql, dialect}    the first rows of the result, typed
    POST /api/submit  {challenge, sql, dialect}    the verdict, the diff, the progress
    POST /api/cancel                               stop the query running now

It listens on the loopback interface only, and it is still reachable by any page the person's
browser opens, so every POST must be JSON (a cross-site form cannot send that without a CORS
preflight, which this app never grants) and every request must name this machine in its Host
header (a DNS-rebinding page cannot). Hints are sent one at a time, never in the page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, abort, jsonify, render_template, request
from markdown_it import MarkdownIt

from simgen import challenges
from simgen.errors import SimgenError
from simgen.grader.dialects import ALIASES, DIALECTS
from simgen.serve.practice import Practice

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
MAX_SQL_CHARS = 1_000_000  # the submission reader's own cap, checked before anything is prepared
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")


def create_app(practice: Practice) -> Flask:
    app = Flask(__name__)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.config["MAX_CONTENT_LENGTH"] = 2 * MAX_SQL_CHARS

    @app.before_request
    def only_this_machine():
        if not _local(request.host):
            abort(403, "this practice page answers requests for 127.0.0.1 or localhost only")
        if request.method == "POST" and not request.is_json:
            abort(415, "send JSON (Content-Type: application/json)")

    @app.get("/")
    def index():
        done = practice.progress.all()
        rows = [dict(_summary(ch), progress=_state(done.get(ch.id, {}))) for ch in challenges.all_challenges()]
        solved = sum(r["progress"] == "solved" for r in rows)
        return render_template("index.html", challenges=rows, solved=solved, datasets=practice.datasets)

    @app.get("/c/<cid>")
    def challenge_page(cid: str):
        ch = _challenge(cid)
        return render_template("challenge.html", ch=ch, prompt=_MARKDOWN.render(ch.prompt), dialects=list(DIALECTS),
                               progress=_state(practice.progress.get(cid)))

    @app.get("/api/challenges")
    def list_api():
        done = practice.progress.all()
        return jsonify([dict(_summary(ch), progress=_state(done.get(ch.id, {}))) for ch in challenges.all_challenges()])

    @app.get("/api/challenges/<cid>")
    def challenge_api(cid: str):
        ch = _challenge(cid)
        entry = practice.progress.get(cid)
        shown = min(int(entry.get("hints", 0)), len(ch.hints))
        return jsonify({**_summary(ch), "columns": [{"name": c.name, "type": c.type, "meaning": c.meaning}
                                                    for c in ch.columns],
                        "ordered": ch.ordered, "starter": ch.starter, "hints": list(ch.hints[:shown]),
                        "hints_total": len(ch.hints), "progress": _state(entry),
                        "last_sql": entry.get("last_sql"), "last_dialect": entry.get("last_dialect"),
                        "dialect_aliases": ALIASES})

    @app.post("/api/challenges/<cid>/hint")
    def hint_api(cid: str):
        ch = _challenge(cid)
        shown = practice.progress.reveal_hint(cid, len(ch.hints)) if ch.hints else 0
        return jsonify({"hints": list(ch.hints[:shown]), "hints_total": len(ch.hints)})

    @app.post("/api/run")
    def run_api():
        cid, sql, dialect = _query()
        return jsonify(practice.run(cid, sql, dialect))

    @app.post("/api/submit")
    def submit_api():
        cid, sql, dialect = _query()
        return jsonify(practice.submit(cid, sql, dialect))

    @app.post("/api/cancel")
    def cancel_api():
        practice.cancel()
        return jsonify({"cancelled": True})

    @app.errorhandler(400)
    @app.errorhandler(403)
    @app.errorhandler(404)
    @app.errorhandler(413)
    @app.errorhandler(415)
    def http_error(error):
        if request.path.startswith("/api/"):
            return jsonify({"status": "error", "kind": "request", "message": error.description}), error.code
        return render_template("error.html", message=error.description), error.code

    return app


def _local(host: str) -> bool:
    """A Host header naming this machine (any port); a malformed one is not."""
    try:
        return urlsplit(f"//{host}").hostname in LOCAL_HOSTS
    except ValueError:
        return False


def _challenge(cid: str) -> challenges.Challenge:
    try:
        return challenges.get(cid)
    except SimgenError as error:
        abort(404, str(error))


def _summary(ch: challenges.Challenge) -> dict[str, Any]:
    return {"id": ch.id, "title": ch.title, "difficulty": ch.difficulty, "family": ch.family,
            "tags": list(ch.tags), "tables": list(ch.tables)}


def _state(entry: dict) -> str:
    """solved, attempted or new: what the list shows."""
    if entry.get("solved"):
        return "solved"
    return "attempted" if entry.get("attempts") else "new"


def _query() -> tuple[str, str, str | None]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, "send a JSON object: {challenge, sql, dialect}")
    cid, sql, dialect = body.get("challenge"), body.get("sql"), body.get("dialect") or None
    if not isinstance(cid, str) or not isinstance(sql, str) or not (dialect is None or isinstance(dialect, str)):
        abort(400, "challenge and sql must be text (dialect too, when given)")
    if len(sql) > MAX_SQL_CHARS:
        abort(413, f"the query is longer than {MAX_SQL_CHARS:,} characters")
    _challenge(cid)
    return cid, sql, dialect
