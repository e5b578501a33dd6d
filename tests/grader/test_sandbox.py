"""The worker pool: results, limits enforced from inside and outside, replacement, overhead."""

from __future__ import annotations

import json
import os
import shutil
import signal
from pathlib import Path

import pyarrow as pa
import pytest

from simgen.dataset import DataFile, write_manifest
from simgen.errors import DatasetError
from simgen.grader.errors import CancelledError, LimitError, QueryError, SandboxError
from simgen.grader.sandbox import Job, Sandbox, dataset_tables, parse_bytes
from simgen.grader.sql import prepare

from .fixtures import SCHEMA


def test_run_returns_an_arrow_table(sandbox):
    table = sandbox.run(prepare("select user_id, name from users where user_id <= 2 order by user_id", "postgres",
                                SCHEMA), "tiny")
    assert isinstance(table, pa.Table)
    assert table.column_names == ["user_id", "name"]
    assert table.to_pylist() == [{"user_id": 1, "name": "John Doe"}, {"user_id": 2, "name": "Ann Lee"}]
    assert table.schema.field("user_id").type == pa.int64()


def test_a_large_result_arrives_whole_through_a_file_that_is_then_removed(dataset):
    from simgen.grader.worker import FILE_RESULT_BYTES

    rows = FILE_RESULT_BYTES // 16 + 1000  # two BIGINT columns: just over the file threshold
    with Sandbox({"tiny": dataset}, timeout_s=10, memory_limit="256MB", max_rows=rows) as box:
        table = box.run(f"select range as a, range * 3 as b from range({rows})", "tiny")
        assert table.num_rows == rows and table.nbytes > FILE_RESULT_BYTES
        assert table.column("b")[rows - 1].as_py() == 3 * (rows - 1)
        assert int(table.column("a").to_numpy().sum()) == rows * (rows - 1) // 2
        assert not list(Path(box._temp).rglob("result-*"))  # nothing left behind
        small = box.run("select 1 as x", "tiny")  # small results still come through the pipe
        assert small.to_pylist() == [{"x": 1}]


def test_collation_applies_to_one_query_only(sandbox):
    mysql = prepare("select count(*) as n from users where name = 'ann lee'", "mysql", SCHEMA)
    plain = prepare("select count(*) as n from users where name = 'ann lee'", "duckdb", SCHEMA)
    assert sandbox.run(mysql, "tiny").to_pylist() == [{"n": 2}]
    assert sandbox.run(plain, "tiny").to_pylist() == [{"n": 1}]


def test_runtime_errors_are_query_errors_without_paths(sandbox, dataset):
    with pytest.raises(QueryError) as caught:
        sandbox.run("select cast(name as integer) from users", "tiny")
    assert "Conversion" in caught.value.message and str(dataset) not in caught.value.message


def test_run_many_yields_every_job_with_its_tag(sandbox):
    jobs = [Job(f"select {i} as x", "tiny", tag=i) for i in range(20)]
    results = {job.tag: table.to_pylist() for job, table in sandbox.run_many(jobs)}
    assert results == {i: [{"x": i}] for i in range(20)}


def test_unknown_dataset_is_refused(sandbox):
    with pytest.raises(SandboxError, match="unknown dataset"):
        sandbox.run("select 1", "nope")


def test_dataset_tables_and_bytes(dataset, tmp_path):
    tables = dataset_tables(dataset)
    assert set(tables) == set(SCHEMA) and all(os.path.isabs(p) for ps in tables.values() for p in ps)
    with pytest.raises(DatasetError, match="no manifest.json"):
        dataset_tables(tmp_path)  # a folder of Parquet files is not a dataset without its manifest
    (tmp_path / "users").mkdir()
    shutil.copy2(dataset / "users" / "part-00000.parquet", tmp_path / "users" / "part-00000.parquet")
    (tmp_path / "users" / "stray.parquet").write_bytes(b"not listed")
    write_manifest(tmp_path, {"users": 1}, {"users": [DataFile.of(tmp_path, "users/part-00000.parquet", 1)]})
    assert dataset_tables(tmp_path) == {"users": [str((tmp_path / "users" / "part-00000.parquet").resolve())]}
    assert parse_bytes("2GB") == 2 * 10**9 and parse_bytes("512MiB") == 512 * 2**20


