"""Where records go: standard output, or rolling files that a file-source job can watch.

A rolling file is written under a hidden temporary name in the same directory and renamed
when complete (`os.replace` is atomic), so a watcher only ever sees whole files; file-source
jobs skip names that start with '.' or '_', which is also why the summary is `_stream.json`.
An interrupted run removes its temporary file. On standard output, a reader that goes away
(`| head`) ends the stream quietly: stdout is pointed at /dev/null, as the Python docs advise,
so the interpreter's own final flush cannot complain either.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa

from ..errors import OutputExistsError
from .delivery import Tally
from .encode import Encoder

SUMMARY = "_stream.json"


class PipeClosed(Exception):
    """The reader of standard output went away."""


class Stdout:
    """One stream on standard output: header, pieces, footer."""

    def __init__(self, encoder: Encoder, out: BinaryIO | None = None):
        self.enc = encoder
        self.out = out or sys.stdout.buffer
        self.tally = Tally()
        self.published = Tally()
        self._write(self.enc.header())

    def write(self, piece: pa.Table) -> None:
        self._write(self.enc.encode(piece))
        self.tally.add(piece)
        self.published = self.tally

    def poll(self) -> None:
        """Nothing rolls on standard output."""

    def close(self) -> None:
        self._write(self.enc.footer())

    def abort(self) -> None:
        try:
            self.out.flush()
        except BrokenPipeError:
            _silence_stdout()

    def _write(self, data: bytes | pa.Buffer) -> None:
        try:
            if len(data):
                self.out.write(data)
            self.out.flush()
        except BrokenPipeError:
            _silence_stdout()
            raise PipeClosed from None


def _silence_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


class RollingFiles:
    """Files `events-<first offset>.<ext>` in `root`, each complete before it is visible.

    A file rolls after `roll_events` records or `roll_seconds` of wall time, whichever comes
    first. Every file is a whole stream of its format (csv with its header, arrow with schema
    and end-of-stream marker), so each can be read alone.
    """

    def __init__(self, root: Path, encoder: Encoder, roll_events: int, roll_seconds: float | None):
        self.root = Path(root)
        if self.root.exists() and any(self.root.iterdir()):
            raise OutputExistsError(f"{str(self.root)!r} is not empty; stream into a new or empty directory")
        self.root.mkdir(parents=True, exist_ok=True)
        self.enc, self.roll_events, self.roll_seconds = encoder, roll_events, roll_seconds
        self.tally = Tally()
        self.published = Tally()
        self.files: list[str] = []
        self._file: BinaryIO | None = None
        self._tmp: Path | None = None
        self._name = ""
        self._rows = 0
        self._opened = 0.0

    def write(self, piece: pa.Table) -> None:
        start = 0
        while start < piece.num_rows:
            if self._file is None:
                self._open(int(piece["offset"][start].as_py()))
            part = piece.slice(start, self.roll_events - self._rows)
            self._file.write(self.enc.encode(part))
            self._rows += part.num_rows
            self.tally.add(part)
            start += part.num_rows
            if self._rows >= self.roll_events:
                self._commit()
        self.poll()

    def poll(self) -> None:
        """Roll a file that has been open `roll_seconds`, even while no record arrives."""
        if self._file is not None and self.roll_seconds is not None and \
                time.monotonic() - self._opened >= self.roll_seconds:
            self._commit()

    def close(self) -> None:
        if self._file is not None:
            self._commit()

    def abort(self) -> None:
        """Drop the file being written: it never becomes visible."""
        if self._tmp is None:
            return
        if self._file is not None:
            self._file.close()
        if (self.root / self._name).exists() and self._name not in self.files:
            self._published()  # stopped between the rename and the bookkeeping: the file is whole
        self._tmp.unlink(missing_ok=True)
        self._tmp = None

    def _open(self, first_offset: int) -> None:
        self._name = f"events-{first_offset:012d}.{self.enc.ext}"
        self._tmp = self.root / f".{self._name}.tmp"
        self._file = open(self._tmp, "wb")
        self._file.write(self.enc.header())
        self._rows, self._opened = 0, time.monotonic()

    def _commit(self) -> None:
        self._file.write(self.enc.footer())
        self._file.close()
        self._file = None
        os.replace(self._tmp, self.root / self._name)
        self._published()
        self._tmp = None

    def _published(self) -> None:
        self.files.append(self._name)
        self.published = self.tally.copy()
