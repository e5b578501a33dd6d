"""Parquet parts and the atomic dataset directory.

A dataset is written into a hidden temporary directory beside the destination and renamed
into place only when complete (manifest last), so a killed run never leaves a directory
that looks like a dataset. Workers write their own parts; file bytes depend only on the
rows, never on which worker wrote them.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import re
import shutil
import socket
import sys
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa

from .. import interrupt
from ..locks import claim_dead, open_dir, release, try_lock
from ..errors import OutputError, OutputExistsError
from ..spec import Table

try:
    import fcntl
except ImportError:  # not POSIX: no locks, so no stale directory is ever judged dead
    fcntl = None

COMPRESSION = "zstd"
COMPRESSION_LEVEL = 1
ROW_GROUP_ROWS = 1 << 20


def use_system_allocator() -> None:
    """Give Arrow the C allocator numpy uses. Arrow's default pool keeps the pages it frees for
    Arrow alone, so a chunk's numpy work (sessions, after the social tables are written) had to
    allocate beside them: about 45 MiB more peak memory per worker, and no faster."""
    if pa.default_memory_pool().backend_name != "system":
        pa.set_memory_pool(pa.system_memory_pool())


def to_arrow(table: Table, columns: dict[str, object]) -> pa.Table:
    """Build an Arrow table in the contract's column order and types from numpy/Arrow columns."""
    missing = set(table.column_names) - set(columns)
    extra = set(columns) - set(table.column_names)
    if missing or extra:
        raise ValueError(f"{table.name}: missing columns {sorted(missing)}, unexpected {sorted(extra)}")
    arrays = []
    for col in table.columns:
        v = columns[col.name]
        if isinstance(v, (pa.Array, pa.ChunkedArray)):
            arr = v if v.type == col.type else v.cast(col.type)
        elif isinstance(v, np.ma.MaskedArray):
            arr = _cast(pa.array(v.data, mask=np.ma.getmaskarray(v)), col.type)
        elif pa.types.is_decimal(col.type):
            arr = decimal_from_unscaled(np.asarray(v, np.int64), col.type)
        else:
            arr = _cast(pa.array(np.asarray(v)), col.type)
        arrays.append(arr)
    return pa.Table.from_arrays(arrays, schema=table.schema)


def labels(vocabulary: np.ndarray, codes: np.ndarray) -> pa.Array:
    """Strings for integer codes: Arrow's take over a small vocabulary (no per-row Python strings)."""
    return pa.array(vocabulary).take(pa.array(codes))


def _cast(arr: pa.Array, type_: pa.DataType) -> pa.Array:
    if pa.types.is_date32(type_) and pa.types.is_integer(arr.type):
        return arr.cast(pa.int32()).view(pa.date32())  # days since epoch
    return arr.cast(type_)


def decimal_from_unscaled(unscaled: np.ndarray, type_: pa.DataType) -> pa.Array:
    """Decimal array from integer unscaled values (cents for DECIMAL(6,2)), without Python objects.

    decimal128 stores each value as a 16-byte little-endian two's-complement integer.
    """
    words = np.empty((unscaled.size, 2), np.int64)
    words[:, 0] = unscaled
    words[:, 1] = np.where(unscaled < 0, -1, 0)
    return pa.Array.from_buffers(type_, unscaled.size, [None, pa.py_buffer(words.tobytes())])


def save_npy(path: Path, array: np.ndarray) -> None:
    """np.save through Python's own file writes: a full disk is then an OSError with its errno
    (numpy's own writes report "N requested and M written" and no reason)."""
    array = np.ascontiguousarray(array)
    with naming(path), open(path, "wb") as f:
        np.lib.format.write_array_header_1_0(f, np.lib.format.header_data_from_array_1_0(array))
        f.write(memoryview(array).cast("B"))


def write_text(path: Path, text: str) -> None:
    with naming(path):
        Path(path).write_text(text)


@contextlib.contextmanager
def naming(path: Path) -> Iterator[None]:
    """Attach `path` to an OSError that names no file (Arrow's, a write's), so the message can."""
    try:
        yield
    except OSError as e:
        if e.filename is not None:
            raise
        raise OSError(e.errno, os.strerror(e.errno) if e.errno else str(e), str(path)) from e


