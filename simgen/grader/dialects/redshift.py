"""redshift (placeholder, filled in below)."""

from simgen.grader.dialects.base import DialectSpec

SPEC = DialectSpec(name="redshift", sqlglot="redshift")
