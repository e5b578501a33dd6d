"""Check a dataset directory against its manifest: missing, truncated or altered files."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DatasetError


@dataclass
class Report:
    checked: int = 0
    missing: list[str] = field(default_factory=list)
    truncated: list[str] = field(default_factory=list)
    altered: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.truncated or self.altered or self.unexpected)

    def lines(self) -> list[str]:
        out = []
        for kind in ("missing", "truncated", "altered", "unexpected"):
            for path in getattr(self, kind):
                out.append(f"{kind}: {path}")
        return out


def load_manifest(root: Path) -> dict:
    path = Path(root) / "manifest.json"
    if not Path(root).is_dir():
        raise DatasetError(f"{str(root)!r} is not a directory")
    if not path.is_file():
        raise DatasetError(f"{str(root)!r} has no manifest.json: not a simgen dataset, or an incomplete one")
    try:
        return json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise DatasetError(f"{path} is not valid JSON ({e})") from None


def verify(root: Path) -> Report:
    """Compare every file the manifest lists (and truth.json) with what is on disk."""
    import pyarrow.parquet as pq  # here, not at the top: the grader reads manifests without Arrow

    from .writer import sha256

    root = Path(root)
    manifest = load_manifest(root)
    rep = Report()
    listed = {"manifest.json"}
    entries = [f for t in manifest["tables"].values() for f in t["files"]]
    if "truth" in manifest:
        entries.append({**manifest["truth"], "rows": None})
    for f in entries:
        rep.checked += 1
        listed.add(f["path"])
        path = root / f["path"]
        if not path.is_file():
            rep.missing.append(f["path"])
            continue
        if "bytes" in f and path.stat().st_size < f["bytes"]:
            rep.truncated.append(f"{f['path']} ({path.stat().st_size} of {f['bytes']} bytes)")
            continue
        if sha256(path) != f["sha256"]:
            rep.altered.append(f["path"])
            continue
        if f.get("rows") is not None and pq.ParquetFile(path).metadata.num_rows != f["rows"]:
            rep.altered.append(f"{f['path']} (row count)")
    for path in sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()):
        if path not in listed:
            rep.unexpected.append(path)
    return rep
