"""sqlite (placeholder, filled in below)."""

from simgen.grader.dialects.base import DialectSpec

SPEC = DialectSpec(name="sqlite", sqlglot="sqlite")
