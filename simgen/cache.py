"""Where simgen keeps what it can rebuild: $SIMGEN_CACHE, default ~/.cache/simgen.

Expected results, native DuckDB copies, generated stream datasets and their sorted runs, and
the hints a person has seen all live under this one root, never inside a dataset.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from pathlib import Path


def cache_root() -> Path:
    return Path(os.environ.get("SIMGEN_CACHE") or Path.home() / ".cache" / "simgen")


# ---------------------------------------------------------------- sealed cache files
# A cache file is trusted only with its seal: a sidecar PATH.seal holding its BLAKE2b digest and
# the stat (inode, size, ctime) it had when the digest was last checked. Any write to the file
# changes its ctime, which no user can set back, so an unchanged stat means unchanged bytes and
# costs no hashing; a changed stat costs one full hash. A damaged or edited file fails the check
# and is rebuilt by its owner.
_SEAL_SUFFIX = ".seal"


def _digest(path: Path) -> str:
    h = hashlib.blake2b(digest_size=20)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _stamp(path: Path) -> list[int]:
    st = os.stat(path)
    return [st.st_ino, st.st_size, st.st_ctime_ns]


def _seal_path(path: Path) -> Path:
    return path.with_name(path.name + _SEAL_SUFFIX)


def seal(path: Path, digest: str | None = None) -> None:
    """Record `path`'s digest and stat beside it (atomically). Call once the file is in place."""
    record = {"blake2b": digest or _digest(path), "stat": _stamp(path)}
    target = _seal_path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}")
    try:
        tmp.write_text(json.dumps(record))
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def is_sealed(path: Path) -> bool:
    """True when `path` exists and its bytes are the ones sealed (see above)."""
    try:
        record = json.loads(_seal_path(path).read_text())
        stamp = _stamp(path)
        if record["stat"] == stamp:
            return True
        digest = _digest(path)
    except (OSError, ValueError, KeyError, TypeError):
        return False
    if digest != record["blake2b"]:
        return False
    seal(path, digest)  # same bytes, new stat (e.g. rewritten by a concurrent run): trust it again
    return True


def discard(path: Path) -> None:
    """Remove a cache file and its seal."""
    for p in (path, _seal_path(path)):
        p.unlink(missing_ok=True)
