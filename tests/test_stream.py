"""`simgen stream`: the replayed stream is the batch dataset, in order, with the faults asked for.

Most tests stream the session's `small` dataset (6,000 members in three chunks) in process;
the pipe, Ctrl-C and generate-on-first-use tests run the real command in a subprocess.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pytest
from click.testing import CliRunner

from simgen.cli import _STREAM_FORMATS, main
from simgen.stream import FORMATS, StreamOptions, run
from simgen.stream.events import WIDE
from simgen.stream.pace import TICK_S
from simgen.stream.sinks import SUMMARY

HOUR_US = 3_600 * 1_000_000

# Each batch table as a query over the stream's events `ev` (subscriptions: starts joined to cancellations).
REBUILD = {
    "sessions": "SELECT session_id, user_id, session_ts, device, duration_s, watch_minutes FROM ev WHERE event_type = 'session'",
    "attribution": "SELECT session_id, channel, conversion FROM ev WHERE event_type = 'session'",
    "page_likes": "SELECT user_id, page_id, liked_at FROM ev WHERE event_type = 'page_like'",
    "friends_added": "SELECT user_a, user_b, added_at FROM ev WHERE event_type = 'friend_added'",
    "friends_removed": "SELECT user_a, user_b, removed_at FROM ev WHERE event_type = 'friend_removed'",
    "ab_tests": "SELECT experiment_id, user_id, variant, assigned_at, unit_id FROM ev WHERE event_type = 'ab_assignment'",
    "subscriptions": """SELECT s.subscription_id, s.user_id, s.plan, s.sub_dt, c.cancel_dt, s.monthly_price
                        FROM ev s LEFT JOIN ev c ON c.event_type = 'subscription_cancelled'
                                                AND c.subscription_id = s.subscription_id
                        WHERE s.event_type = 'subscription_started'""",
}


def stream(data: Path, **options) -> tuple[bytes, dict]:
    out = io.BytesIO()
    outcome = run(data, StreamOptions(**options), stdout=out)
    assert outcome.status == "complete"
    return out.getvalue(), outcome.summary


def records(data: Path, **options) -> tuple[pa.Table, dict]:
    raw, summary = stream(data, format="arrow", **options)
    return pa.ipc.open_stream(raw).read_all(), summary


def events_table(con: duckdb.DuckDBPyConnection, fmt: str, path: Path) -> None:
    """Load a stream file of any format into table `ev` with the stream's (the contract's) types."""
    con.register("wide", WIDE.empty_table())
    con.execute("CREATE OR REPLACE TABLE ev AS SELECT * FROM wide")
    if fmt == "arrow":
        con.register("arrow_ev", pa.ipc.open_stream(path.read_bytes()).read_all())
        con.execute("INSERT INTO ev SELECT * FROM arrow_ev")
        return
    text = {n: "VARCHAR" for n in WIDE.names}
    reader = (f"read_json('{path}', format='newline_delimited', columns={text})" if fmt == "jsonl"
              else f"read_csv('{path}', header=true, columns={text})")
    con.execute(f"INSERT INTO ev BY NAME SELECT * FROM {reader}")


def int64(col) -> np.ndarray:
    return np.asarray(col.cast(pa.int64()))


def seen_before(t: np.ndarray) -> np.ndarray:
    """The largest event time delivered before each record (the first record: its own)."""
    return np.concatenate([t[:1], np.maximum.accumulate(t)[:-1]])


# ---------------------------------------------------------------- round trip
@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_rebuilds_every_batch_table(small, tmp_path, fmt):
    raw, summary = stream(small.path, format=fmt)
    path = tmp_path / f"events.{fmt}"
    path.write_bytes(raw)
    con = small.connect()
    events_table(con, fmt, path)
    assert con.execute("SELECT count(*) FROM ev").fetchone()[0] == summary["events"] > 100_000
    for name, query in REBUILD.items():
        rows = con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
        diff = con.execute(f"SELECT count(*) FROM (({query}) EXCEPT ALL (SELECT * FROM {name})"
                           f" UNION ALL ((SELECT * FROM {name}) EXCEPT ALL ({query})))").fetchone()[0]
        assert (name, diff) == (name, 0)
        assert con.execute(f"SELECT count(*) FROM ({query})").fetchone()[0] == rows > 0
    nulls = con.execute("SELECT count(*) FROM ev WHERE event_type = 'subscription_started' AND cancel_dt IS NULL")
    assert nulls.fetchone()[0] == summary["events_by_type"]["subscription_started"]


def test_cli_formats_are_the_stream_formats():
    assert tuple(_STREAM_FORMATS) == FORMATS


# ---------------------------------------------------------------- order, lateness, duplicates
def test_event_time_order_without_faults(small):
    ev, summary = records(small.path)
    t = int64(ev["event_time"])
    assert (np.diff(t) >= 0).all()
    assert (int64(ev["offset"]) == np.arange(ev.num_rows)).all()
    assert (int64(ev["event_id"]) == np.arange(ev.num_rows)).all()
    assert summary["late_events"] == summary["duplicate_events"] == 0
    assert not pa.compute.any(ev["late"]).as_py() and not pa.compute.any(ev["duplicate"]).as_py()
    # a subscription cancelled the day it started: the start comes first
    same_day = ev.filter(pa.compute.equal(ev["sub_dt"], ev["cancel_dt"]))
    started = {r["subscription_id"]: r["offset"] for r in ev.filter(pa.compute.equal(ev["event_type"], "subscription_started")).select(["subscription_id", "offset"]).to_pylist()}
    assert same_day.num_rows and all(started[r["subscription_id"]] < r["offset"] for r in same_day.to_pylist())


def test_lateness_stays_within_the_bound_and_is_marked(small):
    bound = 6 * HOUR_US
    ev, summary = records(small.path, late_fraction=0.2, max_lateness_s=6 * 3600)
    t = int64(ev["event_time"])
    before = seen_before(t)
    assert (before - t <= bound).all()  # nothing follows an event more than D later than itself
    late = np.asarray(ev["late"])
    assert (late == (t < before)).all()  # `late` is exactly what a consumer observes
    assert late.sum() == summary["late_events"]
    assert 0.8 * 0.2 < late.mean() <= 0.2 * 1.02
    assert 0.9 * 6 * 3600 < summary["max_observed_lateness_s"] <= 6 * 3600
    assert (int64(ev["offset"]) == np.arange(ev.num_rows)).all()
    assert sorted(int64(ev["event_id"])) == list(range(ev.num_rows))  # each event exactly once


def test_duplicates_counted_and_deduplicate_to_the_stream_without_them(small):
    faults = {"late_fraction": 0.2, "max_lateness_s": 3600}
    ev, summary = records(small.path, duplicate_fraction=0.1, **faults)
    clean, _ = records(small.path, **faults)
    dup = np.asarray(ev["duplicate"])
    assert dup.sum() == summary["duplicate_events"] == ev.num_rows - clean.num_rows
    assert abs(dup.sum() / clean.num_rows - 0.1) < 0.01
    ids = int64(ev["event_id"])
    _, first = np.unique(ids, return_index=True)
    assert not dup[first].any()  # the first delivery is the original
    kept = ev.take(pa.array(np.sort(first))).drop_columns(["offset"])
    assert kept.equals(clean.drop_columns(["offset"]))
    copies = ev.filter(pa.array(dup)).drop_columns(["offset", "duplicate", "late"])
    by_id = clean.take(pa.array(np.argsort(int64(clean["event_id"]))))
    originals = by_id.take(pa.array(int64(copies["event_id"]))).drop_columns(["offset", "duplicate", "late"])
    assert copies.equals(originals)  # a redelivery is the same event
    t = int64(ev["event_time"])
    assert (seen_before(t) - t <= HOUR_US).all()  # redeliveries keep the bound too


def test_until_is_a_prefix_of_the_full_stream(small):
    full, _ = records(small.path)
    part, summary = records(small.path, until=datetime(2025, 3, 1))
    cut = int(np.searchsorted(int64(full["event_time"]), 1_740_787_200 * 1_000_000))  # 2025-03-01 UTC
    assert part.equals(full.slice(0, cut)) and summary["events"] == cut


# ---------------------------------------------------------------- determinism
def test_same_options_same_bytes_whatever_the_slicing(small):
    opts = {"format": "jsonl", "late_fraction": 0.1, "max_lateness_s": 1800, "duplicate_fraction": 0.05}
    a, _ = stream(small.path, **opts)
    b, _ = stream(small.path, **opts)
    c, _ = stream(small.path, slice_rows=700, **opts)  # many more, smaller slices
    assert a == b == c


def test_generated_dataset_is_cached_and_the_seed_changes_the_bytes():
    def cli(seed: int) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "simgen.cli", "stream", "--users", "300", "--seed", str(seed),
                               "--max-events", "3000", "--jobs", "1"], capture_output=True, timeout=120, check=False)

    first, again, other = cli(5), cli(5), cli(6)
    assert first.returncode == again.returncode == other.returncode == 0, first.stderr
    assert b"generating" in first.stderr and b"generating" not in again.stderr
    assert first.stdout == again.stdout != other.stdout
    assert first.stdout.count(b"\n") == 3000


# ---------------------------------------------------------------- rolling files
@pytest.mark.parametrize("fmt", FORMATS)
def test_rolling_files_are_whole_and_concatenate_to_the_stream(small, tmp_path, fmt):
    opts = {"format": fmt, "late_fraction": 0.1, "max_lateness_s": 600, "max_events": 50_000}
    raw, _ = stream(small.path, **opts)
    out = tmp_path / "out"
    summary = run(small.path, StreamOptions(out=out, roll_events=12_000, **opts)).summary
    names = sorted(p.name for p in out.iterdir())
    files = [n for n in names if n != SUMMARY]
    assert not [n for n in names if n.startswith(".")]
    assert files == summary["files"] and len(files) == 5  # 4 x 12,000 + 2,000
    assert json.loads((out / SUMMARY).read_text()) == summary and summary["complete"]
    if fmt == "arrow":
        tables = [pa.ipc.open_stream((out / f).read_bytes()).read_all() for f in files]
        assert [t.num_rows for t in tables] == [12_000] * 4 + [2_000]
        assert pa.concat_tables(tables).equals(pa.ipc.open_stream(raw).read_all())
        return
    bodies = [(out / f).read_bytes() for f in files]
    if fmt == "csv":
        header, raw = raw.split(b"\n", 1)
        assert all(b.startswith(header + b"\n") for b in bodies)
        bodies = [b.split(b"\n", 1)[1] for b in bodies]
    assert [b.count(b"\n") for b in bodies] == [12_000] * 4 + [2_000]
    assert b"".join(bodies) == raw


def test_rolling_by_time(small, tmp_path):
    out = tmp_path / "out"
    run(small.path, StreamOptions(out=out, rate=400, max_events=500, roll_events=10_000, roll_seconds=0.3))
    sizes = [(out / f).read_bytes().count(b"\n") for f in sorted(os.listdir(out)) if f != SUMMARY]
    assert sum(sizes) == 500 and len(sizes) >= 3 and max(sizes) < 500


# ---------------------------------------------------------------- ending early
def _command(small, *args: str) -> list[str]:
    return [sys.executable, "-m", "simgen.cli", "stream", "--data", str(small.path), *args]


def test_closed_pipe_ends_quietly(small):
    proc = subprocess.Popen(_command(small), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lines = [proc.stdout.readline() for _ in range(5)]
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0, err
    assert all(json.loads(line)["offset"] == i for i, line in enumerate(lines))
    assert "Traceback" not in err and "Exception ignored" not in err and "BrokenPipe" not in err


def _hear_ctrl_c() -> None:
    """A runner may start the tests with SIGINT ignored (a background job), and children inherit that."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_leaves_only_whole_files(small, tmp_path):
    out = tmp_path / "out"
    proc = subprocess.Popen(_command(small, "--out", str(out), "--rate", "1000", "--roll-events", "300"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=_hear_ctrl_c)
    deadline = time.monotonic() + 60
    while not (out.exists() and any(p.name.startswith("events-") for p in out.iterdir())):
        assert time.monotonic() < deadline and proc.poll() is None, proc.stderr.read()
        time.sleep(0.05)
    time.sleep(0.15)  # mid-way through the next file
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 130
    err = proc.stderr.read().decode()
    assert "Traceback" not in err and "interrupted" in err
    names = sorted(p.name for p in out.iterdir())
    files = [n for n in names if n.startswith("events-")]
    assert files and names == sorted(files + [SUMMARY])  # no temporary file left behind
    for f in files:
        lines = (out / f).read_text().splitlines()
        assert len(lines) == 300 and all(json.loads(line) for line in lines)
    summary = json.loads((out / SUMMARY).read_text())
    assert not summary["complete"] and summary["events"] == 300 * len(files) and summary["files"] == files


# ---------------------------------------------------------------- rate control
# Pacing is checked on a simulated clock: when each record leaves is then a property of the code,
# not of how busy the machine is (the wall-clock figures are in bench/stream.py).
class FakeClock:
    """time.monotonic / time.sleep for the pacer: sleeping advances the clock, nothing else does."""

    def __init__(self):
        self.now = 1_000.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)


