"""A tiny hand-written dataset in the contract's exact schema (helpers imported by the tests).

The real generator lands separately; a few rows per table, chosen so that common traps show
(a NULL salary, a tie in salaries, a name that differs only by case, a converted member whose
first channel differs from the converting one), are enough to test the grader's stages.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from simgen.dataset import DataFile, write_manifest

from simgen.grader.sql import schema_from_tables
from simgen.spec import TABLES

D = date
T = datetime

ROWS: dict[str, list[tuple]] = {
    "users": [
        (1, "John Doe", "john@example.com", "US", D(2025, 1, 5), "basic", "tv", 1990, "America/New_York"),
        (2, "Ann Lee", "ann@example.com", "US", D(2025, 1, 20), "premium", "mobile", 1985, "America/Chicago"),
        (3, "Bo Chen", "bo@example.com", "GB", D(2024, 12, 30), "standard", "web", 2000, "Europe/London"),
        (4, "ann lee", "ann2@example.com", "DE", D(2025, 2, 1), "basic", "tablet", 1979, "Europe/Berlin"),
        (5, "Émile Zola", "emile@example.com", "FR", D(2025, 3, 3), "premium", "tv", 1995, "Europe/Paris"),
    ],
    "sessions": [
        (10, 1, T(2025, 1, 5, 9, 0), "tv", 600, 10.5),
        (11, 1, T(2025, 1, 7, 21, 30), "tv", 1200, 20.25),
        (12, 2, T(2025, 1, 20, 8, 15), "mobile", 300, 5.0),
        (13, 2, T(2025, 1, 21, 23, 59), "web", 3600, 60.0),
        (14, 3, T(2025, 1, 2, 12, 0), "web", 60, 1.0),
        (15, 4, T(2025, 2, 1, 18, 0), "tablet", 900, 15.0),
        (16, 5, T(2025, 3, 3, 7, 45), "tv", 2400, 40.125),
        (17, 5, T(2025, 3, 4, 7, 45), "tv", 2400, 39.875),
    ],
    "attribution": [
        (10, "organic", False), (11, "paid_search", True), (12, "social", False), (13, "email", True),
        (14, "display", False), (15, "referral", True), (16, "affiliate", False), (17, "organic", False),
    ],
    "friends": [(1, 2), (2, 1), (2, 3), (3, 2), (3, 4), (4, 3)],
    "friends_added": [(1, 2, T(2025, 1, 10)), (2, 3, T(2025, 1, 11)), (4, 3, T(2025, 2, 2)), (1, 5, T(2025, 3, 5))],
    "friends_removed": [(5, 1, T(2025, 3, 9))],
    "pages": [(100, "Drama", "genre"), (101, "Comedy", "genre"), (102, "Docs", "genre")],
    "page_likes": [(1, 100, T(2025, 1, 6)), (2, 100, T(2025, 1, 21)), (2, 101, T(2025, 1, 22)), (3, 102, T(2025, 1, 3))],
    "block_list": [(1, 4)],
    "ab_tests": [
        ("free_trial_7d", 1, "control", T(2025, 1, 5), 1), ("free_trial_7d", 2, "trial", T(2025, 1, 20), 2),
        ("free_trial_7d", 3, "trial", T(2025, 1, 2), 3), ("free_trial_7d", 4, "control", T(2025, 2, 1), 4),
    ],
    "subscriptions": [
        (1000, 1, "basic", D(2025, 1, 7), None, Decimal("9.99")),
        (1001, 2, "premium", D(2025, 1, 21), D(2025, 1, 25), Decimal("19.99")),
        (1002, 3, "standard", D(2025, 1, 2), D(2025, 2, 2), Decimal("14.99")),
        (1003, 4, "basic", D(2025, 2, 1), None, Decimal("9.99")),
    ],
    "salaries": [
        (1, "A", "Engineering", "SWE", 200, D(2020, 1, 1)), (2, "B", "Engineering", "SWE", 200, D(2021, 1, 1)),
        (3, "C", "Engineering", "SWE", 150, D(2022, 1, 1)), (4, "D", "Engineering", "SWE", None, D(2023, 1, 1)),
        (5, "E", "Finance", "Analyst", 300, D(2019, 1, 1)), (6, "F", "Data Science", "DS", 7, D(2024, 6, 1)),
    ],
    "email_daily": [
        (D(2025, 1, 1), "redesign", 100, 5), (D(2025, 1, 2), "redesign", 100, 9),
        (D(2025, 1, 1), "holdout", 100, 4), (D(2025, 1, 2), "holdout", 100, 5),
    ],
}

SCHEMA = schema_from_tables(TABLES)


def build_dataset(root: Path) -> Path:
    """Write ROWS as DATASET/<table>/part-00000.parquet in the contract's Arrow schema, and the
    manifest that makes the folder a dataset (the grader reads files through it)."""
    files = {}
    for spec in TABLES:
        columns = list(zip(*ROWS[spec.name])) if ROWS[spec.name] else [[] for _ in spec.columns]
        arrow = pa.table({c.name: pa.array(list(values), type=c.type) for c, values in zip(spec.columns, columns)},
                         schema=spec.schema)
        folder = root / spec.name
        folder.mkdir(parents=True)
        pq.write_table(arrow, folder / "part-00000.parquet")
        files[spec.name] = [DataFile.of(root, f"{spec.name}/part-00000.parquet", arrow.num_rows)]
    users = max(1, len(ROWS["users"]))
    write_manifest(root, {"simgen_version": "test", "seed": 0, "users": users, "profile": "default",
                          "chunk_users": users}, files)
    # Something a submission must never reach, next to the dataset: stands in for expected results.
    (root.parent / "expected.csv").write_text("secret,42\n")
    return root


def fingerprint(root: Path) -> dict[str, str]:
    """sha256 of every file under the dataset's parent: proves nothing was written or changed."""
    return {str(p.relative_to(root.parent)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.parent.rglob("*")) if p.is_file()}
