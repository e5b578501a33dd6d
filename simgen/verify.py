"""Check a dataset directory against its manifest: missing, truncated or altered files, and a
manifest that does not tell the truth about the data (`Dataset.verify`, `simgen verify`).

The manifest is read as untrusted input (simgen.dataset.Dataset.open checks its shape, and that
every path it lists stays inside the dataset), and nothing is read through a symbolic link. What
it claims is then recomputed: row counts from the Parquet files, per file and per table; the member count from
the users table; the chunking from the number of parts; the seed, member count and profile
against truth.json (which records them, and whose outage day is a function of the seed); the
profile against the sizes of the tables it determines.
"""

from __future__ import annotations

import json
import math
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .dataset import MANIFEST_KEYS, Dataset, file_sha256


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

    root = Path(root)
    ds = Dataset.open(root, require=MANIFEST_KEYS)
    rep = Report()
    tree = _tree(root)
    rep.symlink += sorted(tree.links)
    rows: dict[str, int] = {}  # path -> rows the Parquet file holds, where it could be read
    truth_read = False
    entries = [(f, True) for f in ds.files]
    entries.append((ds.truth, False))
    for f, parquet in entries:
        rep.checked += 1
        path = f.path
        if any(path == link or path.startswith(link + "/") for link in tree.links):
            continue  # reported as a symlink; never read through one
        if path not in tree.files:
            rep.missing.append(path + (" (not a regular file)" if path in tree.others else ""))
            continue
        size, expected = tree.files[path], getattr(f, "bytes", None)
        if expected is not None and size < expected:
            rep.truncated.append(f"{path} ({size} of {expected} bytes)")
            continue
        try:
            if expected is not None and size != expected:
                rep.altered.append(f"{path} ({size} bytes, the manifest says {expected})")
            elif file_sha256(root / path) != f.sha256:
                rep.altered.append(path)
            elif not parquet:
                truth_read = True
            else:
                rows[path] = pq.ParquetFile(root / path).metadata.num_rows
                if rows[path] != f.rows:
                    rep.altered.append(f"{path} (row count: the file holds {rows[path]:,}, "
                                       f"the manifest says {f.rows:,})")
        except OSError as e:
            rep.altered.append(f"{path} (cannot read it: {os.strerror(e.errno) if e.errno else e})")
        except Exception as e:  # noqa: BLE001 - Arrow's errors for a file that is not Parquet
            rep.altered.append(f"{path} (not a Parquet file: {str(e)[:200]})")
    listed = {"manifest.json"} | {f.path for f, _ in entries}
    for path in sorted(set(tree.files) | tree.others):
        if path not in listed and path:
            rep.unexpected.append(path + ("" if path in tree.files else " (not a regular file)"))
    rep.inconsistent += _claims(root, ds, rows, truth_read)
    return rep


def _claims(root: Path, ds: Dataset, rows: dict[str, int], truth_read: bool) -> list[str]:
    """What the manifest says about the data that the data (and truth.json) contradict."""
    from .profile import PROFILES
    from .sim.registry import GLOBAL_TABLES
    from .spec import TABLES

    problems = []
    tables = ds.tables
    names = [t.name for t in TABLES]
    problems += [f"the manifest has no {n!r} table" for n in names if n not in tables]
    problems += [f"the manifest lists a table {n!r} that is not in the contract" for n in tables if n not in names]
    users, chunk = ds.users, ds.chunk_users
    n_chunks = math.ceil(users / chunk)

    def held(name: str) -> int:  # rows the table's files hold, where read; else what the manifest says
        return sum(rows.get(f.path, f.rows) for f in tables[name].files)

    for name, info in tables.items():
        listed = sum(f.rows for f in info.files)
        if info.rows != listed:
            problems.append(f"{name}: the manifest says {info.rows:,} rows, its files list {listed:,}")
        elif held(name) != info.rows:
            problems.append(f"{name}: the manifest says {info.rows:,} rows, its files hold {held(name):,}")
        if name not in names:
            continue
        parts = 1 if name in GLOBAL_TABLES else n_chunks
        got = [f.path for f in info.files]
        want = [f"{name}/part-{k:05d}.parquet" for k in range(parts)] if len(got) == parts else [
            f"{name}/part-00000.parquet", f"{name}/part-{parts - 1:05d}.parquet"][:parts]  # never build millions
        if got != want:
            problems.append(f"{name}: the manifest lists {len(got):,} files ({_span(got)}), a dataset of "
                            f"{users:,} members in chunks of {chunk:,} has {parts:,} ({_span(want)})")
    if "users" in tables:
        if held("users") != users:
            problems.append(f"users: the manifest says {users:,} members, the users table holds {held('users'):,} rows")
        for k, f in enumerate(tables["users"].files[:n_chunks]):
            n = rows.get(f.path, f.rows)
            if n != min(chunk, users - k * chunk):
                problems.append(f"chunk_users: {f.path} holds {n:,} members, chunks of {chunk:,} put "
                                f"{min(chunk, users - k * chunk):,} there")
                break
    profile = PROFILES.get(ds.profile)
    if profile is None:
        problems.append(f"profile: {ds.profile[:80]!r} is not a simgen profile ({', '.join(sorted(PROFILES))})")
    else:
        from .sim.company import employee_count
        from .sim.social import page_count

        for name, n in (("pages", page_count(profile, users)), ("salaries", employee_count(profile, users))):
            if name in tables and held(name) != n:
                problems.append(f"{name}: holds {held(name):,} rows; the {profile.name} profile at {users:,} "
                                f"members has {n:,}")
    if ds.truth.path != "truth.json":
        problems.append(f"truth: the manifest names {ds.truth.path[:80]!r}, not truth.json")
    elif truth_read:  # whole and listed: otherwise already reported above
        problems += _truth_claims(root / "truth.json", ds)
    return problems


def _truth_claims(path: Path, ds: Dataset) -> list[str]:
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
            if key in recorded and recorded[key] != getattr(ds, key):
                problems.append(f"{key}: the manifest says {getattr(ds, key)!r}, truth.json says {recorded[key]!r}")
    if "outage_day" in truth and truth["outage_day"] != str(to_date(outage_day(ds.seed))):
        problems.append(f"seed: the outage day of seed {ds.seed} is {to_date(outage_day(ds.seed))}, "
                        f"truth.json says {str(truth['outage_day'])[:40]}")
    return problems


def _span(paths: list[str]) -> str:
    if not paths:
        return "none"
    return paths[0] if len(paths) == 1 else f"{paths[0]} .. {paths[-1]}"
