"""BigQuery (GoogleSQL): names case-insensitive, `project.dataset.table` names, NUMERIC is
(38, 9), EXTRACT(DAYOFWEEK) Sunday = 1, WEEK starts on Sunday, TIMESTAMP_DIFF counts whole units."""

from __future__ import annotations

from sqlglot import exp

from simgen.grader.dialects.base import DialectSpec, whole_units_elapsed

SPEC = DialectSpec(
    name="bigquery",
    sqlglot="bigquery",
    aliases=("bq", "googlesql"),
    title="BigQuery",
    identifiers="insensitive",
    decimal_default=(38, 9),
    cast_to_int="ROUND",
    dow_extract_plus_one=True,
    week_number_differs=True,
    rewrites={exp.TimestampDiff: whole_units_elapsed},
    refused=(("EXTRACT(WEEK ...)", "Sunday-based week numbers; use ISOWEEK or DATE_TRUNC"),),
)
