"""Reaching a Dask cluster: the one place a scheduler's address becomes a Client, for generating
(simgen/sim/dask_executor.py) and for grading (simgen/grader/cluster.py) alike. The command line
reads the address from --scheduler, else $DASK_SCHEDULER_ADDRESS."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simgen.errors import SimgenError

if TYPE_CHECKING:
    from distributed import Client

CONNECT_TIMEOUT_S = 10.0


class ClusterError(SimgenError):
    """The cluster cannot be reached, or could not run the work: nothing was written or graded (exit 2)."""


def connect(address: str, timeout_s: float | None = None) -> Client:
    """A Client of the scheduler at `address`, or ClusterError naming it (never a traceback)."""
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError("a Dask scheduler needs dask.distributed: pip install 'simgen[dask]'") from None
    timeout = timeout_s or CONNECT_TIMEOUT_S
    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        detail = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ClusterError(f"cannot reach the Dask scheduler at {address} within {timeout:g} s ({detail})") from None
