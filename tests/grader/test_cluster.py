"""`simgen grade --scheduler`: the queries run on a real Dask cluster (a LocalCluster of two
worker processes) and the report is the same as a local run's; a worker killed mid-batch costs no
job; an unreachable scheduler is a clear exit 2; a file:// dataset is copied to the workers' cache."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner

distributed = pytest.importorskip("distributed")

from simgen.cli import main
import simgen.cluster
from simgen.grader import cluster
from simgen.grader.cluster import DaskSandbox
from simgen.grader.sandbox import Job

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = ROOT / "expected"


@pytest.fixture(scope="module")
def worker_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("worker-cache")


@pytest.fixture(scope="module")
def dask_cluster(worker_cache):
    # The workers' own cache: what they copy or build is theirs, not the grader's.
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  env={"SIMGEN_CACHE": str(worker_cache)}) as lc:
        yield lc


@pytest.fixture(scope="module")
def client(dask_cluster):
    with distributed.Client(dask_cluster, set_as_default=False) as c:
        yield c


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    """References, wrong answers, a duplicate, a parse error and a forbidden statement."""
    root = tmp_path_factory.mktemp("cluster-submissions")
    for who, cid in (("alice", "second_highest_salary"), ("alice", "trial_conversion"),
                     ("bob", "first_touch_attribution"), ("carol", "second_highest_salary")):  # carol: a duplicate
        write(root / who / f"{cid}.sql", (EXPECTED / cid / "solution.sql").read_text(encoding="utf-8"))
    write(root / "dave" / "second_highest_salary.sql",
          (EXPECTED / "second_highest_salary" / "wrong" / "01_no_distinct.sql").read_text(encoding="utf-8"))
    write(root / "dave" / "trial_conversion.sql",
          (EXPECTED / "trial_conversion" / "wrong" / "01_rule_on_both_arms.sql").read_text(encoding="utf-8"))
    write(root / "erin" / "second_highest_salary.sql", "SELECT salary FROM salaries WHERE")
    write(root / "mallory" / "second_highest_salary.sql", "COPY users TO '/tmp/x'")
    return root


def grade(folder: Path, report: Path, *args: object):
    r = CliRunner(env={"COLUMNS": "400"}).invoke(main, ["grade", str(folder), "--jobs", "1", "--report", str(report),
                                                        *map(str, args)])
    return r, json.loads(report.read_text(encoding="utf-8"))["results"] if report.is_file() else None


def verdicts(results: list[dict], messages: bool = True) -> list[tuple]:
    return [(x["who"], x["challenge"], x["status"], x["kind"], x["message"] if messages else None) for x in results]


@pytest.fixture(scope="module")
def local(batch, small, edge, tmp_path_factory):
    out = tmp_path_factory.mktemp("local-report") / "local.json"
    r, results = grade(batch, out, "--data", small.path, "--data", edge.path)
    assert r.exit_code == 2, r.output  # the parse error and the forbidden one cannot be graded
    return results


def test_a_cluster_grades_as_this_machine_does(dask_cluster, batch, small, edge, local, tmp_path):
    r, results = grade(batch, tmp_path / "cluster.json", "--data", small.path, "--data", edge.path,
                       "--scheduler", dask_cluster.scheduler_address)
    assert r.exit_code == 2 and "Traceback" not in r.output, r.output
    assert verdicts(results) == verdicts(local)
    got = {(x["who"], x["challenge"]): (x["status"], x["kind"]) for x in results}
    assert got[("alice", "second_highest_salary")][0] == got[("carol", "second_highest_salary")][0] == "pass"
    assert got[("bob", "first_touch_attribution")][0] == "pass"
    assert got[("dave", "trial_conversion")][0] == "wrong"
    assert got[("erin", "second_highest_salary")] == ("error", "parse")
    assert got[("mallory", "second_highest_salary")] == ("error", "forbidden")


def test_the_scheduler_address_may_come_from_the_environment(dask_cluster, batch, small, edge, local, tmp_path,
                                                             monkeypatch):
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", dask_cluster.scheduler_address)
    r, results = grade(batch, tmp_path / "env.json", "--data", small.path, "--data", edge.path)
    assert verdicts(results) == verdicts(local), r.output


def test_a_worker_killed_mid_batch_costs_no_job(client, small):
    # Slow enough (about a second each) that tasks are running when one worker is killed.
    slow = "SELECT count(*) AS n FROM range({n}) a, range(4000) b WHERE (a.range + b.range) % 7 = 0"
    jobs = [Job(slow.format(n=40_000 + i), "small") for i in range(4)]
    pids = client.run(os.getpid)
    outcomes = []
    with DaskSandbox(client, {"small": small.path}, timeout_s=60, memory_limit="512MB", workers=1) as box:
        killed = None
        for job, outcome in box.run_many(iter(jobs)):
            outcomes.append((job, outcome))
            if killed is None:
                busy = _busy_worker(client)
                killed = pids[busy]
                os.kill(killed, signal.SIGKILL)
    assert killed is not None and not psutil.pid_exists(killed) or psutil.Process(killed).status() == "zombie"
    assert sorted(j.sql for j, _ in outcomes) == sorted(j.sql for j in jobs)  # one outcome per job
    for job, outcome in outcomes:
        assert not isinstance(outcome, Exception) or outcome.kind == "sandbox", outcome
    assert sum(not isinstance(o, Exception) for _, o in outcomes) >= len(jobs) - 1


def _busy_worker(client) -> str:
    """A worker running one of our tasks now (a task just finished; the next one starts at once)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for address, keys in client.processing().items():
            if any(str(k).startswith("simgen-query-") for k in keys):
                return address
        time.sleep(0.01)
    raise AssertionError("no worker is running a query")


def test_an_unreachable_scheduler_is_exit_2_naming_it(batch, small, tmp_path, monkeypatch):
    monkeypatch.setattr(simgen.cluster, "CONNECT_TIMEOUT_S", 1.0)
    r, results = grade(batch, tmp_path / "none.json", "--data", small.path, "--scheduler", "tcp://127.0.0.1:9")
    assert r.exit_code == 2, r.output
    assert "tcp://127.0.0.1:9" in r.output and "Dask scheduler" in r.output
    assert "Traceback" not in r.output and r.exception is None or isinstance(r.exception, SystemExit)
    assert results is None


def test_a_file_url_dataset_is_copied_to_the_workers_and_graded(dask_cluster, batch, small, edge, local, tmp_path,
                                                                worker_cache):
    r, results = grade(batch, tmp_path / "url.json", "--data", f"file://{small.path}", "--data", edge.path,
                       "--scheduler", dask_cluster.scheduler_address)
    # the same verdicts; messages may name the dataset by its URL
    assert verdicts(results, messages=False) == verdicts(local, messages=False), r.output
    copies = list((worker_cache / "cluster-datasets").glob("*/manifest.json"))
    assert len(copies) == 1 and copies[0].read_bytes() == (small.path / "manifest.json").read_bytes()
