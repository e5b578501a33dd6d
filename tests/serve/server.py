"""`simgen serve` as a person starts it: a separate process, its address read from what it prints."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil

STARTUP_S = 120


@contextmanager
def running_server(*datasets: Path, progress: Path, port: int = 0) -> Iterator[tuple[str, subprocess.Popen]]:
    """Yields (url, process); stops it with SIGTERM as a service manager would, and checks that
    it leaves no worker behind."""
    args = [sys.executable, "-m", "simgen.cli", "serve", "--port", str(port), "--progress", str(progress)]
    for d in datasets:
        args += ["--data", str(d)]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        url = _address(proc)
        yield url, proc
    finally:
        children = [c.pid for c in psutil.Process(proc.pid).children(recursive=True)] if proc.poll() is None else []
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
        deadline = time.monotonic() + 10
        while any(psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE for pid in children):
            assert time.monotonic() < deadline, "workers outlived simgen serve"
            time.sleep(0.1)


def _address(proc: subprocess.Popen) -> str:
    deadline = time.monotonic() + STARTUP_S
    seen = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise AssertionError(f"simgen serve ended before it listened: {''.join(seen)}")
        seen.append(line)
        found = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
        if found:
            return found.group(1)
    raise AssertionError(f"simgen serve did not print its address within {STARTUP_S} s")
