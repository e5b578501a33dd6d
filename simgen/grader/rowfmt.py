"""How rows and counts read in messages: short, unambiguous, the same everywhere."""

from __future__ import annotations

import datetime as dt
import decimal
import math

MAX_TEXT = 40


def format_value(value: object) -> str:
    """One value as a person would write it in SQL: 'text', 12.5, NULL, 2025-01-05."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        text = value if len(value) <= MAX_TEXT else value[: MAX_TEXT - 1] + "…"
        return "'" + text.replace("'", "''") + "'"
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return str(value)
        return f"{value:.10g}"
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def format_row(row: tuple | list | None) -> str:
    """(1, 'organic', NULL)"""
    if row is None:
        return "(no row)"
    return "(" + ", ".join(format_value(v) for v in row) + ")"


def pluralize(count: int, noun: str) -> str:
    """pluralize(1, 'row') -> '1 row'; pluralize(3, 'row') -> '3 rows'."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"
