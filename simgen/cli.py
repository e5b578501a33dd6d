"""The command line. The only module that imports click; domain errors become exit codes here.

    simgen --users 10M [--seed 0] [--out DIR] [--jobs N] [--profile default|edge] [--force]
    simgen verify DIR
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table as RichTable

from . import __version__
from .engine import MIN_USERS, Config, generate
from .errors import SimgenError
from .profile import PROFILES
from .verify import load_manifest, verify

_SUFFIX = {"": 1, "k": 10**3, "m": 10**6, "b": 10**9}
_COUNT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmMbB]?)\s*$")


class UserCount(click.ParamType):
    """Member counts: 100000, 10k, 2.5M, 1B."""

    name = "count"

    def convert(self, value, param, ctx) -> int:
        if isinstance(value, int):
            n = value
        else:
            m = _COUNT.match(str(value).replace("_", ""))
            if not m:
                self.fail(f"{value!r} is not a member count; use a whole number or a k/M/B suffix, "
                          "e.g. 100000, 10k, 2.5M, 1B", param, ctx)
            scaled = float(m.group(1)) * _SUFFIX[m.group(2).lower()]
            if scaled != int(scaled):
                self.fail(f"{value!r} is not a whole number of members", param, ctx)
            n = int(scaled)
        if n < MIN_USERS:
            self.fail(f"{value!r} is too few members; the smallest dataset has {MIN_USERS}", param, ctx)
        if n > 2**31 - 1:
            self.fail(f"{value!r} is too many members; the largest dataset has {2**31 - 1:,}", param, ctx)
        return n


def _label(n: int) -> str:
    for suffix, k in (("B", 10**9), ("M", 10**6), ("k", 10**3)):
        if n % k == 0:
            return f"{n // k}{suffix}"
    return str(n)


def _fail(err: SimgenError) -> None:
    Console(stderr=True).print(f"[bold red]Error:[/] {err}", highlight=False)
    sys.exit(err.exit_code)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--users", type=UserCount(), help="Members to simulate: 100000, 10k, 2.5M, 10M.")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=0, show_default=True, help="Random seed.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Dataset directory to create (default: data/<profile>-<users>-s<seed>).")
@click.option("--jobs", type=click.IntRange(1, 256), default=os.cpu_count() or 1, show_default=True,
              help="Worker processes. The output is byte-identical for any value.")
@click.option("--profile", type=click.Choice(sorted(PROFILES)), default="default", show_default=True,
              help="'edge' packs every trap into a few thousand rows.")
@click.option("--force", is_flag=True, help="Replace --out if it exists (only once the new dataset is complete).")
@click.version_option(__version__, prog_name="simgen")
@click.pass_context
def main(ctx: click.Context, users, seed, out, jobs, profile, force) -> None:
    """simgen: a realistic Netflix-like dataset with planted ground truth.

    With --users (or --profile) it generates a dataset; see the commands below for the rest.
    """
    if ctx.invoked_subcommand is not None:
        return
    given = {p.name for p in ctx.command.params if ctx.get_parameter_source(p.name).name != "DEFAULT"}
    if not given & {"users", "profile", "out", "seed"}:
        click.echo(ctx.get_help())
        return
    prof = PROFILES[profile]
    users = users or prof.default_users
    out = out or Path("data") / f"{profile}-{_label(users)}-s{seed}"
    cfg = Config(seed=seed, users=users, profile=prof)
    try:
        manifest = _generate_with_progress(cfg, out, jobs, force)
    except SimgenError as e:
        _fail(e)
    except KeyboardInterrupt:
        Console(stderr=True).print("interrupted: nothing was written")
        sys.exit(130)
    _print_summary(out, manifest)


def _generate_with_progress(cfg: Config, out: Path, jobs: int, force: bool) -> dict:
    console = Console(stderr=True)
    if not console.is_terminal:
        return generate(cfg, out, jobs=jobs, force=force)
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[rows]:>12,} rows  {task.fields[rate]:>10,.0f} rows/s"),
               TimeElapsedColumn(), TimeRemainingColumn()]
    t0 = time.perf_counter()
    with Progress(*columns, console=console, transient=True) as bar:
        tasks: dict[str, int] = {}

        def report(phase: str, done: int, total: int, rows: int) -> None:
            if phase not in tasks:
                label = "planning chunks" if phase == "plan" else "writing tables"
                tasks[phase] = bar.add_task(label, total=total, rows=0, rate=0.0)
            rate = rows / max(time.perf_counter() - t0, 1e-9)
            bar.update(tasks[phase], completed=done, rows=rows, rate=rate)

        return generate(cfg, out, jobs=jobs, force=force, progress=report)


def _print_summary(out: Path, manifest: dict) -> None:
    console = Console()
    t = RichTable(title=f"simgen {manifest['profile']} dataset: {manifest['users']:,} members, seed {manifest['seed']}")
    t.add_column("table")
    t.add_column("rows", justify="right")
    t.add_column("files", justify="right")
    t.add_column("MB", justify="right")
    total_rows = 0
    for name, info in manifest["tables"].items():
        mb = sum(f["bytes"] for f in info["files"]) / 1e6
        total_rows += info["rows"]
        t.add_row(name, f"{info['rows']:,}", str(len(info["files"])), f"{mb:,.1f}")
    console.print(t)
    console.print(f"{total_rows:,} rows in {manifest['seconds']:.1f} s -> {out}")
    console.print(f"planted truth: {out / 'truth.json'}")


@main.command("verify")
@click.argument("dataset", type=click.Path(path_type=Path))
def verify_cmd(dataset: Path) -> None:
    """Check DATASET against its manifest: exit 0 if whole, 1 if anything is missing or altered."""
    try:
        rep = verify(dataset)
    except SimgenError as e:
        _fail(e)
    if rep.ok:
        click.echo(f"{dataset}: whole ({rep.checked} files match the manifest)")
        return
    for line in rep.lines():
        click.echo(line)
    click.echo(f"{dataset}: NOT whole ({len(rep.lines())} problems in {rep.checked} files)", err=True)
    sys.exit(1)


@main.command("summary")
@click.argument("dataset", type=click.Path(path_type=Path))
def summary_cmd(dataset: Path) -> None:
    """Print the tables, rows and sizes of DATASET from its manifest."""
    try:
        manifest = load_manifest(dataset)
    except SimgenError as e:
        _fail(e)
    _print_summary(dataset, manifest)
if __name__ == "__main__":
    main()
