"""Directories owned by a live process, told apart from those of a dead one by an flock.

A process that writes into a directory of its own holds an exclusive flock on it for its whole
life; the kernel drops the lock when the process dies, however it dies (kill -9 included). So a
later process can take the lock of a leftover directory exactly when its owner is gone, and
remove it; a directory still locked belongs to a live process and is never touched.

    path, fd = private_temp_dir("simgen-sandbox-")   # mkdtemp + lock, after sweeping dead ones
    ...
    release(fd); shutil.rmtree(path)

On a system without flock nothing is ever judged dead (nothing is swept).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

try:
    import fcntl
except ImportError:  # not POSIX
    fcntl = None  # type: ignore[assignment]


def open_dir(path: Path | str, follow: bool = False) -> int:
    """A read-only descriptor of a directory (a link to one refused unless `follow`)."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | (0 if follow else getattr(os, "O_NOFOLLOW", 0))
    return os.open(path, flags)


def try_lock(fd: int) -> None:
    """Take the exclusive lock now or raise OSError (held by a live process)."""
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def release(fd: int | None) -> None:
    """Close a descriptor (dropping its lock), if there is one."""
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)


def claim_dead(paths: list[Path]) -> tuple[list[tuple[Path, int]], list[Path]]:
    """Split directories into (dead, each with its descriptor now locked by us; live)."""
    dead, live = [], []
    if fcntl is None:
        return dead, live
    for path in paths:
        try:
            fd = open_dir(path)
        except OSError:
            continue
        try:
            try_lock(fd)
        except OSError:
            live.append(path)
            os.close(fd)
        else:
            dead.append((path, fd))
    return dead, live


OWNER = ".simgen-owner"  # the owning process's id, inside a directory made by private_temp_dir


def private_temp_dir(prefix: str, parent: Path | None = None) -> tuple[str, int | None]:
    """A new temporary directory (in `parent`, default the system's), locked by this process and
    naming it in a `.simgen-owner` file, after removing the ones of dead processes with the same
    prefix (a grader killed with -9 leaves its sandbox's temp space).

    A leftover is removed only if its lock can be taken *and* its owner file names a process
    that is gone: a directory of another program, or of a version of simgen that did not lock
    its directories, is never touched."""
    parent = Path(parent or tempfile.gettempdir())
    with contextlib.suppress(OSError):
        leftovers = [p for p in parent.glob(f"{prefix}*") if p.is_dir() and not p.is_symlink()]
        dead, _ = claim_dead([p for p in leftovers if _owner_gone(p)])
        for path, fd in dead:
            shutil.rmtree(path, ignore_errors=True)
            release(fd)
    path = tempfile.mkdtemp(prefix=prefix, dir=parent)
    fd = None
    with contextlib.suppress(OSError):
        fd = open_dir(path)
        try_lock(fd)
        (Path(path) / OWNER).write_text(f"{os.getpid()}\n")
    return path, fd


def _owner_gone(path: Path) -> bool:
    try:
        pid = int((path / OWNER).read_text().strip())
    except (OSError, ValueError):
        return False  # not ours to judge
    return not pid_alive(pid)


def pid_alive(pid: int) -> bool:
    """Is there a process with this id? (One we may not signal still exists.)"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
