"""Where the events come from: the batch dataset, sorted by event time once, read a slice at a time.

The stream never re-implements generation: it replays a dataset that `simgen.sim.engine.generate`
wrote (into the cache, or one given with --data). Parts hold rows member by member, not in
time order, so a one-off pass sorts each event kind into one time-sorted Parquet run (DuckDB,
out of core under a memory limit). The runs are cached beside the dataset, keyed by the
dataset's file checksums, and appear only when complete.

Replay is then a k-way merge of seven sorted runs in bounded memory: each run buffers a few
batches, and each slice ends where the first run would pass `slice_rows` rows, so a slice is a
few hundred thousand events whatever the dataset size. Rows with equal times never straddle
two slices, so `event_id` (the position in this canonical order) does not depend on slicing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .. import __version__
from ..cache import cache_root, is_sealed, seal
from ..dataset import Dataset, file_sha256 as _sha256
from ..errors import DatasetError
from ..sim.writer import AtomicDir
from ..spec import table as contract_table
from .events import KINDS, PAYLOAD, Kind

RUNS_FORMAT = 1  # bump when the run files change shape: old caches are then ignored
SLICE_ROWS = 65_536
BATCH_ROWS = 16_384
SORT_MEMORY = "1GB"
NEVER = np.iinfo(np.int64).max

if TYPE_CHECKING:
    from ..sim.engine import Config

Log = Callable[[str], None]


def dataset_path(cfg: Config) -> Path:
    """The cached dataset for (profile, users, seed, simgen version)."""
    return cache_root() / "datasets" / f"{cfg.profile.name}-{cfg.users}-s{cfg.seed}-v{__version__}"


def is_complete(dataset: Path) -> bool:
    """A cached dataset is usable iff it has a manifest (its directory is renamed into place
    last) and its files are the ones sealed (simgen.cache): the first use, and any use after a
    file changed, verifies it against its manifest (`simgen verify`) and seals it again. A
    damaged one is generated again by the caller, replacing it."""
    from ..verify import verify

    return (dataset / "manifest.json").is_file() and is_sealed(dataset, check=lambda d: verify(d).ok)


# ---------------------------------------------------------------- time-sorted runs
def _runs_key(ds: Dataset) -> str:
    """Content key of the event tables: their files' checksums, plus the run format."""
    h = hashlib.sha256(f"runs-{RUNS_FORMAT}".encode())
    for name in sorted({t for k in KINDS for t in k.tables}):
        for f in ds.table(name).files:
            h.update(f"{f.path}:{f.sha256}".encode())
    return h.hexdigest()[:20]


def ensure_runs(ds: Dataset, log: Log) -> Path:
    """The time-sorted runs of the dataset, built once into the cache."""
    runs = cache_root() / "stream" / f"runs-{_runs_key(ds)}"
    if (runs / "runs.json").is_file() and is_sealed(runs, check=_runs_whole):  # renamed into place when complete
        return runs
    log(f"sorting the dataset's events by time into {runs} (once per dataset)")
    try:
        with AtomicDir(runs, force=True) as tmp:
            counts = _sort_runs(ds, tmp)
            files = {p.name: _sha256(p) for p in sorted(tmp.glob("*.parquet"))}
            (tmp / "runs.json").write_text(json.dumps({"format": RUNS_FORMAT, "rows": counts, "files": files},
                                                      indent=2) + "\n")
    except duckdb.InterruptException:
        raise KeyboardInterrupt from None  # DuckDB's word for a Ctrl-C during the sort
    seal(runs)
    return runs


