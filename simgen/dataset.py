"""A simgen dataset as one typed object: its manifest, the files of each table, its identity, its
checksums and its verification. Every part reads datasets through here and raises one error,
DatasetError:

    ds = Dataset.open("data/default")          # the manifest, checked as untrusted input
    ds.users, ds.seed, ds.profile              # the identity it records
    ds.paths("sessions")                       # the table's Parquet files, as the manifest lists them
    ds.parquet()                               # {table: [absolute paths]}: what the grader's workers read
    ds.fingerprint()                           # content identity, keys the grader's caches
    ds.verify()                                # every file against its size, sha256 and row count

The generator describes what it wrote with `DataFile.of` and writes the manifest with
`write_manifest`, last: a directory without a manifest is not a dataset. Nothing here finds
files by listing a directory: what a dataset holds is what its manifest says, and `verify` reports
anything else it finds there.

A manifest is read as untrusted input: every key present must have its type, every path must
be a plain relative path inside the dataset (no '..', no absolute path), and the keys in
`require` must be present.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simgen.errors import DatasetError

if TYPE_CHECKING:
    import duckdb

    from simgen.verify import Report

MANIFEST = "manifest.json"
MAX_USERS = 2**31 - 1
SEED_LIMIT = 2**63
# Top-level keys of a manifest and their JSON types; `simgen verify` requires them all.
MANIFEST_KEYS: dict[str, Any] = {"simgen_version": str, "seed": int, "users": int, "profile": str,
                                 "chunk_users": int, "created_at": str, "seconds": (int, float), "tables": dict,
                                 "truth": dict}
_FILE_KEYS = {"path": str, "rows": int, "bytes": int, "sha256": str}
_TRUTH_KEYS = {"path": str, "sha256": str}
_SHA256 = re.compile(r"[0-9a-f]{64}")
_TABLE = re.compile(r"[a-z][a-z0-9_]*")


def file_sha256(path: Path, block: int = 1 << 20) -> str:
    """The checksum a manifest records for a file."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(block):
            h.update(chunk)
    return h.hexdigest()


@dataclass(frozen=True)
class DataFile:
    """One file of a dataset: its path relative to the dataset, rows (Parquet), bytes and sha256."""

    path: str
    rows: int
    bytes: int
    sha256: str

    @classmethod
    def of(cls, root: Path, path: str, rows: int) -> DataFile:
        """Describe a file just written under `root` (size and checksum read back from disk)."""
        full = Path(root) / path
        return cls(path, rows, full.stat().st_size, file_sha256(full))

    def to_json(self) -> dict:
        return {"path": self.path, "rows": self.rows, "bytes": self.bytes, "sha256": self.sha256}


@dataclass(frozen=True)
class TruthFile:
    path: str
    sha256: str


@dataclass(frozen=True)
class Table:
    name: str
    rows: int
    files: tuple[DataFile, ...]