def test_workers_and_their_connections_are_reused_across_queries(sandbox):
    """A query costs a pipe round trip, not a process start (the round trip's time is a figure
    in bench/grade.py, never a bound here)."""
    sandbox.run("select 1", "tiny")
    pids, restarts = sandbox.pids, sandbox.restarts
    for i in range(60):
        assert sandbox.run(f"select {i} as x", "tiny").to_pylist() == [{"x": i}]
    assert sandbox.pids == pids and sandbox.restarts == restarts


@pytest.fixture()
def small_box(dataset):
    box = Sandbox({"tiny": dataset}, timeout_s=0.5, memory_limit="128MB", max_rows=100, workers=1)
    yield box
    box.close()


def test_a_hung_worker_is_killed_and_replaced_without_losing_the_batch(small_box):
    (pid,) = small_box.pids
    os.kill(pid, signal.SIGSTOP)  # a worker that no longer answers, like an uninterruptible query
    jobs = [Job("select 1 as x", "tiny", tag="hung"), Job("select 2 as x", "tiny", tag="next")]
    outcomes = {job.tag: outcome for job, outcome in small_box.run_many(jobs)}
    assert isinstance(outcomes["hung"], LimitError) and outcomes["hung"].limit == "time"
    assert outcomes["next"].to_pylist() == [{"x": 2}]
    assert small_box.restarts == 1 and small_box.pids != [pid]


def test_cancel_from_another_thread_stops_the_running_query_and_replaces_its_worker(dataset):
    import threading
    import time

    with Sandbox({"tiny": dataset}, timeout_s=120, memory_limit="256MB", max_rows=100, workers=1) as box:
        (pid,) = box.pids
        box.cancel()  # nothing runs: a no-op, and it does not stop the next query
        assert box.run("select 1 as x", "tiny").to_pylist() == [{"x": 1}]
        threading.Timer(0.5, box.cancel).start()
        started = time.monotonic()
        jobs = [Job("with recursive r(n) as (select 1 union all select n + 1 from r) select count(*) from r",
                    "tiny", tag="endless")]
        ((job, outcome),) = list(box.run_many(jobs))
        assert job.tag == "endless" and isinstance(outcome, CancelledError) and outcome.kind == "cancelled"
        assert time.monotonic() - started < 60  # not the 120 s limit
        assert box.pids != [pid] and box.run("select 2 as x", "tiny").to_pylist() == [{"x": 2}]


def test_memory_watchdog_kills_a_worker_over_its_cap(small_box):
    small_box.max_rss = 1  # any worker is "over": the next query that is still running gets stopped
    with pytest.raises(LimitError) as caught:
        small_box.run("select count(*) from range(10000000) a, range(1000) b", "tiny")
    assert caught.value.limit == "memory"
    small_box.max_rss = 10**12
    assert small_box.run("select 3 as x", "tiny").to_pylist() == [{"x": 3}]


def test_duckdb_timeout_leaves_the_worker_alive(small_box):
    pids = small_box.pids
    with pytest.raises(LimitError, match="longer than 0.5 s"):
        small_box.run("with recursive r(n) as (select 1 union all select n + 1 from r) select count(*) from r", "tiny")
    assert small_box.pids == pids and small_box.restarts == 0


def _not_parquet(root: Path) -> Path:
    """A dataset whose manifest lists a file that is not Parquet."""
    (root / "users").mkdir()
    (root / "users" / "part-00000.parquet").write_bytes(b"not parquet")
    write_manifest(root, {"users": 1}, {"users": [DataFile.of(root, "users/part-00000.parquet", 1)]})
    return root


