"""Where simgen keeps what it can rebuild: $SIMGEN_CACHE, default ~/.cache/simgen.

Expected results, native DuckDB copies, generated stream datasets and their sorted runs, and
the hints a person has seen all live under this one root, never inside a dataset.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

from .locks import pid_alive


def cache_root() -> Path:
    return Path(os.environ.get("SIMGEN_CACHE") or Path.home() / ".cache" / "simgen")


def temp_beside(path: Path) -> Path:
    """Where to write `path` before it is renamed into place: a hidden name carrying this
    process's id, so that a later writer can remove what a dead one left (see sweep_temps)."""
    return path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")


def sweep_temps(path: Path) -> None:
    """Remove the half-written temporaries of `path` left by processes that are gone (killed
    while writing); those of a live process are its own business."""
    for tmp in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        pid = tmp.name[len(path.name) + 2:].split(".", 1)[0]
        if pid.isdigit() and not pid_alive(int(pid)):
            forget(tmp)


# ---------------------------------------------------------------- sealed cache files
# A cache entry (a file, or a directory of files) is trusted only with its seal: a sidecar
# PATH.seal holding a BLAKE2b digest of its bytes and the stat (path, inode, size, ctime) of each
# file when the digest was last checked. Any write to a file changes its ctime, which no user can
# set back, so an unchanged stat means unchanged bytes and costs no hashing; a changed stat costs
# one full hash. A damaged or edited entry fails the check and is rebuilt by its owner.
_SEAL_SUFFIX = ".seal"


def _files(path: Path) -> list[Path]:
    """The regular files of an entry, in a fixed order; a link anywhere makes it unsealable."""
    if path.is_symlink():
        raise OSError(f"{path} is a symbolic link")
    if not path.is_dir():
        return [path]
    files = []
    for item in sorted(path.rglob("*")):
        if item.is_symlink():
            raise OSError(f"{item} is a symbolic link")
        if item.is_file():
            files.append(item)
    return files


def _digest(path: Path) -> str:
    h = hashlib.blake2b(digest_size=20)
    for file in _files(path):
        h.update(f"{file.relative_to(path).as_posix() if file != path else ''}\0".encode())
        with open(file, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def _stamp(path: Path) -> list[list]:
    stamp = []
    for file in _files(path):
        st = os.stat(file)
        stamp.append([file.relative_to(path).as_posix() if file != path else "", st.st_ino, st.st_size,
                      st.st_ctime_ns])
    return stamp


def _seal_path(path: Path) -> Path:
    return path.with_name(path.name + _SEAL_SUFFIX)


def seal(path: Path, digest: str | None = None) -> None:
    """Record the entry's digest and stat beside it (atomically). Call once it is in place."""
    record = {"blake2b": digest or _digest(path), "stat": _stamp(path)}
    target = _seal_path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}")
    try:
        tmp.write_text(json.dumps(record))
        os.replace(tmp, target)
    finally:
        forget(tmp)


def is_sealed(path: Path, check: Callable[[Path], bool] | None = None) -> bool:
    """True when the entry exists and its bytes are the ones sealed (see above).

    `check` is the entry's own authoritative check (a dataset against its manifest): an entry
    without a seal, or whose digest no longer matches, that passes it is sealed now. Without
    one, an unsealed entry is never trusted: its owner rebuilds it and replaces it atomically
    (nothing is deleted first, so a process still reading the old one is not cut short)."""
    try:
        record = json.loads(_seal_path(path).read_text())
        if record["stat"] == _stamp(path):
            return True
        digest = _digest(path)
        if digest == record["blake2b"]:
            seal(path, digest)  # same bytes, new stat (e.g. rewritten by a concurrent run)
            return True
    except (OSError, ValueError, KeyError, TypeError):
        pass
    try:
        if check is not None and path.exists() and check(path):
            seal(path)
            return True
    except OSError:
        pass
    return False


def discard(path: Path) -> None:
    """Remove a cache entry (file or directory) and its seal, as far as the disk lets us."""
    for target in (path, _seal_path(path)):
        forget(target)


def forget(path: Path) -> None:
    """Remove a file or directory if it is there; a cache that cannot be cleaned is no error."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
        return
    with contextlib.suppress(OSError):
        path.unlink()