def _runs_whole(runs: Path) -> bool:
    """The runs are exactly the files runs.json lists, with their checksums."""
    try:
        listed = json.loads((runs / "runs.json").read_text())["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    present = sorted(p.name for p in runs.iterdir() if p.name != "runs.json")
    return isinstance(listed, dict) and present == sorted(listed) and all(
        _sha256(runs / name) == digest for name, digest in listed.items())


def _sort_runs(ds: Dataset, out: Path) -> dict[str, int]:
    spill = out / "spill"
    con = duckdb.connect(config={"memory_limit": SORT_MEMORY, "temp_directory": str(spill),
                                 "threads": os.cpu_count() or 1})
    counts = {}
    try:
        for kind in KINDS:
            path = out / f"{kind.event_type}.parquet"
            con.execute(f"COPY ({_run_sql(ds, kind)}) TO {_sql_text(path)} (FORMAT parquet, ROW_GROUP_SIZE 65536)")
            counts[kind.event_type] = pq.ParquetFile(path).metadata.num_rows
    except duckdb.InvalidInputException as e:
        raise DatasetError(f"cannot replay {ds.root}: {e}") from None
    finally:
        con.close()
    shutil.rmtree(spill, ignore_errors=True)
    return counts


def _run_sql(ds: Dataset, kind: Kind) -> str:
    """SELECT event_time, payload... of one kind, sorted by (event_time, key)."""

    def scan(name: str) -> str:
        files = ", ".join(_sql_text(path) for path in ds.paths(name))
        return f"read_parquet([{files}])"

    first, *aligned = kind.tables
    sources = [f"{scan(first)} AS t0"] + [f"POSITIONAL JOIN {scan(n)} AS t{i + 1}" for i, n in enumerate(aligned)]
    checks = [f"CASE WHEN t0.{_join_key(n)} = t{i + 1}.{_join_key(n)} THEN TRUE "
              f"ELSE error('{n} is not aligned row for row with {first}') END" for i, n in enumerate(aligned)]
    owner: dict[str, str] = {}  # column -> the alias of the first table that has it
    for i, name in enumerate(kind.tables):
        for c in contract_table(name).column_names:
            owner.setdefault(c, f"t{i}")
    cols = [f"{kind.replace.get(c, f'{owner[c]}.{c}')} AS {c}" for c in kind.columns]
    return (f"SELECT {kind.time} AS event_time, {', '.join(cols)} FROM {' '.join(sources)} "
            f"WHERE {' AND '.join([kind.where, *checks])} ORDER BY event_time, {kind.key}")


def _sql_text(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _join_key(name: str) -> str:
    return contract_table(name).column_names[0]


# ---------------------------------------------------------------- canonical slices
class _Run:
    """One kind's time-sorted run, read a batch at a time; a buffer of rows not yet replayed."""

    def __init__(self, path: Path, batch_rows: int):
        # no pre-buffering: it would hold a whole row group of every column per run (4x the memory)
        self._batches = pq.ParquetFile(path, pre_buffer=False).iter_batches(batch_size=batch_rows)
        self.rows: pa.Table | None = None
        self.times = np.empty(0, np.int64)
        self.done = False

    def fill(self, rows: int) -> None:
        """Buffer more than `rows` rows, and more than one instant, unless the run ends first.

        With two instants buffered, every row at the first one is: a slice that must end just
        after it (a wall of ties) never splits an instant between slices."""
        while not self.done and (self.times.size <= rows or self.times[0] == self.times[-1]):
            batch = next(self._batches, None)
            if batch is None:
                self.done = True
                break
            new = pa.Table.from_batches([batch])
            self.rows = new if self.rows is None else pa.concat_tables([self.rows, new])
            self.times = np.concatenate([self.times, _micros(new["event_time"])])

    def horizon(self, rows: int) -> int:
        """The time of the first row past `rows` (a slice must end there), or NEVER."""
        return int(self.times[rows]) if self.times.size > rows else NEVER

    def take_before(self, bound: int) -> pa.Table | None:
        k = int(np.searchsorted(self.times, bound, "left"))
        if self.rows is None or k == 0:
            return None
        out, self.rows, self.times = self.rows.slice(0, k), self.rows.slice(k), self.times[k:].copy()
        return out


def _micros(col: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return np.asarray(col.cast(pa.int64()), dtype=np.int64) if len(col) else np.empty(0, np.int64)


@dataclass
class Slice:
    """Events in canonical order with times below `bound`; every later event is at or after it."""

    table: pa.Table  # _kind (int8), event_time, payload columns, event_id
    bound: int  # microseconds since the epoch, exclusive


def slices(runs: Path, until_us: int = NEVER, slice_rows: int = SLICE_ROWS) -> Iterator[Slice]:
    """Merge the kinds' runs into canonical event-time order, one bounded slice at a time."""
    readers = [_Run(runs / f"{k.event_type}.parquet", min(BATCH_ROWS, slice_rows)) for k in KINDS]
    next_id = 0
    while True:
        for r in readers:
            r.fill(slice_rows)
        live = [r for r in readers if r.times.size]
        if not live:
            return
        first = min(int(r.times[0]) for r in live)
        if first >= until_us:
            return
        bound = max(min(r.horizon(slice_rows) for r in readers), first + 1)  # progress even on a tie wall
        bound = min(bound, until_us)
        table = _merge([r.take_before(bound) for r in readers])
        table = table.append_column("event_id", pa.array(np.arange(next_id, next_id + table.num_rows)))
        next_id += table.num_rows
        yield Slice(table, bound)
        if bound >= until_us:
            return


def _merge(parts: list[pa.Table | None]) -> pa.Table:
    """Widen each kind's rows to the payload schema, then order by time, kind, key.

    Parts come in kind order and each is sorted by (time, key), so a stable sort by time
    alone gives the canonical order.
    """
    present = [(k, p) for k, p in enumerate(parts) if p is not None]
    kind = np.concatenate([np.full(p.num_rows, k, np.int8) for k, p in present])
    times = np.concatenate([_micros(p["event_time"]) for _, p in present])
    cols = {"_kind": [pa.array(kind)], "event_time": [c for _, p in present for c in p["event_time"].chunks]}
    for f in PAYLOAD:
        cols[f.name] = [c for _, p in present
                        for c in (p[f.name].chunks if f.name in p.column_names else [pa.nulls(p.num_rows, f.type)])]
    table = pa.table({name: pa.chunked_array(chunks, type=_SLICE_TYPES[name]) for name, chunks in cols.items()})
    return table.take(pa.array(np.argsort(times, kind="stable"))).combine_chunks()


_SLICE_TYPES = {"_kind": pa.int8(), "event_time": pa.timestamp("us"), **{f.name: f.type for f in PAYLOAD}}
