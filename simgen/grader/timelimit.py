"""How long a submission's query may run: a limit that fits the challenge and the dataset.

A correct query that is merely slower than the reference (a join on `x IN (a, b)`, a correlated
subquery instead of a window) must not be refused, and a runaway query must still stop. So the
limit is derived from the reference solution's own time on that dataset, measured when its
expected result is computed (simgen/grader/expected.py):

    limit = max(floor_s, multiple x reference seconds), at most the grader's maximum

`multiple` (default 10) and `floor_s` (default 30 s) can be set per challenge, in
`expected/<id>/grading.toml`:

    [time_limit]
    multiple = 20
    floor_s = 60

`simgen check/grade --timeout S` overrides the rule: every query gets S seconds. The limit and
its reason go into the timeout message, so a person knows what they were measured against.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MULTIPLE = 10.0
DEFAULT_FLOOR_S = 30.0
MAX_S = 600.0  # the grader's maximum without --timeout: the sandbox's own DuckDB limit


@dataclass(frozen=True)
class TimeLimit:
    """Seconds a query may run, and why (for the message when it runs past them).

    >>> derive(2.1, 10, 30, 600).why
    "10x the reference's 2.1 s on this dataset, at least 30 s"
    """

    seconds: float
    why: str

    def message(self) -> str:
        return f"the query ran longer than {self.seconds:g} s and was stopped (limit {self.seconds:g} s: {self.why})"


def derive(reference_s: float | None, multiple: float = DEFAULT_MULTIPLE, floor_s: float = DEFAULT_FLOOR_S,
           cap_s: float = MAX_S) -> TimeLimit:
    """The limit for a challenge on a dataset whose reference ran in `reference_s` seconds.

    >>> derive(0.2, 10, 30, 600).seconds, derive(8.0, 10, 30, 600).seconds, derive(80.0, 10, 30, 600).seconds
    (30, 80.0, 600)
    >>> derive(None, 10, 30, 600).why
    'the reference time on this dataset is not known, so the floor of 30 s'
    """
    if reference_s is None:
        seconds, why = floor_s, f"the reference time on this dataset is not known, so the floor of {floor_s:g} s"
    else:
        scaled = multiple * reference_s
        seconds = max(floor_s, scaled)
        why = f"{multiple:g}x the reference's {_short(reference_s)} s on this dataset, at least {floor_s:g} s"
    if seconds > cap_s:
        return TimeLimit(cap_s, f"{why}, capped at the grader's maximum of {cap_s:g} s")
    return TimeLimit(seconds, why)


def fixed(seconds: float) -> TimeLimit:
    """The limit a person set with --timeout."""
    return TimeLimit(seconds, "set by --timeout")


def _short(seconds: float) -> str:
    return f"{seconds:.2g}" if seconds < 1 else f"{seconds:.1f}"