@dataclass(frozen=True)
class Dataset:
    """A dataset's manifest, checked and typed. A key the manifest lacks is None here (`open`'s
    `require` makes the ones a caller needs mandatory)."""

    root: Path
    tables: Mapping[str, Table]
    simgen_version: str | None = None
    seed: int | None = None
    users: int | None = None
    profile: str | None = None
    chunk_users: int | None = None
    created_at: str | None = None
    seconds: float | None = None
    truth: TruthFile | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)  # the manifest as read

    # -- reading ---------------------------------------------------------------------------------
    @classmethod
    def open(cls, root: str | os.PathLike, require: Iterable[str] = ("tables",)) -> Dataset:
        """Read and check DATASET/manifest.json; DatasetError naming what is wrong otherwise."""
        root = Path(root)
        path = root / MANIFEST
        if not root.is_dir():
            raise DatasetError(f"{str(root)!r} is not a directory")
        if not path.is_file():
            raise DatasetError(f"{str(root)!r} has no {MANIFEST}: not a simgen dataset, or an incomplete one")
        try:
            data = path.read_bytes()
        except OSError as e:
            raise DatasetError(f"cannot read {path}: {os.strerror(e.errno) if e.errno else e}") from None
        return cls.parse(root, data, str(path), require)

    @classmethod
    def parse(cls, root: Path, data: bytes, path: str, require: Iterable[str] = ("tables",)) -> Dataset:
        """A manifest's bytes, read from `path` (a file, or a URL where the dataset is remote),
        checked as `open` checks them."""
        try:
            doc = json.loads(data)
        except (ValueError, UnicodeDecodeError, RecursionError) as e:  # JSONDecodeError is a ValueError
            raise DatasetError(f"{path} is not valid JSON ({str(e)[:200]})") from None
        if not isinstance(doc, dict):
            raise DatasetError(f"{path} is not a simgen manifest: a JSON {_json_type(doc)}, not an object")
        problems = _shape_problems(doc)
        absent = [k for k in require if k not in doc]
        if absent:
            problems.insert(0, f"no {', '.join(map(repr, absent))}")
        if problems:
            more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
            raise DatasetError(f"{path} is not a valid simgen manifest: {'; '.join(problems[:5])}{more}")
        return cls.from_json(root, doc)

    @classmethod
    def from_json(cls, root: Path, doc: Mapping[str, Any]) -> Dataset:
        """A manifest already checked (or just built by the generator) as a Dataset."""
        tables = {name: Table(name, info["rows"], tuple(DataFile(**f) for f in info["files"]))
                  for name, info in doc.get("tables", {}).items()}
        truth = doc.get("truth")
        return cls(Path(root), tables, doc.get("simgen_version"), doc.get("seed"), doc.get("users"),
                   doc.get("profile"), doc.get("chunk_users"), doc.get("created_at"), doc.get("seconds"),
                   TruthFile(truth["path"], truth["sha256"]) if truth else None, dict(doc))

    def table(self, name: str) -> Table:
        if name not in self.tables:
            raise DatasetError(f"{self.root} has no table {name!r} (tables: {', '.join(sorted(self.tables))})")
        return self.tables[name]

    def paths(self, table: str) -> list[Path]:
        """The table's files, in the manifest's order (part 0 first)."""
        return [self.root / f.path for f in self.table(table).files]

    def parquet(self) -> dict[str, list[str]]:
        """{table: absolute real paths of its files}; a table without files is left out."""
        root = self.root.resolve()
        return {name: [str(root / f.path) for f in t.files] for name, t in self.tables.items() if t.files}

    @property
    def files(self) -> list[DataFile]:
        return [f for t in self.tables.values() for f in t.files]

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables.values())

    def fingerprint(self) -> str:
        """Identity of the dataset as it is now: its manifest, and each listed file's size and
        modification time. A file replaced or touched gives another fingerprint (the caches keyed
        by it are rebuilt), without reading a byte of data."""
        h = hashlib.sha256((self.root / MANIFEST).read_bytes())
        for f in sorted(self.files, key=lambda f: f.path):
            try:
                st = os.stat(self.root / f.path)
            except OSError as e:
                raise DatasetError(f"{self.root / f.path} is listed in the manifest but cannot be read "
                                   f"({e.strerror})") from None
            h.update(f"{f.path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        return h.hexdigest()[:24]

    def connect(self, **config: Any) -> duckdb.DuckDBPyConnection:
        """A DuckDB connection (with `config`) holding one view per table over the listed files."""
        import duckdb

        con = duckdb.connect(config=config)
        create_views(con, self.parquet())
        return con

    def verify(self) -> Report:
        """Every file against the manifest, and the manifest's claims against the data (simgen.verify)."""
        from simgen.verify import verify

        return verify(self.root)

    def to_json(self) -> dict:
        return dict(self.raw)


def create_views(con: duckdb.DuckDBPyConnection, tables: Mapping[str, list[str]]) -> None:
    """One view per table over its Parquet files: the views every trusted reader queries."""
    for name, files in tables.items():
        listing = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
        con.execute(f'CREATE VIEW "{name}" AS SELECT * FROM read_parquet([{listing}])')


def build_manifest(identity: Mapping[str, Any], tables: Mapping[str, Iterable[DataFile]],
                   truth: TruthFile | None = None, **extra: Any) -> dict:
    """A manifest describing `tables` (files sorted by path), checked before anyone writes it."""
    doc: dict[str, Any] = dict(identity)
    doc.update(extra)
    doc["tables"] = {}
    for name, files in tables.items():
        listed = sorted(files, key=lambda f: f.path)
        doc["tables"][name] = {"rows": sum(f.rows for f in listed), "files": [f.to_json() for f in listed]}
    if truth is not None:
        doc["truth"] = {"path": truth.path, "sha256": truth.sha256}
    problems = _shape_problems(doc)
    if problems:
        raise ValueError(f"refusing to write an invalid manifest: {'; '.join(problems[:5])}")
    return doc


def manifest_text(doc: Mapping[str, Any]) -> str:
    return json.dumps(doc, indent=2) + "\n"


def write_manifest(root: Path, identity: Mapping[str, Any], tables: Mapping[str, Iterable[DataFile]],
                   truth: TruthFile | None = None, **extra: Any) -> Dataset:
    """Write DATASET/manifest.json (renamed into place) and return the Dataset. A generator
    writes it last: the manifest is what makes a directory a dataset."""
    doc = build_manifest(identity, tables, truth, **extra)
    tmp = Path(root) / f".{MANIFEST}.tmp"
    tmp.write_text(manifest_text(doc), encoding="utf-8")
    os.replace(tmp, Path(root) / MANIFEST)
    return Dataset.from_json(Path(root), doc)


# ---------------------------------------------------------------- the manifest's shape
def _json_type(v: object) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null",
            int: "number", float: "number"}.get(type(v), type(v).__name__)