class Clocked(io.BytesIO):
    """Standard output that notes when (on the fake clock) each record arrives."""

    def __init__(self, clock: FakeClock):
        super().__init__()
        self.clock = clock
        self.times: list[float] = []

    def write(self, data) -> int:
        self.times += [self.clock.now] * bytes(data).count(b"\n")
        return super().write(data)


def _paced(data: Path, monkeypatch, **options) -> tuple[list[float], list[dict]]:
    """(seconds after the first record at which each record left, the records)."""
    from simgen.stream import pace

    clock = FakeClock()
    monkeypatch.setattr(pace, "time", clock)
    out = Clocked(clock)
    run(data, StreamOptions(**options), stdout=out)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    return [t - out.times[0] for t in out.times], records


def _on_time(times: list[float], due: list[float]) -> bool:
    """Each record leaves when it is due, or up to one tick early (records due together leave
    together); 1e-9 absorbs the clock's floating-point sums."""
    return len(times) == len(due) and all(d - TICK_S - 1e-9 <= t <= d + 1e-9 for t, d in zip(times, due))


def test_rate_holds_events_per_second(small, monkeypatch):
    assert _paced(small.path, monkeypatch, max_events=1_000)[0][-1] == 0  # no rate: nothing waits
    times, _ = _paced(small.path, monkeypatch, max_events=1_000, rate=2_000)
    assert _on_time(times, [n / 2_000 for n in range(1_000)])  # record n at n / 2,000 s


