"""Every reference solution still gives its checked-in golden result on the default and edge
datasets (regenerate with scripts/golden.py after an intended change, and review the diff)."""

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from simgen import challenges
from simgen.grader.compare import compare
from simgen.grader.expected import compute

ROOT = Path(__file__).resolve().parents[1]
IDS = sorted(challenges.bank())


@pytest.mark.parametrize("name", ["medium", "edge"])
@pytest.mark.parametrize("cid", IDS)
def test_reference_matches_golden(request, cid, name):
    ds = request.getfixturevalue(name)
    ch = challenges.get(cid)
    golden = ROOT / "expected" / cid / "golden" / f"{'default' if name == 'medium' else 'edge'}.parquet"
    assert golden.is_file(), f"no golden result for {cid}: run scripts/golden.py"
    diff = compare(compute(ch, ds.path), pq.read_table(golden), ordered=ch.ordered,
                   rel_tol=max(c.rel_tol for c in ch.columns) or 1e-9, abs_tol=max(c.abs_tol for c in ch.columns))
    assert diff.passed, f"{cid} on {name}: {diff.message}"
