"""The verdict on one submission: pass, wrong or error, with a message and JSON-ready details.

Exit codes follow the spec: 0 pass, 1 wrong (it ran, the result differs), 2 cannot grade (parse
error, forbidden construct, limit, unknown challenge...). A submission graded on several datasets
(main and edge) passes only if every dataset passes; `combine` folds per-dataset verdicts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from typing import TYPE_CHECKING

from simgen.errors import SimgenError

if TYPE_CHECKING:
    from simgen.grader.compare import Diff

STATUSES = ("pass", "wrong", "error")
EXIT_CODES = {"pass": 0, "wrong": 1, "error": 2}


@dataclass
class Verdict:
    """What a person (or a report) needs to know about one graded submission."""

    challenge: str
    passed: bool
    status: str
    message: str
    details: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {self.status!r}")
        if self.passed != (self.status == "pass"):
            raise ValueError("passed must be True exactly when status is 'pass'")

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]

    @property
    def kind(self) -> str:
        """One short word: "ok" for a pass, the diff's kind for a wrong result (missing_rows,
        wrong_values...), the error's for "cannot grade" (parse, forbidden, unknown_challenge...)."""
        return self.details.get("kind") or ("ok" if self.passed else self.status)

    @property
    def diff(self) -> dict | None:
        """The difference as data, for a wrong result: expected and actual row counts, the column
        names, examples of missing and unexpected rows (lists in column order), for an ordered
        challenge the first row that differs, and for a challenge with a key its `key` columns,
        `changed` (rows paired by key) and `pairs` (expected and actual row side by side, with the
        indices of the columns that differ); None for a pass or an error.

        >>> v = simgen.check("SELECT 1 AS salary", "second_highest_salary")  # doctest: +SKIP
        >>> v.diff["columns"], v.diff["missing_examples"], v.diff["extra_examples"]  # doctest: +SKIP
        (['salary'], [[...]], [[1]])
        """
        if self.status != "wrong":
            return None
        keys = ("kind", "dataset", "expected_rows", "actual_rows", "missing", "extra", "columns",
                "missing_examples", "extra_examples", "first_difference", "key", "changed", "pairs")
        return {k: self.details[k] for k in keys if k in self.details}

    def _repr_html_(self) -> str:
        """A notebook shows the verdict with its diff as tables (expected and yours, paired by key)."""
        from simgen.grader.html_report import verdict_html

        return verdict_html(self)

    def to_dict(self) -> dict:
        return {"challenge": self.challenge, "passed": self.passed, "status": self.status,
                "message": self.message, "details": self.details}

    def to_json(self) -> str:
        """One JSON object, as `simgen check --json` prints it."""
        return json.dumps(self.to_dict(), default=str, ensure_ascii=False)

    @classmethod
    def from_diff(cls, challenge: str, diff: Diff, dataset: str | None = None) -> Verdict:
        details = diff.to_dict()
        if dataset is not None:
            details["dataset"] = dataset
        message = diff.message if dataset is None or diff.passed else f"on the {dataset} dataset: {diff.message}"
        return cls(challenge, diff.passed, "pass" if diff.passed else "wrong", message, details)

    @classmethod
    def from_error(cls, challenge: str, error: SimgenError, dataset: str | None = None) -> Verdict:
        """Any SimgenError (GradeError, unknown challenge, usage...) means: cannot grade."""
        to_dict = getattr(error, "to_dict", None)
        details = to_dict() if callable(to_dict) else {"kind": error.kind, "message": str(error)}
        if dataset is not None:
            details["dataset"] = dataset
        return cls(challenge, False, "error", str(error), details)


def combine(challenge: str, verdicts: Sequence[Verdict]) -> Verdict:
    """All datasets must pass; the first error wins over the first wrong, which wins over pass."""
    if not verdicts:
        return Verdict(challenge, False, "error", "no dataset to grade on", {})
    for status in ("error", "wrong"):
        for verdict in verdicts:
            if verdict.status == status:
                return Verdict(challenge, False, status, verdict.message,
                               {**verdict.details, "datasets": [v.to_dict() for v in verdicts]})
    return Verdict(challenge, True, "pass", verdicts[0].message if len(verdicts) == 1
                   else f"passed on all {len(verdicts)} datasets", {"datasets": [v.to_dict() for v in verdicts]})


def exit_code(verdicts: Sequence[Verdict]) -> int:
    """For `check`: the worst status. (`grade` exits 0 when everything could be graded.)"""
    return max((v.exit_code for v in verdicts), default=2)
