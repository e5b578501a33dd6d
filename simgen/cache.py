"""Where simgen keeps what it can rebuild: $SIMGEN_CACHE, default ~/.cache/simgen.

Expected results, native DuckDB copies, generated stream datasets and their sorted runs, and
the hints a person has seen all live under this one root, never inside a dataset.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_root() -> Path:
    return Path(os.environ.get("SIMGEN_CACHE") or Path.home() / ".cache" / "simgen")
