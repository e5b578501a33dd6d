"""Check a dataset directory against its manifest: missing, truncated or altered files, and a
manifest that does not tell the truth about the data.

The manifest is read as untrusted input: its shape is validated (`load_manifest`), every path it
lists must stay inside the dataset, and nothing is read through a symbolic link. What it claims is
then recomputed: row counts from the Parquet files, per file and per table; the member count from
the users table; the chunking from the number of parts; the seed, member count and profile
against truth.json (which records them, and whose outage day is a function of the seed); the
profile against the sizes of the tables it determines.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DatasetError

MAX_USERS = 2**31 - 1
SEED_LIMIT = 2**63
_SHA256 = re.compile(r"[0-9a-f]{64}")
_TABLE = re.compile(r"[a-z][a-z0-9_]*")
_PART = re.compile(r"part-(\d{5})\.parquet")

# Top-level keys of a manifest and their JSON types; `simgen verify` requires them all.
MANIFEST_KEYS = {"simgen_version": str, "seed": int, "users": int, "profile": str, "chunk_users": int,
                 "created_at": str, "seconds": (int, float), "tables": dict, "truth": dict}
_FILE_KEYS = {"path": str, "rows": int, "bytes": int, "sha256": str}


class Manifest(dict):
    """A manifest whose shape was checked; a key it lacks is a DatasetError, not a KeyError."""

    source = "manifest.json"

    def __missing__(self, key):
        raise DatasetError(f"{self.source} has no {key!r}: not a simgen manifest, or an incomplete one")


@dataclass
class Report:
    checked: int = 0
    missing: list[str] = field(default_factory=list)
    truncated: list[str] = field(default_factory=list)
    altered: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    symlink: list[str] = field(default_factory=list)
    inconsistent: list[str] = field(default_factory=list)

    KINDS = ("missing", "truncated", "altered", "unexpected", "symlink", "inconsistent")

    @property
    def ok(self) -> bool:
        return not any(getattr(self, kind) for kind in self.KINDS)

    def lines(self) -> list[str]:
        out = []
        for kind in self.KINDS:
            for path in getattr(self, kind):
                out.append(f"{kind}: {path}")
        return out


def load_manifest(root: Path, require=()) -> Manifest:
    """Read DATASET/manifest.json and check its shape; DatasetError on anything else.

    Every key present must have its type (a seed is a non-negative integer, a file entry has a
    path inside the dataset, rows, bytes and a sha256); the keys in `require` must be present.
    A key that is absent raises DatasetError when read.

    >>> load_manifest(Path("data/default"), require=("users",))["users"]  # doctest: +SKIP
    100000
    """
    root = Path(root)
    path = root / "manifest.json"
    if not root.is_dir():
        raise DatasetError(f"{str(root)!r} is not a directory")
    if not path.is_file():
        raise DatasetError(f"{str(root)!r} has no manifest.json: not a simgen dataset, or an incomplete one")
    try:
        doc = json.loads(path.read_bytes())
    except OSError as e:
        raise DatasetError(f"cannot read {path}: {os.strerror(e.errno) if e.errno else e}") from None
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
    manifest = Manifest(doc)
    manifest.source = str(path)
    return manifest


def _json_type(v: object) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null",
            int: "number", float: "number"}.get(type(v), type(v).__name__)


def _is(value: object, types) -> bool:
    return isinstance(value, types) and not isinstance(value, bool)


def _wrong(where: str, value: object, types) -> str:
    want = {str: "a string", int: "an integer", dict: "an object", (int, float): "a number"}[types]
    shown = json.dumps(value)
    return f"{where} must be {want}, not {shown if len(shown) <= 40 else shown[:37] + '...'}"


def _shape_problems(doc: dict) -> list[str]:
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
            where = f"tables.{name}"
            if not _TABLE.fullmatch(name):
                problems.append(f"{where[:80]!r} is not a table name")
                continue
            if not isinstance(info, dict):
                problems.append(f"{where} is a {_json_type(info)}, not an object")
                continue
            if set(info) != {"rows", "files"}:
                problems.append(f"{where} has keys {sorted(info)[:10]}, not ['files', 'rows']")
                continue
            if not _is(info["rows"], int) or info["rows"] < 0:
                problems.append(f"{where}.rows is not a row count")
            if not isinstance(info["files"], list):
                problems.append(f"{where}.files is a {_json_type(info['files'])}, not an array")
                continue
            for i, f in enumerate(info["files"]):
                problems += _entry_problems(f, f"{where}.files[{i}]", _FILE_KEYS, seen)
    if "truth" in doc and isinstance(doc["truth"], dict):
        problems += _entry_problems(doc["truth"], "truth", {"path": str, "sha256": str}, seen)
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
    why = _unsafe(f["path"])
    if why:
        problems.append(f"{where}.path {f['path'][:200]!r} {why}")
    elif f["path"] in seen or f["path"] == "manifest.json":
        problems.append(f"{where}.path {f['path']!r} is listed twice")
    seen.add(f["path"])
    return problems


def _unsafe(path: str) -> str | None:
    """Why a manifest path may not be followed: only plain relative paths inside the dataset."""
    if not path or "\0" in path or "\\" in path:
        return "is not a plain relative path"
    if path.startswith("/"):
        return "is absolute: outside the dataset"
    if any(part in ("", ".", "..") for part in path.split("/")):
        return "is not a plain path inside the dataset (empty, '.' or '..' part)"
    return None


# ---------------------------------------------------------------- the files on disk
@dataclass
class _Tree:
    files: dict[str, int] = field(default_factory=dict)  # regular files: size
    links: set[str] = field(default_factory=set)
    others: set[str] = field(default_factory=set)  # fifos, sockets, devices, unreadable folders


def _tree(root: Path) -> _Tree:
    """Everything under root, without following a link."""
    tree = _Tree()
    todo = [""]
    while todo:
        rel = todo.pop()
        try:
            entries = list(os.scandir(root / rel if rel else root))
        except OSError:
            tree.others.add(rel)
            continue
        for e in entries:
            path = f"{rel}/{e.name}" if rel else e.name
            try:
                st = e.stat(follow_symlinks=False)
            except OSError:
                tree.others.add(path)
                continue
            if stat.S_ISLNK(st.st_mode):
                tree.links.add(path)
            elif stat.S_ISDIR(st.st_mode):
                todo.append(path)
            elif stat.S_ISREG(st.st_mode):
                tree.files[path] = st.st_size
            else:
                tree.others.add(path)
    return tree


def verify(root: Path) -> Report:
    """Compare every file the manifest lists (and truth.json) with what is on disk, then what the
    manifest claims with what the files hold."""
    import pyarrow.parquet as pq  # here, not at the top: the grader reads manifests without Arrow

    from .sim.writer import sha256

    root = Path(root)
    manifest = load_manifest(root, require=MANIFEST_KEYS)
    rep = Report()
    tree = _tree(root)
    rep.symlink += sorted(tree.links)
    rows: dict[str, int] = {}  # path -> rows the Parquet file holds, where it could be read
    truth_read = False
    entries = [(f, True) for t in manifest["tables"].values() for f in t["files"]]
    entries.append((manifest["truth"], False))
    for f, parquet in entries:
        rep.checked += 1
        path = f["path"]
        if any(path == link or path.startswith(link + "/") for link in tree.links):
            continue  # reported as a symlink; never read through one
        if path not in tree.files:
            rep.missing.append(path + (" (not a regular file)" if path in tree.others else ""))
            continue
        size, expected = tree.files[path], f.get("bytes")
        if expected is not None and size < expected:
            rep.truncated.append(f"{path} ({size} of {expected} bytes)")
            continue
        try:
            if expected is not None and size != expected:
                rep.altered.append(f"{path} ({size} bytes, the manifest says {expected})")
            elif sha256(root / path) != f["sha256"]:
                rep.altered.append(path)
            elif not parquet:
                truth_read = True
            else:
                rows[path] = pq.ParquetFile(root / path).metadata.num_rows
                if rows[path] != f["rows"]:
                    rep.altered.append(f"{path} (row count: the file holds {rows[path]:,}, "
                                       f"the manifest says {f['rows']:,})")
        except OSError as e:
            rep.altered.append(f"{path} (cannot read it: {os.strerror(e.errno) if e.errno else e})")
        except Exception as e:  # noqa: BLE001 - Arrow's errors for a file that is not Parquet
            rep.altered.append(f"{path} (not a Parquet file: {str(e)[:200]})")
    listed = {"manifest.json"} | {f["path"] for f, _ in entries}
    for path in sorted(set(tree.files) | tree.others):
        if path not in listed and path:
            rep.unexpected.append(path + ("" if path in tree.files else " (not a regular file)"))
    rep.inconsistent += _claims(root, manifest, rows, truth_read)
    return rep


def _claims(root: Path, manifest: Manifest, rows: dict[str, int], truth_read: bool) -> list[str]:
    """What the manifest says about the data that the data (and truth.json) contradict."""
    from .profile import PROFILES
    from .sim.registry import GLOBAL_TABLES
    from .spec import TABLES

    problems = []
    tables = manifest["tables"]
    names = [t.name for t in TABLES]
    problems += [f"the manifest has no {n!r} table" for n in names if n not in tables]
    problems += [f"the manifest lists a table {n!r} that is not in the contract" for n in tables if n not in names]
    users, chunk = manifest["users"], manifest["chunk_users"]
    n_chunks = math.ceil(users / chunk)

    def held(name: str) -> int:  # rows the table's files hold, where read; else what the manifest says
        return sum(rows.get(f["path"], f["rows"]) for f in tables[name]["files"])

    for name, info in tables.items():
        listed = sum(f["rows"] for f in info["files"])
        if info["rows"] != listed:
            problems.append(f"{name}: the manifest says {info['rows']:,} rows, its files list {listed:,}")
        elif held(name) != info["rows"]:
            problems.append(f"{name}: the manifest says {info['rows']:,} rows, its files hold {held(name):,}")
        if name not in names:
            continue
        parts = 1 if name in GLOBAL_TABLES else n_chunks
        got = [f["path"] for f in info["files"]]
        want = [f"{name}/part-{k:05d}.parquet" for k in range(parts)] if len(got) == parts else [
            f"{name}/part-00000.parquet", f"{name}/part-{parts - 1:05d}.parquet"][:parts]  # never build millions
        if got != want:
            problems.append(f"{name}: the manifest lists {len(got):,} files ({_span(got)}), a dataset of "
                            f"{users:,} members in chunks of {chunk:,} has {parts:,} ({_span(want)})")
    if "users" in tables:
        if held("users") != users:
            problems.append(f"users: the manifest says {users:,} members, the users table holds {held('users'):,} rows")
        for k, f in enumerate(tables["users"]["files"][:n_chunks]):
            n = rows.get(f["path"], f["rows"])
            if n != min(chunk, users - k * chunk):
                problems.append(f"chunk_users: {f['path']} holds {n:,} members, chunks of {chunk:,} put "
                                f"{min(chunk, users - k * chunk):,} there")
                break
    profile = PROFILES.get(manifest["profile"])
    if profile is None:
        problems.append(f"profile: {manifest['profile'][:80]!r} is not a simgen profile ({', '.join(sorted(PROFILES))})")
    else:
        from .sim.company import employee_count
        from .sim.social import page_count

        for name, n in (("pages", page_count(profile, users)), ("salaries", employee_count(profile, users))):
            if name in tables and held(name) != n:
                problems.append(f"{name}: holds {held(name):,} rows; the {profile.name} profile at {users:,} "
                                f"members has {n:,}")
    if manifest["truth"]["path"] != "truth.json":
        problems.append(f"truth: the manifest names {manifest['truth']['path'][:80]!r}, not truth.json")
    elif truth_read:  # whole and listed: otherwise already reported above
        problems += _truth_claims(root / "truth.json", manifest)
    return problems


def _truth_claims(path: Path, manifest: Manifest) -> list[str]:
    from .sim.calendar import outage_day, to_date

    try:
        truth = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError) as e:
        return [f"truth.json cannot be read: {str(e)[:200]}"]
    if not isinstance(truth, dict):
        return ["truth.json is not a JSON object"]
    problems = []
    recorded = truth.get("dataset")
    if isinstance(recorded, dict):  # written since the dataset's identity was recorded there
        for key in ("seed", "users", "profile", "chunk_users"):
            if key in recorded and recorded[key] != manifest[key]:
                problems.append(f"{key}: the manifest says {manifest[key]!r}, truth.json says {recorded[key]!r}")
    if "outage_day" in truth and truth["outage_day"] != str(to_date(outage_day(manifest["seed"]))):
        problems.append(f"seed: the outage day of seed {manifest['seed']} is {to_date(outage_day(manifest['seed']))}, "
                        f"truth.json says {str(truth['outage_day'])[:40]}")
    return problems


def _span(paths: list[str]) -> str:
    if not paths:
        return "none"
    return paths[0] if len(paths) == 1 else f"{paths[0]} .. {paths[-1]}"
