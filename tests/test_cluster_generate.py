"""Generating on a Dask cluster: a real LocalCluster with separate worker processes gives the same
bytes as one local process, whether the parts come back to the driver or the workers write them
through fsspec; a worker killed mid-run changes nothing; an object store's dataset is committed by
its manifest, written last."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import fsspec
import pytest
from click.testing import CliRunner
from distributed import Client, LocalCluster

from simgen.cli import main
from simgen.dataset import Dataset
from simgen.cluster import ClusterError, connect
from simgen.errors import OutputExistsError, UsageError
from simgen.profile import DEFAULT
from simgen.sim import registry
from simgen.sim.context import Config
from simgen.sim.dask_executor import DaskExecutor
from simgen.sim.engine import generate
from simgen.sim.executor import InProcess

SMALL = Config(seed=5, users=6_000, profile=DEFAULT, chunk_users=2_000)


def identity(manifest: dict) -> dict:
    """The manifest less the two fields that record when and how long (never the same twice)."""
    return {k: v for k, v in manifest.items() if k not in ("created_at", "seconds")}


@pytest.fixture(scope="module")
def client():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict:
    return generate(SMALL, tmp_path_factory.mktemp("ref") / "ds", executor=InProcess())


def test_the_cluster_writes_the_bytes_one_process_writes(client, reference, tmp_path):
    executor = DaskExecutor(client)
    returned = generate(SMALL, tmp_path / "returned", executor=executor)  # parts travel back to the driver
    written = generate(SMALL, f"file://{tmp_path}/written", executor=executor)  # workers write them via fsspec
    assert identity(returned) == identity(written) == identity(reference)
    for folder in ("returned", "written"):
        assert Dataset.open(tmp_path / folder).verify().ok


def test_a_worker_killed_mid_run_changes_nothing(client, tmp_path, tmp_path_factory):
    cfg = Config(seed=6, users=8_000, profile=DEFAULT, chunk_users=1_000)
    local = generate(cfg, tmp_path_factory.mktemp("local") / "ds", executor=InProcess())
    outcome: dict = {}
    run = threading.Thread(target=lambda: outcome.update(
        manifest=generate(cfg, tmp_path / "ds", executor=DaskExecutor(client))))
    run.start()
    deadline = time.monotonic() + 120
    while not (busy := [w for w, tasks in client.processing().items() if tasks]):  # a chunk task is running
        assert time.monotonic() < deadline and run.is_alive(), "no task ever started"
        time.sleep(0.05)
    (pid,) = client.run(os.getpid, workers=busy[:1]).values()
    os.kill(pid, signal.SIGKILL)  # mid-task; its nanny starts a new worker, the scheduler reruns the task
    run.join(300)
    assert not run.is_alive() and "manifest" in outcome
    assert identity(outcome["manifest"]) == identity(local)
    assert pid not in client.run(os.getpid).values()


def test_an_object_store_is_committed_by_its_manifest_written_last(monkeypatch):
    fs = fsspec.filesystem("memory")
    url = "memory://simgen-test/ds"
    first = generate(SMALL, url, executor=InProcess())
    stored = json.loads(fs.cat(f"{url}/manifest.json"))
    assert identity(stored) == identity(first) and fs.exists(f"{url}/sessions/part-00002.parquet")

    with pytest.raises(OutputExistsError, match="already holds a dataset"):
        generate(SMALL, url, executor=InProcess())
    assert fs.exists(f"{url}/manifest.json") and fs.exists(f"{url}/sessions/part-00002.parquet")  # untouched

    builder = next(b for b in registry.CHUNK_BUILDERS if "sessions" in b.tables)
    calls = {"n": 0}

    def failing(ctx):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("a worker fails on its second chunk")
        return builder.build(ctx)

    patched = [type(b)(b.name, b.tables, b.per_chunk, failing) if b is builder else b
               for b in registry.CHUNK_BUILDERS]
    monkeypatch.setattr("simgen.sim.engine.CHUNK_BUILDERS", patched)
    with pytest.raises(RuntimeError, match="second chunk"):
        generate(SMALL, url, executor=InProcess(), force=True)
    # The old manifest went first (no mix of two datasets is ever readable), and what the failed
    # run wrote is gone: a reader sees no dataset there.
    assert not fs.exists(f"{url}/manifest.json")
    assert not fs.glob(f"{url}/*/part-*.parquet") and not fs.exists(f"{url}/truth.json")

    monkeypatch.undo()
    smaller = Config(seed=5, users=2_000, profile=DEFAULT, chunk_users=2_000)
    generate(SMALL, url, executor=InProcess())
    generate(smaller, url, executor=InProcess(), force=True)
    assert sorted(p.rsplit("/", 1)[-1] for p in fs.glob(f"{url}/sessions/*")) == ["part-00000.parquet"]
    assert json.loads(fs.cat(f"{url}/manifest.json"))["users"] == 2_000
    with pytest.raises(UsageError, match="inside one process"):
        generate(SMALL, "memory://simgen-test/other", jobs=2)


def test_the_command_line_on_a_cluster_matches_local_processes(client, tmp_path):
    address = client.scheduler.address
    runner = CliRunner()
    local = runner.invoke(main, ["--users", "3000", "--seed", "2", "--jobs", "2", "--out", str(tmp_path / "local")])
    # Its own process, as a person runs it: no Dask client of this test's to lean on.
    remote = subprocess.run([sys.executable, "-m", "simgen.cli", "--users", "3000", "--seed", "2", "--scheduler",
                             address, "--out", str(tmp_path / "remote")], capture_output=True, text=True, timeout=300)
    assert local.exit_code == 0 and remote.returncode == 0, remote.stderr
    read = lambda name: identity(json.loads((tmp_path / name / "manifest.json").read_text()))  # noqa: E731
    assert read("local") == read("remote")


def test_an_unreachable_scheduler_is_a_clear_error():
    with pytest.raises(ClusterError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9 within 1 s"):
        connect("tcp://127.0.0.1:9", timeout_s=1)
