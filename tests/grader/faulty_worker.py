"""A sandbox worker with one planted DuckDB fault, for fault-injection tests.

DuckDB's INTERNAL errors (a recursive CTE doubling a string past 4 GiB hits one) invalidate
the database: every later query on it fails with "database has been invalidated". Reaching the
real one takes gigabytes of memory, so this worker reproduces DuckDB's behaviour on a marker:
a query mentioning 'simgen_fault' raises InternalException with a stack trace, and every query
after it raises FatalException, exactly as an invalidated database does. Everything else is the
real worker.
"""

from __future__ import annotations

import duckdb

from simgen.grader import worker

MARKER = "simgen_fault"


class _Invalidated:
    fatal = False


class _Cursor:
    def __init__(self, real: duckdb.DuckDBPyConnection) -> None:
        self._real = real

    def __getattr__(self, name: str):
        return getattr(self._real, name)

    def sql(self, query: str):
        if _Invalidated.fatal:
            raise duckdb.FatalException("FATAL Error: Failed: database has been invalidated because of a previous "
                                        "fatal error. The database must be restarted prior to being used again.")
        if MARKER in query:
            _Invalidated.fatal = True
            raise duckdb.InternalException(
                'INTERNAL Error: Scalar function "||" threw an execution error, but the function is not marked as '
                "fallible\n\nStack Trace:\n\n/opt/lib/libduckdb.so(duckdb::Exception::ToJSON()+0x56) [0x1872a46]\n")
        return self._real.sql(query)


class _Connection:
    def __init__(self, real: duckdb.DuckDBPyConnection) -> None:
        self._real = real

    def __getattr__(self, name: str):
        return getattr(self._real, name)

    def cursor(self) -> _Cursor:
        return _Cursor(self._real.cursor())


def worker_main(channel) -> None:
    real_open = worker.open_dataset
    worker.open_dataset = lambda *args, **kwargs: _Connection(real_open(*args, **kwargs))
    worker.worker_main(channel)