def describe(e: OSError, out: Path, tmp: Path | None = None) -> str:
    """'cannot write 'OUT': No space left on device (writing users/part-00000.parquet)'."""
    reason = os.strerror(e.errno) if e.errno else str(e)  # Arrow's strerror carries its own prefix
    if e.filename is None and e.errno in _NOT_FILES:  # the machine, not the output: no worker started
        return f"cannot generate {str(out)!r}: {reason}"
    if not e.errno and _full(Path(out).parent):
        reason = os.strerror(errno.ENOSPC)
    detail = ""
    for name in (e.filename, e.filename2):
        if name is None:
            continue
        name = os.fsdecode(name)
        if tmp is not None and (name == str(tmp) or name.startswith(str(tmp) + os.sep)):
            rel = name[len(str(tmp)):].lstrip(os.sep)
            detail = f" (writing {rel})" if rel else f" (creating {name!r})"
        elif name != str(out):
            detail = f" ({name!r})"
        break
    return f"cannot write {str(out)!r}: {reason}{detail}"


_NOT_FILES = {errno.EAGAIN, errno.ENOMEM, errno.ECHILD, errno.EPIPE, errno.ECONNRESET}


def _full(directory: Path) -> bool:
    try:
        return os.statvfs(directory).f_bavail == 0
    except (OSError, AttributeError):
        return False


TMP_TAG, OLD_TAG = "simgen-tmp", "simgen-old"
OWNER = ".simgen-owner"  # who writes a temporary directory, for messages; removed before the rename

Notice = Callable[[str], None]


class AtomicDir:
    """`with AtomicDir(out) as tmp:` write into tmp; on success it becomes `out`.

    With `force`, an existing `out` is replaced only after the new one is complete.
    On any failure (or Ctrl-C, SIGTERM, SIGHUP) the temporary directory is removed, and an
    OSError becomes an OutputError that names the path and the reason.

    A run holds an exclusive flock on its temporary directory for its whole life. A later run
    that writes beside the same `out` takes each `.OUT.simgen-tmp-*` / `.OUT.simgen-old-*` it can
    lock (its owner died: kill -9, power loss) and removes it; one still locked belongs to a live
    run and is left alone. Creating the temporary directory, judging the others and the final
    check-and-rename all happen under an flock on the parent directory itself (no lock file to
    leave behind), so two runs cannot both think `out` is free, and a directory is never judged
    dead between its creation and its lock.
    """

    def __init__(self, out: Path, force: bool = False, notice: Notice | None = None):
        self.out = Path(out)
        self.force = force
        self.notice = notice or (lambda message: None)
        self.tmp = self.out.parent / f".{self.out.name}.{TMP_TAG}-{uuid.uuid4().hex[:8]}"
        self._fd: int | None = None  # holds the lock on tmp
        self._created = False

    def __enter__(self) -> Path:
        self._guarded(self._enter)
        return self.tmp

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self._guarded(self._commit)
            return
        self._discard()
        if issubclass(exc_type, OSError):
            raise OutputError(describe(exc, self.out, self.tmp)) from exc

    def _guarded(self, step: Callable[[], None]) -> None:
        """Run a step; on any failure remove what this run wrote, an OSError becoming an OutputError."""
        try:
            step()
        except OSError as e:
            self._discard()
            raise OutputError(describe(e, self.out, self.tmp)) from e
        except BaseException:
            self._discard()
            raise

    def _exists_error(self, why: str) -> OutputExistsError:
        return OutputExistsError(f"output directory {str(self.out)!r} already exists{why}; "
                                 "choose another --out or pass --force to replace it")

    def _enter(self) -> None:
        if os.path.lexists(self.out) and not self.force:
            raise self._exists_error("")
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
        except FileExistsError as e:  # a file where a directory should be: say so
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), e.filename) from e
        stale: list[tuple[Path, int]] = []
        try:
            with _dir_lock(self.out.parent):
                stale, live = _siblings(self.out)
                if not self.force and os.path.lexists(self.out):
                    raise self._exists_error("")
                if not self.force and live:
                    raise self._exists_error(
                        f" as an unfinished dataset: another simgen run ({_owner(live[0])}) is writing it into "
                        f"{live[0].name!r}")
                with interrupt.masked():  # a signal's Terminated between the two would leave the folder behind
                    self.tmp.mkdir()
                    self._created = True
                self._fd = open_dir(self.tmp)
                try_lock(self._fd)
                owner = {"pid": os.getpid(), "host": socket.gethostname(),
                         "started": datetime.now(UTC).isoformat(timespec="seconds"), "out": str(self.out)}
                write_text(self.tmp / OWNER, json.dumps(owner) + "\n")
        finally:
            self._remove_stale(stale)  # locked by us now, and removed outside the parent's lock

    def _remove_stale(self, stale: list[tuple[Path, int]]) -> None:
        for path, fd in stale:
            try:
                who = _owner(path)
                _remove(path)
                self.notice(f"removed {str(path)!r}, left by a simgen run that ended without cleaning up ({who})")
            except OSError as e:
                self.notice(f"could not remove {str(path)!r}, left by a simgen run that ended without cleaning up: "
                            f"{os.strerror(e.errno) if e.errno else e}")
            finally:
                os.close(fd)

    def _commit(self) -> None:
        old = old_fd = None
        with interrupt.polled():  # the dataset is complete: a signal now waits until it is in place
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.tmp / OWNER)
            with _dir_lock(self.out.parent):
                if os.path.lexists(self.out):
                    if not self.force:
                        raise self._exists_error(" (another run finished it while this one was writing); "
                                                 "this run wrote nothing")
                    old = self.out.parent / f".{self.out.name}.{OLD_TAG}-{uuid.uuid4().hex[:8]}"
                    os.rename(self.out, old)
                try:
                    _rename_noreplace(self.tmp, self.out)
                except FileExistsError:
                    if old is not None:
                        os.rename(old, self.out)
                    raise self._exists_error(" (created by another program while this run was writing); "
                                             "this run wrote nothing") from None
                except BaseException:
                    if old is not None:
                        os.rename(old, self.out)
                    raise
                if old is not None and old.is_dir() and not old.is_symlink():
                    with contextlib.suppress(OSError):  # its removal below is ours; a crash midway
                        old_fd = open_dir(old)         # leaves it, unlocked, to the next run
                        try_lock(old_fd)
            self._created = False
            release(self._fd)
            self._fd = None
            if old is not None:
                try:
                    _remove(old)
                except OSError as e:
                    self.notice(f"could not remove the replaced dataset {str(old)!r}: "
                                f"{os.strerror(e.errno) if e.errno else e}")
                finally:
                    release(old_fd)

    def _discard(self) -> None:
        with interrupt.polled():  # a second Ctrl-C must not cut the clean-up short
            if self._created:
                shutil.rmtree(self.tmp, ignore_errors=True)
                self._created = False
                if os.path.lexists(self.tmp):
                    self.notice(f"could not remove the temporary directory {str(self.tmp)!r}")
            release(self._fd)
            self._fd = None


