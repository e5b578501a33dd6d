"""The challenge bank on disk: what a candidate sees and what the grader needs.

    challenges/<id>/challenge.toml   title, difficulty, tags, tables, output columns, order, hints
    challenges/<id>/prompt.md        the prompt, with business context and exact definitions
    challenges/<id>/starter.sql      an empty starter
    expected/<id>/solution.sql       the reference solution (DuckDB SQL)
    expected/<id>/grading.toml       ordered or not, tolerances, the truth.json key it must agree with

Only the grader reads expected/; submissions never see it (the sandbox reads dataset views only).
"""

from __future__ import annotations

import difflib
import os
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .errors import SimgenError


class UnknownChallenge(SimgenError):
    exit_code = 2


def bank_root() -> Path:
    """The folder holding challenges/ and expected/ (the project root, or $SIMGEN_BANK)."""
    env = os.environ.get("SIMGEN_BANK")
    return Path(env) if env else Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class OutputColumn:
    name: str
    type: str
    meaning: str
    abs_tol: float
    rel_tol: float


@dataclass(frozen=True)
class Challenge:
    id: str
    title: str
    difficulty: str
    tags: tuple[str, ...]
    tables: tuple[str, ...]
    order: str
    columns: tuple[OutputColumn, ...]
    hints: tuple[str, ...]
    prompt: str
    solution: str
    ordered: bool
    truth_key: str | None
    extra: dict = field(default_factory=dict)
    # Time limit rule (simgen/grader/timelimit.py): max(time_floor_s, time_multiple x reference time).
    time_multiple: float = 10.0
    time_floor_s: float = 30.0

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _load(root: Path, cid: str) -> Challenge:
    meta = tomllib.loads((root / "challenges" / cid / "challenge.toml").read_text(encoding="utf-8"))
    grading = tomllib.loads((root / "expected" / cid / "grading.toml").read_text(encoding="utf-8"))
    per_col = grading.get("columns", {})
    cols = tuple(
        OutputColumn(c["name"], c["type"], c.get("meaning", ""),
                     float(per_col.get(c["name"], {}).get("abs_tol", grading.get("abs_tol", 0.0))),
                     float(per_col.get(c["name"], {}).get("rel_tol", grading.get("rel_tol", 0.0))))
        for c in meta["columns"]
    )
    return Challenge(
        id=meta["id"], title=meta["title"], difficulty=meta["difficulty"], tags=tuple(meta.get("tags", ())),
        tables=tuple(meta["tables"]), order=meta["order"], columns=cols, hints=tuple(meta.get("hints", ())),
        prompt=(root / "challenges" / cid / "prompt.md").read_text(encoding="utf-8"),
        solution=(root / "expected" / cid / "solution.sql").read_text(encoding="utf-8"),
        ordered=bool(grading.get("ordered", False)), truth_key=grading.get("truth"),
        **_time_limit(cid, grading.get("time_limit", {})),
    )


def _time_limit(cid: str, table: dict) -> dict[str, float]:
    """`[time_limit]` of grading.toml: `multiple` and `floor_s`, both positive numbers."""
    from simgen.grader.timelimit import DEFAULT_FLOOR_S, DEFAULT_MULTIPLE

    unknown = set(table) - {"multiple", "floor_s"}
    if unknown:
        raise SimgenError(f"{cid}: unknown [time_limit] keys {sorted(unknown)}; known: multiple, floor_s")
    values = {"time_multiple": table.get("multiple", DEFAULT_MULTIPLE), "time_floor_s": table.get("floor_s", DEFAULT_FLOOR_S)}
    for key, value in values.items():
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
            raise SimgenError(f"{cid}: [time_limit] {key.removeprefix('time_')} must be a positive number, not {value!r}")
    return {key: float(value) for key, value in values.items()}


@cache
def bank(root: Path | None = None) -> dict[str, Challenge]:
    root = root or bank_root()
    ids = sorted(p.name for p in (root / "challenges").iterdir() if (p / "challenge.toml").is_file())
    return {cid: _load(root, cid) for cid in ids}


def get(cid: str) -> Challenge:
    known = bank()
    if cid not in known:
        close = difflib.get_close_matches(cid, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(known)}"
        raise UnknownChallenge(f"unknown challenge {cid!r}{hint}")
    return known[cid]
