"""simgen: a reproducible Netflix-like dataset with planted ground truth, and a SQL grader over it.

The Python API (simgen/api.py), the command line's operations as functions:

    import simgen

    path = simgen.generate("10k", seed=0, out="data/small")   # -> Path
    con = simgen.open(path)                                    # DuckDB connection, one view per table
    lazy = simgen.scan(path, "sessions")                       # polars LazyFrame
    bank = simgen.challenges()                                 # [Challenge(id, title, difficulty, tags, prompt...)]
    verdict = simgen.check("SELECT ...", "second_highest_salary", data=path)   # Verdict
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from simgen.lazy import lazy_exports

__version__ = "0.1.0"

# Loaded on first use: `import simgen` stays cheap (no numpy, DuckDB, polars or sqlglot), and a
# sandbox worker that imports simgen.grader.worker does not pay for the API. `challenges` is the
# submodule simgen/challenges.py, which is callable (simgen.challenges() lists the bank).
_EXPORTS = {
    "api": ("generate", "open", "scan", "check"),
    "challenges": ("Challenge",),
    "errors": ("SimgenError",),
    "grader.verdict": ("Verdict",),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted([*_WHERE, "challenges", "__version__"])

if TYPE_CHECKING:
    from simgen import challenges
    from simgen.api import check, generate, open, scan  # noqa: A004
    from simgen.challenges import Challenge
    from simgen.errors import SimgenError
    from simgen.grader.verdict import Verdict


_exported = lazy_exports(__name__, _WHERE, globals())


def __getattr__(name: str) -> object:
    if name == "challenges":
        return importlib.import_module("simgen.challenges")  # the import also sets it in globals()
    return _exported(name)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
