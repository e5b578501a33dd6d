"""`simgen serve` on the command line: it prints its address, serves, stops cleanly on SIGTERM with
no worker left, and explains a busy port or a missing dataset (exit 2, no traceback)."""

from __future__ import annotations

import socket
import subprocess
import sys
import urllib.request

from .server import running_server


def test_serves_then_stops_on_sigterm_leaving_no_worker(small, tmp_path):
    with running_server(small.path, progress=tmp_path / "p.json") as (url, proc):
        with urllib.request.urlopen(url, timeout=30) as page:
            assert page.status == 200 and "second_highest_salary" in page.read().decode()
    assert proc.returncode == 0
    assert "stopped" in proc.stdout.read()


def test_a_busy_port_is_a_clear_error(small, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "simgen.cli", "serve", "--port", str(port),
                               "--data", str(small.path), "--progress", str(tmp_path / "p.json")],
                              capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr and "--port" in done.stderr
    assert "Traceback" not in done.stderr


def test_no_dataset_says_what_to_run(tmp_path):
    done = subprocess.run([sys.executable, "-m", "simgen.cli", "serve", "--port", "0"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "make run" in done.stderr and "Traceback" not in done.stderr
