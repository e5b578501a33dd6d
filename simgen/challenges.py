"""The challenge bank on disk: what a candidate sees and what the grader needs.

    challenges/<id>/challenge.toml   title, difficulty, family, tags, tables, output columns, order, key, hints
    challenges/<id>/prompt.md        the prompt, with business context and exact definitions
    challenges/<id>/starter.sql      the editor's first lines (a runnable look at the first table is added)
    expected/<id>/solution.sql       the reference solution (DuckDB SQL)
    expected/<id>/grading.toml       ordered or not, tolerances, the truth.json key it must agree with

Only the grader reads expected/; submissions never see it (the sandbox reads dataset views only).

In a checkout both folders are at the project root; an installed wheel carries them inside the
package, as simgen/pack/challenges and simgen/pack/expected (copied there when the wheel is built,
see setup.py). `bank_root` finds whichever is there.

The module is also callable, so that `simgen.challenges()` (the Python API) and
`from simgen import challenges` (this module) are the same object:

>>> import simgen
>>> [ch.id for ch in simgen.challenges()][:2]
['cluster_experiment', 'cohort_retention']
"""

from __future__ import annotations

import difflib
import os
import sys
import tomllib
import types
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .errors import SimgenError


class UnknownChallenge(SimgenError):
    exit_code = 2


class MissingBank(SimgenError):
    """The challenge pack is not where it should be (a broken install)."""


PACKED = Path(__file__).resolve().parent / "pack"  # in an installed wheel
CHECKOUT = Path(__file__).resolve().parents[1]  # the project root of a checkout (or an editable install)


def bank_root() -> Path:
    """The folder holding challenges/ and expected/: $SIMGEN_BANK if set, else the copy inside
    the installed package, else the checkout's project root."""
    env = os.environ.get("SIMGEN_BANK")
    if env:
        return Path(env)
    return PACKED if (PACKED / "challenges").is_dir() else CHECKOUT


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
    family: str  # what the challenge is about, for grouping: experiments, engagement, social graph...
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
    starter: str = ""  # challenges/<id>/starter.sql: what a person's editor starts from
    # Time limit rule (simgen/grader/timelimit.py): max(time_floor_s, time_multiple x reference time).
    time_multiple: float = 10.0
    time_floor_s: float = 30.0
    # The output columns that identify one expected row (empty: one row, or no natural key): a
    # wrong answer's rows are shown side by side by these (simgen/grader/compare.py).
    key: tuple[str, ...] = ()

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
        id=meta["id"], title=meta["title"], difficulty=meta["difficulty"], family=meta.get("family", "other"),
        tags=tuple(meta.get("tags", ())),
        tables=tuple(meta["tables"]), order=meta["order"], columns=cols, hints=tuple(meta.get("hints", ())),
        prompt=(root / "challenges" / cid / "prompt.md").read_text(encoding="utf-8"),
        solution=(root / "expected" / cid / "solution.sql").read_text(encoding="utf-8"),
        ordered=bool(grading.get("ordered", False)), truth_key=grading.get("truth"),
        starter=_starter(root / "challenges" / cid / "starter.sql", meta["tables"]),
        **_time_limit(cid, grading.get("time_limit", {})), key=_key(cid, meta.get("key", []), cols),
    )


def _starter(path: Path, tables: list[str]) -> str:
    """The starter file's header (the dialect line and what to do), then a query that runs as it
    is and shows the challenge's first table, so Run answers at once with real rows."""
    header = path.read_text(encoding="utf-8").rstrip() if path.is_file() else "-- dialect: duckdb"
    return f"{header}\nSELECT *\nFROM {tables[0]}\nLIMIT 10\n"


def _key(cid: str, names: object, columns: tuple[OutputColumn, ...]) -> tuple[str, ...]:
    """`key` of challenge.toml: a list of output column names; a typo would silently pair
    nothing, so it is refused when the bank loads."""
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise SimgenError(f"{cid}: key must be a list of output column names, not {names!r}")
    known = [c.name for c in columns]
    for name in names:
        if name not in known:
            raise SimgenError(f"{cid}: key names {name!r}, which is not an output column ({', '.join(known)})")
    return tuple(names)


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
    """Every challenge by id, sorted by id; MissingBank if there is no challenge pack."""
    root = root or bank_root()
    folder = root / "challenges"
    if not folder.is_dir():
        raise MissingBank(f"no challenge pack in {folder}: reinstall simgen, or set SIMGEN_BANK to a folder "
                          "holding challenges/ and expected/")
    ids = sorted(p.name for p in folder.iterdir() if (p / "challenge.toml").is_file())
    return {cid: _load(root, cid) for cid in ids}


def all_challenges() -> list[Challenge]:
    """The challenge bank as a list, sorted by id: what `simgen.challenges()` returns.

    >>> ch = all_challenges()[0]  # doctest: +SKIP
    >>> ch.id, ch.difficulty, ch.column_names  # doctest: +SKIP
    ('cluster_experiment', 'hard', ['treatment_mean', 'control_mean', 'effect'])
    """
    return list(bank().values())


def get(cid: str) -> Challenge:
    known = bank()
    if cid not in known:
        close = difflib.get_close_matches(cid, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(known)}"
        raise UnknownChallenge(f"unknown challenge {cid!r}{hint}")
    return known[cid]


class _CallableModule(types.ModuleType):
    """This module, callable: `simgen.challenges()` lists the bank (see the module docstring).
    A plain function of that name in simgen/__init__.py would be replaced by this module the
    moment anything imports it."""

    def __call__(self) -> list[Challenge]:
        return all_challenges()


sys.modules[__name__].__class__ = _CallableModule
