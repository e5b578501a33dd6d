"""Databricks SQL: Spark SQL's semantics (read by sqlglot's Databricks dialect): names
case-insensitive, `/` always fractional (`div` truncates), casts to integer truncate, DAYOFWEEK
Sunday = 1, trunc(date, fmt) a DATE, datediff(end, start) in days."""

from __future__ import annotations

import dataclasses

from simgen.grader.dialects.spark import SPEC as _SPARK

SPEC = dataclasses.replace(_SPARK, name="databricks", sqlglot="databricks", aliases=("databrickssql", "dbsql"),
                           title="Databricks SQL")