def test_a_dataset_that_cannot_be_opened_fails_at_start(tmp_path):
    _not_parquet(tmp_path)
    with pytest.raises(SandboxError, match="could not open"):
        Sandbox({"bad": tmp_path}, workers=1)


def test_a_background_start_reports_its_failure_at_the_first_query_and_cleans_up(tmp_path, dataset):
    _not_parquet(tmp_path)
    # preload_bytes=0: no native copy is built here, so it is the workers that fail to open it.
    box = Sandbox({"bad": tmp_path}, workers=2, wait=False, preload_bytes=0)  # returns while they start
    assert box.pids == []
    with pytest.raises(SandboxError, match="could not open"):
        box.run("select 1", "bad")
    assert not Path(box._temp).exists()  # the failed start removed its temp space
    with Sandbox({"tiny": dataset}, workers=2, wait=False) as good:
        assert good.run("select 41 + 1 as x", "tiny").to_pylist() == [{"x": 42}]
        assert len(good.pids) == 2


def test_spilling_is_capped_inside_the_per_run_temp_space(dataset):
    box = Sandbox({"tiny": dataset}, timeout_s=20, memory_limit="64MB", temp_limit="1MB", workers=1)
    temp = box._temp
    try:
        with pytest.raises(LimitError) as caught:
            # A window over 3M distinct strings must hold them all sorted: ~150 MB, so with 64 MB of
            # memory it spills, at any thread count (a GROUP BY stopped spilling with one thread).
            box.run("select max(rn) from (select row_number() over (order by m) rn from "
                    "(select md5(range::varchar) m from range(3000000)))", "tiny")
        assert caught.value.limit == "disk" and temp not in caught.value.message
        assert sorted(os.listdir(temp)) == [".simgen-owner", "w0"]  # the worker's temp dir lives in the run's temp space
    finally:
        box.close()
    assert not os.path.exists(temp)


def test_limits_scale_with_the_dataset(tmp_path):
    """Answers of 3 rows per member must fit at 10M members; a small dataset keeps the floors."""
    from simgen.grader.sandbox import scaled_limits

    big = tmp_path / "big"
    (big / "t").mkdir(parents=True)
    (big / "manifest.json").write_text(json.dumps({"users": 10_000_000}))
    part = big / "t" / "part-00000.parquet"
    part.write_bytes(b"x" * (3 * 2**20))
    rows, temp = scaled_limits([big], [{"t": [str(part)]}])
    assert rows == 40_000_000 and temp == "1024MB"
    part.write_bytes(b"x" * (600 * 2**20))
    assert scaled_limits([big], [{"t": [str(part)]}]) == (40_000_000, "2400MB")
    small = tmp_path / "small"
    small.mkdir()
    (small / "manifest.json").write_text(json.dumps({"users": 6_000}))
    assert scaled_limits([small], [{}]) == (1_000_000, "1024MB")


@pytest.mark.parametrize("module, absent", [
    ("simgen.grader.worker", ("sqlglot", "simgen.grader.sql", "simgen.grader.compare")),
    ("simgen.grader.sandbox", ("sqlglot", "duckdb", "pyarrow")),
    ("simgen.grader.preparer", ("sqlglot", "duckdb", "pyarrow")),  # the children load them, not the supervisor
    ("simgen.grader.grading", ("sqlglot", "duckdb", "pyarrow")),  # check() starts its workers before loading them
    ("simgen.cli", ("sqlglot", "duckdb", "pyarrow", "numpy", "simgen.sim.engine")),
])
def test_start_up_imports_only_what_is_used(module, absent):
    # Every `simgen check` pays for its own imports and for its worker's; the worker is spawned
    # before the supervisor loads DuckDB, Arrow and sqlglot, so its start overlaps theirs.
    import subprocess
    import sys

    code = f"import sys, {module}; print(' '.join(sorted(m for m in {absent!r} if m in sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""
