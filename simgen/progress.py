"""A person's progress through the challenge pack, kept on this machine in one JSON file.

    progress = Progress()                      # $SIMGEN_STATE/progress.json, else ~/.local/state/simgen/
    progress.reveal_hint("cohort_retention", available=3)   # -> hints now shown
    progress.record("cohort_retention", verdict, sql, "postgres")
    progress.get("cohort_retention")           # {"hints": 1, "attempts": 2, "solved": True, ...}

`simgen hint`, `simgen check` and the practice page (`simgen serve`) all write here, so a hint
seen in the terminal stays seen in the browser and a challenge solved in either is solved in
both. Each change is a read-modify-write under an exclusive lock, written to a temporary file
and renamed, so two processes never lose each other's update and a crash never leaves half a
file. A file that cannot be read as progress is kept aside (progress.json.unreadable-<time>),
never overwritten: nothing a person did is silently lost.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from simgen.cache import cache_root, temp_beside

if TYPE_CHECKING:
    from simgen.grader.verdict import Verdict

MAX_SQL_CHARS = 100_000  # what is kept of a submission's text: enough for any real query


def state_root() -> Path:
    """Where simgen keeps what a person did (not a cache: never removed to save space)."""
    explicit = os.environ.get("SIMGEN_STATE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / "simgen"


class Progress:
    """Per challenge: hints shown, attempts, solved, and the last query submitted (and its dialect)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else state_root() / "progress.json"

    # -- reading ---------------------------------------------------------------------------------
    def all(self) -> dict[str, dict]:
        """{challenge id: its entry} for every challenge touched so far."""
        return self._load()

    def get(self, challenge: str) -> dict:
        return dict(self._load().get(challenge, {}))

    def hints(self, challenge: str) -> int:
        return int(self.get(challenge).get("hints", 0))

    # -- changing --------------------------------------------------------------------------------
    def reveal_hint(self, challenge: str, available: int) -> int:
        """Show one more hint (up to `available`); returns how many are now shown."""
        with self._change() as entries:
            entry = entries.setdefault(challenge, {})
            entry["hints"] = min(int(entry.get("hints", 0)) + 1, available)
            return entry["hints"]

    def reset_hints(self, challenge: str) -> None:
        with self._change() as entries:
            entries.get(challenge, {}).pop("hints", None)

    def record(self, challenge: str, verdict: Verdict, sql: str | None = None, dialect: str | None = None) -> dict:
        """Count an attempt; a pass marks the challenge solved for good (a later wrong answer
        does not unsolve it). Returns the entry as it now is."""
        with self._change() as entries:
            entry = entries.setdefault(challenge, {})
            entry["attempts"] = int(entry.get("attempts", 0)) + 1
            entry["last_status"] = verdict.status
            entry["last_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
            if verdict.passed:
                entry["solved"] = True
                entry.setdefault("solved_at", entry["last_at"])
            if sql is not None:
                entry["last_sql"] = sql[:MAX_SQL_CHARS]
                entry["last_dialect"] = dialect
            return dict(entry)

    # -- the file --------------------------------------------------------------------------------
    def _load(self) -> dict[str, dict]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return self._from_hint_log()
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
                raise ValueError("not an object of objects")
        except ValueError:
            self._set_aside()
            return {}
        return data

    def _from_hint_log(self) -> dict[str, dict]:
        """Hints seen before progress was kept here (the older ~/.cache/simgen/hints.json)."""
        try:
            old = json.loads((cache_root() / "hints.json").read_text(encoding="utf-8"))
            return {str(k): {"hints": int(v)} for k, v in old.items()}
        except (OSError, ValueError, AttributeError, TypeError):
            return {}

    def _set_aside(self) -> None:
        try:
            os.replace(self.path, self.path.with_name(f"{self.path.name}.unreadable-{time.strftime('%Y%m%d%H%M%S')}"))
        except OSError:
            pass

    @contextmanager
    def _change(self) -> Iterator[dict[str, dict]]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            entries = self._load()
            yield entries
            tmp = temp_beside(self.path)
            try:
                tmp.write_text(json.dumps(entries, indent=1, sort_keys=True, ensure_ascii=False), encoding="utf-8")
                os.replace(tmp, self.path)
            finally:
                tmp.unlink(missing_ok=True)