def test_speed_maps_simulated_time_to_wall_time(small, monkeypatch):
    first_hour = {"until": datetime(2025, 1, 1, 1)}  # the history before 2025 is a backfill
    assert _paced(small.path, monkeypatch, **first_hour)[0][-1] == 0
    times, records = _paced(small.path, monkeypatch, speed=7_200, **first_hour)
    event_s = [datetime.fromisoformat(r["event_time"].replace("Z", "+00:00")).timestamp() for r in records]
    anchor = max(event_s[0], datetime(2025, 1, 1, tzinfo=timezone.utc).timestamp())
    due = [max(0.0, s - anchor) / 7_200 for s in event_s]  # one simulated hour in half a second
    assert due[-1] > 0.4 and _on_time(times, due)


# ---------------------------------------------------------------- bad options
@pytest.mark.parametrize("args, message", [
    (["--rate", "-5"], "Invalid value for '--rate'"),
    (["--rate", "10", "--speed", "2"], "--rate and --speed are alternatives"),
    (["--late-fraction", "1.5"], "Invalid value for '--late-fraction'"),
    (["--duplicate-fraction", "-0.1"], "Invalid value for '--duplicate-fraction'"),
    (["--late-fraction", "0.1"], "--late-fraction needs --max-lateness"),
    (["--max-lateness", "soon"], "is not a duration"),
    (["--max-lateness", "30d"], "more than 7 days"),
    (["--format", "xml"], "Invalid value for '--format'"),
    (["--roll-events", "10"], "need --out DIR"),
    (["--until", "yesterday"], "Invalid value for '--until'"),
    (["--data", ".", "--users", "1000"], "--data replays an existing dataset"),
])
def test_bad_options_exit_2_with_a_message(args, message):
    result = CliRunner().invoke(main, ["stream", *args])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


def test_output_directory_must_be_empty(small, tmp_path):
    (tmp_path / "old.jsonl").write_text("{}\n")
    result = CliRunner().invoke(main, ["stream", "--data", str(small.path), "--out", str(tmp_path)])
    assert result.exit_code == 2 and "is not empty" in " ".join(result.output.split())