def _is(value: object, types) -> bool:
    return isinstance(value, types) and not isinstance(value, bool)


def _wrong(where: str, value: object, types) -> str:
    want = {str: "a string", int: "an integer", dict: "an object", (int, float): "a number"}[types]
    shown = json.dumps(value)
    return f"{where} must be {want}, not {shown if len(shown) <= 40 else shown[:37] + '...'}"


def _shape_problems(doc: Mapping[str, Any]) -> list[str]:
    problems = []
    for key, types in MANIFEST_KEYS.items():
        if key in doc and not _is(doc[key], types):
            problems.append(_wrong(key, doc[key], types))
    if _is(doc.get("seed"), int) and not 0 <= doc["seed"] < SEED_LIMIT:
        problems.append(f"seed {doc['seed']} is out of range")
    if _is(doc.get("users"), int) and not 1 <= doc["users"] <= MAX_USERS:
        problems.append(f"users {doc['users']} is out of range")
    if _is(doc.get("chunk_users"), int) and doc["chunk_users"] < 1:
        problems.append(f"chunk_users {doc['chunk_users']} is out of range")
    seen: set[str] = set()
    if _is(doc.get("tables"), dict):
        for name, info in doc["tables"].items():
            problems += _table_problems(name, info, seen)
    if "truth" in doc and isinstance(doc["truth"], dict):
        problems += _entry_problems(doc["truth"], "truth", _TRUTH_KEYS, seen)
    return problems


def _table_problems(name: str, info: object, seen: set[str]) -> list[str]:
    where = f"tables.{name}"
    if not _TABLE.fullmatch(name):
        return [f"{where[:80]!r} is not a table name"]
    if not isinstance(info, dict):
        return [f"{where} is a {_json_type(info)}, not an object"]
    if set(info) != {"rows", "files"}:
        return [f"{where} has keys {sorted(info)[:10]}, not ['files', 'rows']"]
    problems = []
    if not _is(info["rows"], int) or info["rows"] < 0:
        problems.append(f"{where}.rows is not a row count")
    if not isinstance(info["files"], list):
        return problems + [f"{where}.files is a {_json_type(info['files'])}, not an array"]
    for i, f in enumerate(info["files"]):
        problems += _entry_problems(f, f"{where}.files[{i}]", _FILE_KEYS, seen)
    return problems


def _entry_problems(f: object, where: str, keys: dict, seen: set[str]) -> list[str]:
    if not isinstance(f, dict):
        return [f"{where} is a {_json_type(f)}, not an object"]
    if set(f) != set(keys):
        return [f"{where} has keys {sorted(f)[:10]}, not {sorted(keys)}"]
    problems = [_wrong(f"{where}.{k}", f[k], t) for k, t in keys.items() if not _is(f[k], t)]
    if problems:
        return problems
    for k in ("rows", "bytes"):
        if k in f and f[k] < 0:
            problems.append(f"{where}.{k} is negative")
    if not _SHA256.fullmatch(f["sha256"]):
        problems.append(f"{where}.sha256 is not a sha256")
    why = unsafe_path(f["path"])
    if why:
        problems.append(f"{where}.path {f['path'][:200]!r} {why}")
    elif f["path"] in seen or f["path"] == MANIFEST:
        problems.append(f"{where}.path {f['path']!r} is listed twice")
    seen.add(f["path"])
    return problems


def unsafe_path(path: str) -> str | None:
    """Why a manifest path may not be followed: only plain relative paths inside the dataset."""
    if not path or "\0" in path or "\\" in path:
        return "is not a plain relative path"
    if path.startswith("/"):
        return "is absolute: outside the dataset"
    if any(part in ("", ".", "..") for part in path.split("/")):
        return "is not a plain path inside the dataset (empty, '.' or '..' part)"
    return None
