"""The Python API: the command line's operations as functions, for notebooks and scripts.

    import simgen

    path = simgen.generate("10k", seed=0, out="data/small")       # -> Path of the dataset
    con = simgen.open(path)                                        # DuckDB, one view per table
    con.sql("SELECT country, count(*) FROM users GROUP BY 1").show()
    sessions = simgen.scan(path, "sessions")                       # a polars LazyFrame
    [c.id for c in simgen.challenges()]                            # the challenge bank
    v = simgen.check("SELECT max(salary) AS salary FROM salaries", "second_highest_salary", data=path)
    v.passed, v.status, v.message, v.diff                          # the verdict, the diff as data

Every function reads a dataset through its manifest (simgen.dataset.Dataset), so a folder that
is not a dataset is a DatasetError naming it. `check` grades through the same code as `simgen
check` (simgen.grader.grading.check), in the same sandbox.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from simgen.errors import UsageError

if TYPE_CHECKING:
    import duckdb
    import polars

    from simgen.challenges import Challenge
    from simgen.grader.verdict import Verdict


def generate(users: int | str, seed: int = 0, out: str | os.PathLike | None = None, jobs: int | None = None,
             profile: str = "default", force: bool = False, scheduler: str | None = None) -> Path | str:
    """Generate a dataset and return its folder, as `simgen --users N --seed S --out DIR` does.

    `users` is a whole number or a k/M/B string ("10k", "2.5M"); `out` defaults to
    data/<profile>-<users>-s<seed>; `jobs` to the number of CPUs (the bytes are the same for any
    value). An existing `out` is an OutputExistsError unless `force`, which replaces it once the
    new dataset is complete. `out` may be an fsspec URL (s3://bucket/prefix...): it is returned
    as given. `scheduler` (a Dask scheduler's address) runs the chunks on that cluster; the bytes
    are the same.

    >>> path = simgen.generate("10k", seed=1, out="data/ten-k")  # doctest: +SKIP
    >>> sorted(p.name for p in path.iterdir())[:3]  # doctest: +SKIP
    ['ab_tests', 'attribution', 'block_list']
    """
    from simgen.profile import PROFILES, default_out, parse_users
    from simgen.sim.engine import Config
    from simgen.sim.engine import generate as write_dataset

    if profile not in PROFILES:
        raise UsageError(f"unknown profile {profile!r}; choose one of: {', '.join(sorted(PROFILES))}")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise UsageError(f"seed must be a whole number from 0 to 2**63 - 1, not {seed!r}")
    from simgen.sim.executor import make as make_executor
    from simgen.sim.output import is_url

    n = parse_users(users)
    path = (str(out) if is_url(out) else Path(out)) if out is not None else default_out(profile, n, seed)
    jobs = jobs or os.cpu_count() or 1
    executor = make_executor(jobs, scheduler)
    try:
        write_dataset(Config(seed=seed, users=n, profile=PROFILES[profile]), path, jobs=jobs, force=force,
                      executor=executor)
    finally:
        getattr(executor, "close", lambda: None)()
    return path


def tables(path: str | os.PathLike) -> dict[str, list[Path]]:
    """{table: [its Parquet files]} of a dataset, as its manifest lists them.

    >>> sorted(simgen.api.tables("data/default"))[:2]  # doctest: +SKIP
    ['ab_tests', 'attribution']
    """
    from simgen.dataset import Dataset

    ds = Dataset.open(path)
    return {name: ds.paths(name) for name in ds.tables}


def open(path: str | os.PathLike) -> duckdb.DuckDBPyConnection:  # noqa: A001 - simgen.open, as the spec names it
    """An in-memory DuckDB connection with one view per table of the dataset (read-only: the views
    read the Parquet files; nothing is ever written to the dataset).

    >>> con = simgen.open("data/default")  # doctest: +SKIP
    >>> con.execute("SELECT count(*) FROM users").fetchone()  # doctest: +SKIP
    (100000,)
    """
    from simgen.dataset import Dataset

    return Dataset.open(path).connect()


def scan(path: str | os.PathLike, table: str) -> polars.LazyFrame:
    """A polars LazyFrame over one table of the dataset; UsageError naming the tables if it has
    no such table.

    >>> simgen.scan("data/default", "sessions").group_by("device").len().collect()  # doctest: +SKIP
    """
    import polars as pl

    known = tables(path)
    if table not in known:
        import difflib

        close = difflib.get_close_matches(table, known, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"tables: {', '.join(sorted(known))}"
        raise UsageError(f"no table {table!r} in {path}; {hint}")
    return pl.scan_parquet([str(f) for f in known[table]])


def challenges() -> list[Challenge]:
    """The challenge bank, sorted by id: each with id, title, difficulty, tags, tables, prompt,
    columns (the output contract), order and hints. (`simgen.challenges` is this, callable.)"""
    from simgen.challenges import all_challenges

    return all_challenges()


def check(sql: str | os.PathLike, challenge: str | Challenge, *, dialect: str | None = "duckdb",
          data: str | os.PathLike | Sequence[str | os.PathLike] | None = None, timeout_s: float | None = None,
          memory: str = "auto") -> Verdict:
    """Grade a query for a challenge, as `simgen check` does, and return the Verdict.

    `sql` is the query's text (a pathlib.Path is read as a file); `dialect` one of duckdb,
    postgres, mysql, bigquery, snowflake, spark, tsql (None: the text's `-- dialect:` header,
    else duckdb). `data` is a dataset folder or a list of them; by default data/default and
    data/edge, where present, as for the command line. A submission passes only if it passes on
    every dataset.

    Never raises for anything a person can get wrong (a typo in the challenge id, no dataset, a
    query that does not parse or is not allowed): the verdict's status is then "error" and its
    message says what to do. `verdict.passed`, `.status` ("pass", "wrong", "error"), `.message`,
    `.kind`, and `.diff` for a wrong answer: row counts, column names and example rows.

    >>> v = simgen.check("SELECT max(salary) AS salary FROM salaries", "second_highest_salary",
    ...                  data="data/default")  # doctest: +SKIP
    >>> v.status, v.diff["missing_examples"], v.diff["extra_examples"]  # doctest: +SKIP
    ('wrong', [[99000]], [[100000]])
    """
    from simgen.grader.grading import check as grade_one

    cid = challenge if isinstance(challenge, str) else challenge.id
    if isinstance(sql, Path):
        graded = grade_one(cid, path=sql, dialect=dialect, data=data, timeout_s=timeout_s, memory=memory)
    else:
        graded = grade_one(cid, text=str(sql), dialect=dialect, data=data, timeout_s=timeout_s, memory=memory)
    return graded.verdict