def _siblings(out: Path) -> tuple[list[tuple[Path, int]], list[Path]]:
    """The temporary and replaced directories of other runs for `out`: (dead, each with its fd
    locked by us; live). Call under the parent's lock."""
    pattern = re.compile(rf"\.{re.escape(out.name)}\.simgen-(?:tmp|old)-[0-9a-f]{{8}}")
    try:
        entries = list(os.scandir(out.parent))
    except OSError:  # unreadable: nothing can be judged, so nothing is removed
        return [], []
    found = [Path(e.path) for e in entries if pattern.fullmatch(e.name) and e.is_dir(follow_symlinks=False)]
    dead, live = claim_dead(found)
    return sorted(dead), sorted(live)


def _owner(path: Path) -> str:
    try:
        o = json.loads((path / OWNER).read_text())
        return f"pid {int(o['pid'])} on {str(o['host'])!r}, started {o['started']!s}"
    except (OSError, ValueError, KeyError, TypeError):
        return "owner unknown"


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


@contextlib.contextmanager
def _dir_lock(directory: Path) -> Iterator[None]:
    """An exclusive flock on a directory itself, held for a few file-system calls."""
    if fcntl is None:
        yield
        return
    try:
        fd = open_dir(directory, follow=True)
    except PermissionError:  # a directory we may write but not read: no lock, renames still refuse
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError as e:
            if e.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EINVAL):
                raise
            # a file system without locks: the renames below still refuse to replace a dataset
        yield
    finally:
        os.close(fd)


_AT_FDCWD, _RENAME_NOREPLACE = -100, 1


def _load_renameat2():
    if not sys.platform.startswith("linux"):
        return None
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn


_renameat2 = _load_renameat2()


def _rename_noreplace(src: Path, dst: Path) -> None:
    """Rename src to dst, failing with FileExistsError if dst exists: even an empty directory,
    which a plain rename(2) of a directory would silently replace."""
    if _renameat2 is not None:
        if _renameat2(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), _RENAME_NOREPLACE) == 0:
            return
        err = ctypes.get_errno()
        if err not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise OSError(err, os.strerror(err), str(src), None, str(dst))
    # no renameat2 here (or on this file system): the check and the rename are under the
    # parent's lock, which every simgen run takes
    if os.path.lexists(dst):
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(dst))
    os.rename(src, dst)
