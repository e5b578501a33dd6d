"""A child interpreter that serves one kind of request over a socket pair: the one mechanism
behind the sandbox's query workers and the preparing workers.

    child = Child("simgen.grader.worker:worker_main", spec)    # starts at once, in the background
    child.wait_ready(timeout_s=60)                             # ("ready",) or raises SandboxError
    child.channel.send(request); child.channel.recv()
    child.kill()

Not multiprocessing's spawn: that re-imports the parent's __main__, which breaks when the grader
is driven from a script without a main guard. A child dies with its parent (PR_SET_PDEATHSIG on
Linux), so a supervisor killed with SIGKILL leaves no worker behind.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from multiprocessing.connection import Connection
from pathlib import Path

import psutil

from simgen.grader.errors import SandboxError

_BOOT = ("import sys, importlib; from multiprocessing.connection import Connection; "
         "from simgen.grader.child import die_with_parent; die_with_parent(); "
         "module, _, name = sys.argv[1].partition(':'); "
         "getattr(importlib.import_module(module), name)(Connection(int(sys.argv[2])))")


def die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies (a no-op elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before the request took effect
        os._exit(1)


class Child:
    """One child interpreter running `target` ("module:function", called with the channel), sent
    `payload` as its first message."""

    def __init__(self, target: str, payload: object, role: str = "sandbox worker") -> None:
        self.role = role
        parent, child = socket.socketpair()
        env = dict(os.environ)
        package_root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
        self.process = subprocess.Popen(
            [sys.executable, "-c", _BOOT, target, str(child.fileno())],
            pass_fds=(child.fileno(),), env=env, stdin=subprocess.DEVNULL, close_fds=True,
        )
        child.close()
        self.channel = Connection(parent.detach())
        self.channel.send(payload)
        self.psutil = psutil.Process(self.process.pid)

    def wait_ready(self, timeout_s: float, failure: str = "could not start") -> None:
        """Wait for the child's ("ready",); a ("fatal", message) or a death raises SandboxError."""
        if not self.channel.poll(timeout_s):
            self.kill()
            raise SandboxError(f"a {self.role} did not start in time")
        try:
            message = self.channel.recv()
        except (EOFError, OSError):
            self.kill()
            raise SandboxError(f"a {self.role} died while starting") from None
        if message[0] != "ready":
            self.kill()
            raise SandboxError(f"a {self.role} {failure}: {message[1]}")

    def rss(self) -> int | None:
        """Resident memory in bytes, or None if the process is gone."""
        try:
            return self.psutil.memory_info().rss
        except psutil.Error:
            return None

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            pass
        self.channel.close()
