"""Expected results: each reference solution's result on each dataset, computed once.

They are cached outside every dataset, under $SIMGEN_CACHE (default ~/.cache/simgen), keyed by
the dataset's manifest and the solution's text, so a new dataset or an edited solution is
recomputed and nothing stale is ever compared. Each file is sealed with its checksum
(simgen.cache.seal) and checked on use: a damaged or edited one is recomputed. Submissions never reach them: the sandbox
exposes only the dataset's tables, and only as views over exact file paths.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import shutil
import time
import uuid
from pathlib import Path

import duckdb
import pyarrow as pa

from simgen.cache import cache_root, discard, forget, is_sealed, seal, sweep_temps, temp_beside
from simgen.locks import private_temp_dir, release
from simgen.challenges import Challenge
from simgen.grader.errors import SandboxError
from simgen.dataset import Dataset, create_views
from simgen.grader.sandbox import dataset_tables


def dataset_key(dataset: Path) -> str:
    """Identity of a dataset's content (Dataset.fingerprint: its manifest, and the size and mtime of
    each file it lists), so a copy with a file replaced is a different key."""
    return Dataset.open(dataset).fingerprint()


def _trusted_connection(dataset: Path, spill: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config={"temp_directory": str(spill), "autoinstall_known_extensions": False,
                                 "autoload_known_extensions": False})
    create_views(con, dataset_tables(dataset))  # the files checked present (a damaged dataset is named)
    return con


def compute(challenge: Challenge, dataset: Path) -> pa.Table:
    """Run the reference solution on the dataset (trusted SQL, a plain DuckDB connection)."""
    spill_root = cache_root() / "spill"
    spill = None
    try:
        spill_root.mkdir(parents=True, exist_ok=True)
        spill, lock = private_temp_dir("compute-", parent=spill_root)  # swept by a later run if we are killed
    except OSError:
        spill, lock = spill_root / uuid.uuid4().hex[:8], None  # a cache we cannot write: DuckDB spills nowhere
    try:
        con = _trusted_connection(Path(dataset), spill)
        return con.sql(challenge.solution).to_arrow_table()
    except duckdb.Error as error:  # e.g. a dataset without a table the challenge needs
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise SandboxError(f"cannot compute the expected result of {challenge.id} on {dataset}: {reason}") from None
    finally:
        shutil.rmtree(spill, ignore_errors=True)
        release(lock)


def _path(challenge: Challenge, dataset: Path) -> Path:
    solution_key = hashlib.sha256(challenge.solution.encode()).hexdigest()[:12]
    return cache_root() / "expected" / dataset_key(dataset) / f"{challenge.id}-{solution_key}.arrow"


def reference_seconds(challenge: Challenge, dataset: Path) -> float | None:
    """Seconds the reference solution took on this dataset, measured when its expected result
    was computed and kept beside it (`<result>.seconds`); None if that was never measured (a
    cache written before the time was kept). Call after `expected`."""
    try:
        value = float(_path(challenge, dataset).with_suffix(".seconds").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if math.isfinite(value) and value >= 0 else None


def expected(challenge: Challenge, dataset: Path) -> pa.Table:
    """The expected result, from the cache or computed and stored (atomically) on first use.

    Stored as an uncompressed Arrow IPC file and memory-mapped on reading: a 23M-row result
    loads in milliseconds instead of the ~3 s Parquet decoding took, at about 3x the disk."""
    path = _path(challenge, dataset)
    if is_sealed(path):
        try:
            return pa.ipc.open_file(pa.memory_map(str(path))).read_all()
        except (pa.ArrowInvalid, OSError):  # sealed yet unreadable: recompute below
            pass
    # Damaged, edited or never sealed: never compared against; recomputed and replaced below.
    started = time.perf_counter()
    table = compute(challenge, dataset)
    seconds = time.perf_counter() - started  # the reference's time here: it sets the time limit
    tmp = temp_beside(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        sweep_temps(path)
        # The time is advisory (it sets the time limit): written before the result is sealed,
        # and a missing or damaged one only means the limit falls back to its floor.
        timing = temp_beside(path.with_suffix(".seconds"))
        timing.write_text(f"{seconds:.6f}\n", encoding="utf-8")
        os.replace(timing, path.with_suffix(".seconds"))
        with pa.OSFile(str(tmp), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
        os.replace(tmp, path)
        seal(path)
    except OSError as error:  # a full or read-only cache: the result is still right, just not kept
        discard(path)
        logging.getLogger("simgen").warning(f"simgen: cannot cache the expected result in {path} "
                                            f"({error.strerror or error}); computed again next time")
    finally:
        forget(tmp)
    return table
