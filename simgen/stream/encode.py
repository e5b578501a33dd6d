"""Encoders: delivered records to bytes, a whole piece at a time (Arrow kernels, no row loops).

* jsonl: one object per line with the envelope and only the event's own columns, in the
  batch table's order; a NULL value (cancel_dt of a subscription start) is `null`.
* csv: a header, then every envelope and payload column (WIDE), empty where it does not apply.
* arrow: an Arrow IPC stream with the WIDE schema and the batch tables' types.

Text formats write times as ISO 8601 UTC (`2025-03-15T17:47:35Z`, fractions only when a time
has them), dates as `2025-03-15`, booleans as true/false, prices as `13.99`.
An encoder gives a file's header, each piece's bytes and the footer, so a stream or a rolling
file is header + pieces + footer.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from .events import ENVELOPE, EVENT_TYPES, KINDS, WIDE

T = TypeVar("T")
R = TypeVar("R")
ARROW_EOS = b"\xff\xff\xff\xff\x00\x00\x00\x00"


def _lit(text: str) -> pa.Scalar:
    """A literal for a string kernel. A plain Python str would be converted on every call, at a
    cost of two failed module imports each (pyarrow's scalar inference), more than the kernel."""
    return pa.scalar(text, pa.string())


EMPTY, QUOTE, Z, NULL = _lit(""), _lit('"'), _lit("Z"), _lit("null")


class Encoder(Protocol):
    ext: str

    def header(self) -> bytes: ...

    def encode(self, piece: pa.Table) -> bytes | pa.Buffer: ...

    def footer(self) -> bytes: ...


def public(piece: pa.Table) -> pa.Table:
    """The WIDE columns of delivered records: event_type named, internal columns dropped."""
    names = pa.array(EVENT_TYPES).take(piece["_kind"])
    cols = [names if f.name == "event_type" else piece[f.name] for f in WIDE]
    return pa.Table.from_arrays(cols, schema=WIDE)


def iso(col: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Timestamps as ISO 8601 UTC text; whole seconds drop the fraction."""
    col = pa.concat_arrays(col.chunks) if isinstance(col, pa.ChunkedArray) else col
    try:
        text = col.cast(pa.timestamp("s")).cast(pa.string())  # safe cast: fails on a fraction
    except pa.ArrowInvalid:
        text = col.cast(pa.string())
    return pc.binary_join_element_wise(pc.utf8_replace_slice(text, 10, 11, "T"), Z, EMPTY)


def _texts(piece: pa.Table) -> pa.Table:
    """WIDE with times as ISO text (what csv writes; JSON quotes them)."""
    cols = [iso(piece[f.name]) if pa.types.is_timestamp(f.type) else piece[f.name] for f in WIDE]
    return pa.Table.from_arrays(cols, names=WIDE.names)


class Csv:
    ext = "csv"

    def header(self) -> bytes:
        return (",".join(WIDE.names) + "\n").encode()

    def encode(self, piece: pa.Table) -> bytes:
        """Halves of the piece on two threads (Arrow's writer releases the GIL), joined in order."""
        half = (piece.num_rows + 1) // 2
        return b"".join(_on_threads(self._rows, [piece.slice(0, half), piece.slice(half)]))

    @staticmethod
    def _rows(piece: pa.Table) -> pa.Buffer:
        sink = pa.BufferOutputStream()
        pcsv.write_csv(_texts(public(piece)), sink, pcsv.WriteOptions(include_header=False, quoting_style="none"))
        return sink.getvalue()

    def footer(self) -> bytes:
        return b""


class ArrowStream:
    ext = "arrow"

    def header(self) -> bytes:
        return WIDE.serialize().to_pybytes()

    def encode(self, piece: pa.Table) -> bytes:
        return b"".join(b.serialize() for b in public(piece).combine_chunks().to_batches())

    def footer(self) -> bytes:
        return ARROW_EOS


class JsonLines:
    ext = "jsonl"

    def header(self) -> bytes:
        return b""

    def footer(self) -> bytes:
        return b""

    def encode(self, piece: pa.Table) -> pa.Buffer:
        """Each kind's lines with one string join over its own columns (kinds on two threads),
        then back in delivery order."""
        kinds = np.asarray(piece["_kind"])
        groups = [(k, rows) for k in range(len(KINDS)) if (rows := np.flatnonzero(kinds == k)).size]
        if not groups:
            return pa.py_buffer(b"")
        lines = _on_threads(lambda g: _json_lines(piece.select(_COLUMNS[g[0]]).take(pa.array(g[1])), g[0]), groups)
        order = np.argsort(np.concatenate([rows for _, rows in groups]), kind="stable")
        return _data(pa.concat_arrays(lines).take(pa.array(order)))


def _template(event_type: str, columns: list[str]) -> list[str | pa.Scalar]:
    """A kind's line: literal scalars around column names, '{"offset":' offset ',"event_id":' ..."""
    parts: list[str | pa.Scalar] = []
    literal = ""
    for name in [*ENVELOPE.names, *columns]:
        literal += f',"{name}":' if parts or literal else f'{{"{name}":'
        if name == "event_type":
            literal += f'"{event_type}"'
        else:
            parts += [_lit(literal), name]
            literal = ""
    return [*parts, _lit(literal + "}\n")]


_TEMPLATES = [_template(k.event_type, k.columns) for k in KINDS]
_COLUMNS = [[p for p in t if isinstance(p, str)] for t in _TEMPLATES]


def _json_lines(rows: pa.Table, kind: int) -> pa.Array:
    args = [_json_value(rows[p], WIDE.field(p).type) if isinstance(p, str) else p for p in _TEMPLATES[kind]]
    return pc.binary_join_element_wise(*args, EMPTY)


def _json_value(col: pa.ChunkedArray, type_: pa.DataType) -> pa.Array:
    col = pa.concat_arrays(col.chunks) if col.num_chunks != 1 else col.chunk(0)
    if pa.types.is_timestamp(type_):
        value = pc.binary_join_element_wise(QUOTE, iso(col), QUOTE, EMPTY)
    elif pa.types.is_string(type_) or pa.types.is_date(type_):
        text = col.cast(pa.string())
        text = _escape(text) if pa.types.is_string(type_) else text
        value = pc.binary_join_element_wise(QUOTE, text, QUOTE, EMPTY)
    else:
        value = col.cast(pa.string())
    return pc.fill_null(value, NULL) if value.null_count else value


_NEEDS_ESCAPE = r'["\\\x00-\x1f]'


def _escape(text: pa.Array) -> pa.Array:
    """JSON string escapes; the contract's labels never need them, so this is usually one scan."""
    if not pc.any(pc.match_substring_regex(text, _NEEDS_ESCAPE)).as_py():
        return text
    for code in (0x5C, 0x22, *range(0x20)):  # the backslash first: later escapes add backslashes
        escaped = {0x5C: "\\\\", 0x22: '\\"', 0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t"}.get(code, f"\\u{code:04x}")
        text = pc.replace_substring(text, chr(code), escaped)
    return text


def _data(lines: pa.Array) -> pa.Buffer:
    """The bytes of a string array's values, end to end (each value already ends in a newline)."""
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32, count=len(lines) + 1, offset=lines.offset * 4)
    return lines.buffers()[2][int(offsets[0]):int(offsets[-1])]


_POOL: ThreadPoolExecutor | None = None


def _on_threads(fn: Callable[[T], R], items: list[T]) -> list[R]:
    """fn over items on a small thread pool, results in order: Arrow kernels release the GIL,
    so a second core formats while the first does."""
    global _POOL
    if len(items) < 2 or (os.cpu_count() or 1) < 2:
        return [fn(i) for i in items]
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=min(os.cpu_count() or 1, 4), thread_name_prefix="simgen-encode")
    return list(_POOL.map(fn, items))


ENCODERS: dict[str, type] = {"jsonl": JsonLines, "csv": Csv, "arrow": ArrowStream}
