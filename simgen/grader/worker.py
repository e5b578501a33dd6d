"""The worker process: one locked-down DuckDB per dataset, running one gated query at a time.

Runs in a separate process (started by sandbox.Sandbox with the spawn method) so that a query
DuckDB cannot interrupt, a crash, or a memory blow-up costs one worker, never the grading run.
Everything a submission could use to escape is closed here, in this order, before the first
query: views over the dataset's Parquet files (absolute paths) are created while file access is
still allowed; then `allowed_paths` is exactly those files (not directories: DuckDB's
allowed_directories would also allow writing there), external access goes off, extension
install/load goes off, limits are set, and the configuration is locked. Only `default_collation`
stays settable, for MySQL/T-SQL case-insensitive string comparison, and only the worker sets it.
"""

from __future__ import annotations

import itertools
import os
import re
import threading
from multiprocessing.connection import Connection

import duckdb
import pyarrow as pa

from simgen.grader.child import serve
from simgen.grader.workerspec import WorkerSpec

ALLOWED_COLLATIONS = {"", "nocase", "nocase.noaccent"}
FILE_RESULT_BYTES = 8 * 2**20  # results larger than this reach the supervisor through a file
_RESULT_FILES = itertools.count()


def _quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def open_dataset(tables: dict[str, list[str]], spec: WorkerSpec, temp_dir: str,
                 native: str | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB whose only readable data is `tables`, with every door closed.

    Each dataset gets its own database instance because allowed_paths and limits are per instance.
    """
    files = sorted({path for paths in tables.values() for path in paths})
    conn = duckdb.connect(config={
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "allow_unsigned_extensions": False,
        "allow_community_extensions": False,
        "threads": spec.threads,
    })
    conn.execute(f"SET allowed_paths = [{', '.join(_quote_string(f) for f in files)}]")
    # Views either way, so no statement can write to a table. A small dataset is read from a
    # native DuckDB copy attached READ_ONLY (no Parquet decoding per query: 2-4x faster);
    # a large one straight from its Parquet files.
    if native:
        conn.execute(f"ATTACH {_quote_string(native)} AS simgen_data (READ_ONLY)")
    for table, paths in tables.items():
        listing = ", ".join(_quote_string(p) for p in paths)
        source = f"simgen_data.{_quote_identifier(table)}" if native else f"read_parquet([{listing}])"
        conn.execute(f"CREATE VIEW {_quote_identifier(table)} AS SELECT * FROM {source}")
    os.makedirs(temp_dir, exist_ok=True)
    statements = [
        f"SET temp_directory = {_quote_string(temp_dir)}",
        f"SET max_temp_directory_size = {_quote_string(spec.temp_limit)}",  # only enforced when SET after connect
        f"SET memory_limit = {_quote_string(spec.memory_limit)}",
        f"SET GLOBAL max_execution_time = {max(1, int(spec.timeout_s * 1000))}",
        "SET enable_external_access = false",
        "SET allowed_configs = ['default_collation']",
        "SET lock_configuration = true",
    ]
    for statement in statements:
        conn.execute(statement)
    return conn


_PATHS: list[tuple[str, str]] = []


def sanitize(message: str) -> str:
    """DuckDB errors may quote file paths and carry a C++ stack trace; a submission must not learn
    where anything lives, and a person needs the error, not the trace."""
    message = message.split("\n\nStack Trace:", 1)[0]
    for path, label in _PATHS:
        message = message.replace(path, label)
    message = re.sub(r"(/[\w.\-]+){2,}", "<path>", message)
    return message.strip()


def run_query(conn: duckdb.DuckDBPyConnection, sql: str, collation: str, spec: WorkerSpec,
              limit_s: float | None = None) -> tuple[str, object]:
    """Execute one query; returns ("ok", ipc bytes) or (error kind, message).

    `limit_s` below the worker's DuckDB limit (spec.timeout_s, set once and locked): this query is
    interrupted from a timer thread of this process when it passes, which the query cannot
    change, since it is not a setting."""
    if collation not in ALLOWED_COLLATIONS:
        return "query", f"unknown collation {collation!r}"
    cursor = conn.cursor()  # a fresh connection: TEMP objects or prepared state never outlive a query
    timer = None
    if limit_s is not None and limit_s < spec.timeout_s:
        timer = threading.Timer(max(limit_s, 0.001), cursor.interrupt)
        timer.daemon = True
        timer.start()
    try:
        statements = cursor.extract_statements(sql)
        if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
            return "forbidden", "exactly one SELECT statement may run"
        if collation:
            cursor.execute(f"SET default_collation = {_quote_string(collation)}")
        reader = _comparable(cursor.sql(sql)).to_arrow_reader(8192)
        batches = []
        rows = size = 0
        for batch in reader:
            rows += batch.num_rows
            size += batch.nbytes
            if rows > spec.max_rows:
                return "rows", f"the query returned more than {spec.max_rows:,} rows"
            if size > spec.max_result_bytes:
                return "size", f"the result is larger than {spec.max_result_bytes // 2**20:,} MiB"
            batches.append(batch)
        # A big result goes through a file the supervisor maps: no pickled copy of it in either
        # process and no pipe to push it through (seconds at millions of rows).
        path = os.path.join(spec.temp_dir, f"result-{next(_RESULT_FILES)}.arrow") if size > FILE_RESULT_BYTES else None
        sink = pa.OSFile(path, "wb") if path else pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, reader.schema) as writer:
            for batch in batches:
                writer.write_batch(batch)
        if path:
            sink.close()
            return "ok_file", path
        return "ok", sink.getvalue().to_pybytes()
    except duckdb.InterruptException as error:
        return "time", sanitize(str(error))
    except (duckdb.InternalException, duckdb.FatalException) as error:
        # DuckDB's own bug, triggered by this query; the database is invalidated now, so the
        # supervisor replaces this worker (see Sandbox._collect).
        return "internal", sanitize(str(error)).splitlines()[0]
    except duckdb.OutOfMemoryException as error:
        message = sanitize(str(error))
        return ("disk" if "offload" in message else "memory"), message
    except (duckdb.Error, OSError, pa.ArrowException) as error:
        message = sanitize(str(error))
        if "INTERRUPT" in message:
            return "time", message
        if "temp_directory" in message or "max_temp_directory_size" in message or "offload" in message:
            return "disk", message
        if "Out of Memory" in message or "could not allocate" in message.lower():
            return "memory", message
        return "query", message
    finally:
        if timer is not None:
            timer.cancel()
            timer.join()  # a late interrupt lands on this query's own cursor, closed below, never the next
        if collation:
            try:
                cursor.execute("SET default_collation = ''")
            except duckdb.Error:
                pass
        cursor.close()


def _comparable(rel: duckdb.DuckDBPyRelation) -> duckdb.DuckDBPyRelation:
    """UHUGEINT reaches Arrow as a signed 128-bit decimal, so 2^128 - 1 would read as -1: such
    columns are cast to HUGEINT, exact for every value that fits and an error for the rest."""
    types = [str(t) for t in rel.types]
    if not any("UHUGEINT" in t for t in types):
        return rel
    columns = ", ".join(
        f"CAST(#{i} AS {t.replace('UHUGEINT', 'HUGEINT')}) AS {_quote_identifier(name)}" if "UHUGEINT" in t
        else f"#{i} AS {_quote_identifier(name)}"
        for i, (name, t) in enumerate(zip(rel.columns, types), start=1))
    return rel.project(columns)


def worker_main(channel: Connection, spec: WorkerSpec | None = None) -> None:
    """Entry point of a worker process: open every dataset, say ready, then serve queries forever.

    Protocol (tuples over a multiprocessing Pipe): in ("run", job_id, dataset, sql, collation[, limit_s]);
    out ("ready",), ("result", job_id, kind, payload), ("fatal", message). A result's kind "ok"
    carries an Arrow IPC stream as bytes, "ok_file" the path of a file holding one, in the
    worker's temp dir, that the supervisor maps and removes.
    """
    if spec is None:
        spec = channel.recv()
    try:
        for tables in spec.datasets.values():
            for paths in tables.values():
                for path in paths:
                    _PATHS.append((os.path.dirname(os.path.dirname(path)), "<dataset>"))
        _PATHS.append((spec.temp_dir, "<tmp>"))
        _PATHS.sort(key=lambda item: -len(item[0]))
        conns = {key: open_dataset(tables, spec, os.path.join(spec.temp_dir, f"db{index}"),
                                   (spec.native or {}).get(key))
                 for index, (key, tables) in enumerate(spec.datasets.items())}
    except Exception as error:  # noqa: BLE001 - report any start-up failure to the supervisor
        # Before any query: this message is for the person running the grader, with real paths.
        channel.send(("fatal", f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"))
        return
    channel.send(("ready",))

    def answer(message: tuple) -> tuple:
        _, job_id, dataset, sql, collation, *rest = message
        try:
            kind, payload = run_query(conns[dataset], sql, collation or "", spec, rest[0] if rest else None)
        except Exception as error:  # noqa: BLE001 - never let one query kill the loop silently
            kind, payload = "internal", sanitize(f"{type(error).__name__}: {error}").splitlines()[0]
        return "result", job_id, kind, payload

    serve(channel, answer)

