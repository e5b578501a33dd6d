"""Where a chunk task's Parquet parts go. One encoder, three destinations:

    LocalSink(root)       a local folder (the run's temporary directory): local worker processes
    ReturnSink()          back to the driver inside the task's result, which writes them: a Dask
                          cluster writing a local --out (its workers share no filesystem with it)
    FsspecSink(url)       an fsspec URL (s3://, gs://, abfs://, file://...): each worker writes
                          its own parts there; the driver writes the manifest last

Every sink writes the same bytes for the same rows (Parquet written to memory or to a file by
the same writer with the same options), so the destination never changes a dataset.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pyarrow as pa
import pyarrow.parquet as pq

from ..dataset import DataFile
from ..spec import Table
from .writer import COMPRESSION, COMPRESSION_LEVEL, ROW_GROUP_ROWS, naming, to_arrow


def part_path(table: Table, part: int) -> str:
    return f"{table.name}/part-{part:05d}.parquet"


def write_parquet(data: pa.Table, table: Table, where) -> None:
    """The one place a part is encoded: `where` is a path or a writable Arrow stream."""
    pq.write_table(data, where, compression=COMPRESSION, compression_level=COMPRESSION_LEVEL,
                   row_group_size=ROW_GROUP_ROWS, use_dictionary=[c.name for c in table.columns if c.dictionary],
                   write_statistics=True)


def encode(table: Table, columns: dict[str, object]) -> tuple[pa.Buffer, int]:
    """A part in memory: its Parquet bytes and row count."""
    data = to_arrow(table, columns)
    out = pa.BufferOutputStream()
    write_parquet(data, table, out)
    return out.getvalue(), data.num_rows


def described(path: str, payload: pa.Buffer | bytes, rows: int) -> DataFile:
    return DataFile(path, rows, len(payload), hashlib.sha256(memoryview(payload)).hexdigest())


class Sink(Protocol):
    def put(self, table: Table, part: int, columns: dict[str, object]) -> DataFile: ...


@dataclass(frozen=True)
class LocalSink:
    root: str

    def put(self, table: Table, part: int, columns: dict[str, object]) -> DataFile:
        rel = part_path(table, part)
        path = Path(self.root) / rel
        data = to_arrow(table, columns)
        with naming(path):
            path.parent.mkdir(parents=True, exist_ok=True)
            write_parquet(data, table, path)
        return DataFile.of(Path(self.root), rel, data.num_rows)


@dataclass
class ReturnSink:
    """Keeps the parts' bytes; they travel back with the task's result (`payloads`)."""

    payloads: dict[str, bytes] = field(default_factory=dict)

    def put(self, table: Table, part: int, columns: dict[str, object]) -> DataFile:
        payload, rows = encode(table, columns)
        rel = part_path(table, part)
        self.payloads[rel] = payload.to_pybytes()
        return described(rel, payload, rows)


@dataclass(frozen=True)
class FsspecSink:
    url: str
    storage_options: tuple[tuple[str, object], ...] = ()

    def filesystem(self):
        import fsspec

        fs, root = fsspec.core.url_to_fs(self.url, **dict(self.storage_options))
        return fs, root.rstrip("/")

    def put(self, table: Table, part: int, columns: dict[str, object]) -> DataFile:
        payload, rows = encode(table, columns)
        rel = part_path(table, part)
        fs, root = self.filesystem()
        fs.makedirs(f"{root}/{table.name}", exist_ok=True)
        fs.pipe_file(f"{root}/{rel}", payload.to_pybytes())
        return described(rel, payload, rows)


def write_part(root: Path, table: Table, part: int, columns: dict[str, object]) -> DataFile:
    """Write one part file under a local folder and describe it for the manifest."""
    return LocalSink(str(root)).put(table, part, columns)
