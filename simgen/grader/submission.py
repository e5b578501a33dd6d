"""A submission as the supervisor sees it: its bytes read safely, and the prepared query that
comes back from a preparing worker. Free of sqlglot and DuckDB, so the grader's own process can
hold and compare prepared queries without loading either (preparing runs in child processes,
see preparer.py).
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from simgen.grader.errors import SubmissionError

MAX_BYTES = 64 * 1024  # a long interview answer is ~3 KB


@dataclass(frozen=True)
class Prepared:
    """A gated, normalized submission, ready for the sandbox.

    `sql` is canonical DuckDB SQL; `collation` is the default collation the source dialect
    compares strings with (None: binary, DuckDB's default); `columns` are the output names.
    """

    sql: str
    dialect: str
    columns: tuple[str, ...]
    collation: str | None = None
    source: str = field(default="", compare=False, repr=False)

    @property
    def key(self) -> str:
        """Cache key for identical submissions: same SQL and collation, same result."""
        return hashlib.sha256(f"{self.collation or ''}\0{self.sql}".encode()).hexdigest()



def decode_submission(data: bytes, max_bytes: int = MAX_BYTES) -> str:
    """Bytes of a .sql file to text: UTF-8 (with or without BOM) or UTF-16 with BOM, else refused."""
    if len(data) > max_bytes:
        raise SubmissionError(f"the file is {len(data):,} bytes; the limit is {max_bytes:,} bytes")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise SubmissionError(f"the file is not valid UTF-16 ({error.reason} at byte {error.start})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SubmissionError(
            f"the file is not valid UTF-8: byte 0x{data[error.start]:02x} at line {line} "
            f"(offset {error.start}); save it as UTF-8"
        ) from None


def read_submission(path: Path | str, max_bytes: int = MAX_BYTES) -> str:
    """Read a submission file with the size cap applied before the whole file is loaded.

    Only a regular file is read: a FIFO or a device would block or never end (opened without
    blocking, then refused by its type)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        raise SubmissionError(f"cannot read {path}: {error.strerror or error}") from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise SubmissionError(f"cannot read {path}: not a regular file")
        try:
            data = handle.read(max_bytes + 1)
        except OSError as error:
            raise SubmissionError(f"cannot read {path}: {error.strerror or error}") from None
    if len(data) > max_bytes:
        raise SubmissionError(f"the file is larger than the limit of {max_bytes:,} bytes")
    return decode_submission(data, max_bytes)
