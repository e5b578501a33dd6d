"""The command line. The only module that imports click; domain errors become exit codes here.

    simgen --users 10M [--seed 0] [--out DIR] [--jobs N] [--profile default|edge] [--force]
    simgen verify DIR
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table as RichTable

from . import __version__
from .errors import SimgenError, UsageError
from .profile import PROFILES, default_out, parse_users

if TYPE_CHECKING:
    from .sim.engine import Config

# The engine (numpy, pyarrow, the simulator) and the grader (sqlglot, DuckDB) are imported by the
# commands that use them: `simgen check` should not pay for loading the simulator, nor the reverse.

class UserCount(click.ParamType):
    """Member counts: 100000, 10k, 2.5M, 1B."""

    name = "count"

    def convert(self, value, param, ctx) -> int:
        try:
            return parse_users(value)
        except SimgenError as e:
            self.fail(str(e), param, ctx)


class OutTarget(click.ParamType):
    """--out: a local directory (a Path) or an fsspec URL (kept as text)."""

    name = "dir|url"

    def convert(self, value, param, ctx) -> Path | str:
        if isinstance(value, Path) or "://" not in str(value):
            return click.Path(file_okay=False, path_type=Path).convert(value, param, ctx)
        return str(value)


def _fail(err: SimgenError, exit_code: int | None = None) -> None:
    """One line on stderr: never wrapped mid-path when piped, never read as markup (a path may
    hold `[/x]`)."""
    from rich.text import Text

    Console(stderr=True, soft_wrap=True).print("[bold red]Error:[/]", Text(str(err)), highlight=False)
    sys.exit(err.exit_code if exit_code is None else exit_code)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--users", type=UserCount(), help="Members to simulate: 100000, 10k, 2.5M, 10M.")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=0, show_default=True, help="Random seed.")
@click.option("--out", type=OutTarget(),
              help="Dataset directory to create (default: data/<profile>-<users>-s<seed>), or an fsspec URL "
                   "(s3://bucket/prefix, gs://..., file://...).")
@click.option("--jobs", type=click.IntRange(1, 256), default=os.cpu_count() or 1, show_default=True,
              help="Worker processes. The output is byte-identical for any value.")
@click.option("--scheduler", envvar="DASK_SCHEDULER_ADDRESS", metavar="ADDRESS",
              help="Run the chunks on a Dask cluster (tcp://HOST:PORT; default: $DASK_SCHEDULER_ADDRESS if set). "
                   "The output is byte-identical to a local run.")
@click.option("--profile", type=click.Choice(sorted(PROFILES)), default="default", show_default=True,
              help="'edge' packs every trap into a few thousand rows.")
@click.option("--force", is_flag=True, help="Replace --out if it exists (only once the new dataset is complete).")
@click.version_option(__version__, prog_name="simgen")
@click.pass_context
def main(ctx: click.Context, users, seed, out, jobs, scheduler, profile, force) -> None:
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
    out = out or default_out(profile, users, seed)
    from . import interrupt
    from .sim.engine import Config

    cfg = Config(seed=seed, users=users, profile=prof)
    try:
        with interrupt.stoppable():  # SIGTERM and SIGHUP clean up as Ctrl-C does
            manifest = _generate_with_progress(cfg, out, jobs, force, scheduler)
    except SimgenError as e:
        _fail(e)
    except KeyboardInterrupt as e:
        word = "terminated" if isinstance(e, interrupt.Terminated) else "interrupted"
        Console(stderr=True).print(f"{word}: nothing was written")
        sys.exit(interrupt.exit_code(e))
    _print_summary(out, manifest)
    if interrupt.pending():  # arrived while the finished dataset was being renamed into place
        import signal

        Console(stderr=True).print(f"{signal.Signals(interrupt.pending()).name} arrived once the dataset was "
                                   "complete: it is in place", markup=False, highlight=False)


def _generate_with_progress(cfg: Config, out: Path | str, jobs: int, force: bool,
                            scheduler: str | None = None) -> dict:
    from .sim.executor import make as make_executor

    executor = make_executor(jobs, scheduler)
    try:
        return _run_generation(cfg, out, jobs, force, executor)
    finally:
        close = getattr(executor, "close", None)
        if close:
            close()


def _run_generation(cfg: Config, out: Path | str, jobs: int, force: bool, executor) -> dict:
    from .sim.engine import generate

    console = Console(stderr=True)

    def notice(message: str) -> None:
        console.print(f"note: {message}", markup=False, highlight=False, soft_wrap=True)

    if not console.is_terminal:
        return generate(cfg, out, jobs=jobs, force=force, notice=notice, executor=executor)
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

        return generate(cfg, out, jobs=jobs, force=force, progress=report, notice=notice, executor=executor)


def _print_summary(out: Path | str, manifest: dict) -> None:
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
    console.print(f"planted truth: {str(out).rstrip('/')}/truth.json")


@main.command("verify")
@click.argument("dataset", type=click.Path(path_type=Path))
def verify_cmd(dataset: Path) -> None:
    """Check DATASET against its manifest: exit 0 if whole, 1 if anything is missing or altered."""
    from .verify import verify

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


@main.command("report")
@click.argument("dataset", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("realism-report.html"),
              show_default=True, help="The HTML page to write (never inside the dataset).")
def report_cmd(dataset: Path, out: Path) -> None:
    """Measure DATASET against published figures of a streaming service; write an HTML page."""
    from .dataset import Dataset
    from .report import measure, render

    try:
        ds = Dataset.open(dataset, require=("users", "seed", "tables"))
        figures = measure(ds)
    except SimgenError as e:
        _fail(e)
    if out.resolve().is_relative_to(Path(dataset).resolve()):
        _fail(UsageError(f"--out {out} is inside the dataset; write the report elsewhere"))
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(render(figures, ds), encoding="utf-8")
    tmp.replace(out)
    for f in figures:
        where = "" if f.within is None else ("  within" if f.within else "  OUTSIDE")
        click.echo(f"{f.title}: {f.shown()}{where}")
    click.echo(f"report: {out}")


@main.command("summary")
@click.argument("dataset", type=click.Path(path_type=Path))
def summary_cmd(dataset: Path) -> None:
    """Print the tables, rows and sizes of DATASET from its manifest."""
    from .dataset import Dataset

    try:
        manifest = Dataset.open(dataset, require=("profile", "users", "seed", "tables", "seconds")).to_json()
    except SimgenError as e:
        _fail(e)
    _print_summary(dataset, manifest)


# ---------------------------------------------------------------- the challenge bank and the grader
# Strings, not Paths: a URL (file:///..., s3://...) must keep its '//'.
_data_option = click.option("--data", "data", multiple=True, type=click.Path(),
                            help="Dataset to grade on, a folder or a URL fsspec reads (repeatable). "
                                 "Default: data/default and data/edge.")
_timeout_option = click.option(
    "--timeout", type=click.FloatRange(0.1, 3600), default=None,
    help="Seconds every query may run. Default: per challenge and dataset, 10x the reference solution's "
         "time there, at least 30 s (settable in the challenge's grading.toml).")


def _memory_value(ctx, param, value: str) -> str:
    from .grader.sandbox import parse_bytes

    if value.strip().lower() == "auto":
        return "auto"
    try:
        size = parse_bytes(value)
    except (ValueError, KeyError):
        raise click.BadParameter(f"{value!r} is not a size: write e.g. 512MB, 4GB or 2GiB, or auto") from None
    if size < 64 * 2**20:
        raise click.BadParameter(f"{value!r} is too little for DuckDB: give it at least 64MB")
    return value


_memory_option = click.option(
    "--memory", default="auto", show_default=True, callback=_memory_value,
    help="Memory a query may use, e.g. 4GB; auto: half the machine's memory shared by the workers, at least 2GB.")


@main.command("check")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--challenge", "challenge_id", help="Challenge id (default: the file's name without .sql).")
@_data_option
@click.option("--dialect", help="postgres, mysql, bigquery, snowflake, spark, tsql, oracle, sqlite, redshift, "
                                "trino, databricks or duckdb "
                                "(default: a '-- dialect: NAME' first line, else duckdb).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_timeout_option
@_memory_option
def check_cmd(file: Path, challenge_id, data, dialect, as_json, timeout, memory) -> None:
    """Grade one submission: exit 0 pass, 1 wrong, 2 cannot grade."""
    from .grader.grading import check

    graded = check(challenge_id or file.stem, path=file, dialect=dialect, data=data, timeout_s=timeout,
                   memory=memory)
    verdict = graded.verdict
    if verdict.status != "error":  # graded: counts as an attempt in the person's progress
        _remember(verdict, graded.submission, graded.dialect)
    if as_json:
        click.echo(verdict.to_json())
    else:
        _print_verdict(verdict)
    sys.exit(verdict.exit_code)


def _remember(verdict, submission, dialect: str | None) -> None:
    """Progress is a convenience: a home that cannot be written costs a warning, not the verdict."""
    from .progress import Progress

    try:
        text = submission.text if submission.text is not None else submission.path.read_text(encoding="utf-8")
        Progress().record(verdict.challenge, verdict, text, dialect)
    except (OSError, UnicodeDecodeError) as error:
        click.echo(f"simgen: progress not saved ({getattr(error, 'strerror', None) or error})", err=True)


def _print_verdict(verdict) -> None:
    console = Console(highlight=False, soft_wrap=True)
    style = {"pass": "bold green", "wrong": "bold red", "error": "bold yellow"}[verdict.status]
    label = {"pass": "PASS", "wrong": "WRONG", "error": "CANNOT GRADE"}[verdict.status]
    console.print(f"[{style}]{label}[/] ", end="")
    console.print(f"{verdict.challenge}: {verdict.message}", markup=False)


@main.command("grade")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@_data_option
@click.option("--jobs", type=click.IntRange(1, 64), default=os.cpu_count() or 1, show_default=True,
              help="Sandbox worker processes (with --scheduler: in each Dask worker).")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a report: .json, .csv, .xml (JUnit) or .html (a page with charts).")
@_timeout_option
@_memory_option
@click.option("--scheduler", envvar="DASK_SCHEDULER_ADDRESS", metavar="ADDRESS",
              help="Run the queries on this Dask cluster, e.g. tcp://host:8786 "
                   "(default: $DASK_SCHEDULER_ADDRESS; none: on this machine).")
def grade_cmd(folder: Path, data, jobs, report, timeout, memory, scheduler) -> None:
    """Grade FOLDER/<who>/<challenge_id>.sql: exit 0 when every submission could be graded."""
    from . import interrupt
    from .grader import report as reports
    from .grader.grading import collect, grade_all, resolve_datasets, workers

    if report is not None and report.suffix.lower() not in reports.FORMATS:
        raise click.BadParameter(f"{str(report)!r}: use a .json, .csv, .xml (JUnit) or .html file name",
                                 param_hint="'--report'")
    if report is not None:
        try:
            reports.check_writable(report)
        except SimgenError as e:
            _fail(e)
    subs = collect(folder)
    if not subs:
        raise click.UsageError(f"no submissions in {folder}: expected {folder}/<who>/<challenge_id>.sql")
    try:
        datasets = resolve_datasets(data)
    except SimgenError as e:
        _fail(e, exit_code=2)
    console = Console(stderr=True)
    results = []
    t0 = time.perf_counter()
    interrupted = 0  # the exit code of the signal that stopped the batch: 130, 143 or 129
    try:
        with interrupt.stoppable(), workers(datasets, jobs, timeout, memory, scheduler) as (preparer, box):
            with Progress(TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                          TimeRemainingColumn(), console=console, transient=True,
                          disable=not console.is_terminal) as bar:
                task = bar.add_task("grading", total=len(subs))
                for g in grade_all(subs, datasets, box, progress=lambda n: bar.advance(task, n), preparer=preparer,
                                   timeout_s=timeout):
                    results.append(g)
    except SimgenError as e:
        _fail(e)
    except KeyboardInterrupt as e:  # Ctrl-C, SIGTERM, SIGHUP: keep what was graded, a report marked incomplete
        interrupted = interrupt.exit_code(e)
    results.sort(key=lambda g: (g.submission.who, g.submission.challenge))  # the same order on every run
    seconds = time.perf_counter() - t0
    summary = reports.summary(results)
    _print_grade_summary(summary, seconds)
    if report is not None:
        try:
            reports.write(report, results, total=len(subs))
        except SimgenError as e:
            _fail(e)
        click.echo(f"report: {report}{' (incomplete)' if interrupted else ''}")
    if interrupted:
        Console(stderr=True, soft_wrap=True).print(
            f"interrupted: {len(results):,} of {len(subs):,} submissions graded"
            f"{'; the report says which' if report is not None else ''}", markup=False, highlight=False)
        sys.exit(interrupted)
    sys.exit(0 if all(g.verdict.status != "error" for g in results) else 2)


def _print_grade_summary(summary: dict, seconds: float) -> None:
    console = Console(highlight=False)
    t = RichTable(title=f"{summary['submissions']:,} submissions, {summary['distinct_queries']:,} distinct queries, "
                        f"{seconds:.1f} s")
    for col in ("challenge", "submissions", "passed", "wrong", "cannot grade", "pass rate"):
        if col == "challenge":  # an id is never cut or folded, whatever the width
            t.add_column(col, no_wrap=True, min_width=max((len(c) for c in summary["challenges"]), default=9))
        else:
            t.add_column(col, justify="right")
    for cid, c in summary["challenges"].items():
        t.add_row(cid, f"{c['submissions']:,}", f"{c['passed']:,}", f"{c['wrong']:,}", f"{c['error']:,}",
                  f"{c['pass_rate']:.1%}")
    console.print(t)
    if summary["failure_kinds"]:
        kinds = ", ".join(f"{k} {n:,}" for k, n in list(summary["failure_kinds"].items())[:6])
        console.print(f"most common failures: {kinds}")


@main.command("challenges")
def challenges_cmd() -> None:
    """List the challenge bank."""
    from . import challenges

    try:
        bank = challenges.bank()
    except SimgenError as e:
        _fail(e)
    t = RichTable(title="simgen challenges")
    # An id is what a person types next: never cut or folded, whatever the width; the rest folds.
    t.add_column("id", no_wrap=True, min_width=max((len(cid) for cid in bank), default=2))
    for col in ("title", "difficulty", "tables", "tags"):
        t.add_column(col, overflow="fold")
    for ch in bank.values():
        t.add_row(ch.id, ch.title, ch.difficulty, ", ".join(ch.tables), ", ".join(ch.tags))
    Console().print(t)


@main.command("show")
@click.argument("challenge_id")
def show_cmd(challenge_id: str) -> None:
    """Print a challenge's prompt."""
    from rich.markdown import Markdown

    from . import challenges

    try:
        ch = challenges.get(challenge_id)
    except SimgenError as e:
        _fail(e)
    Console().print(Markdown(ch.prompt))
    click.echo(f"\ndifficulty: {ch.difficulty}   tags: {', '.join(ch.tags)}   "
               f"hints: {len(ch.hints)} (`simgen hint {ch.id}`)")


@main.command("serve")
@click.option("--port", type=click.IntRange(0, 65535), default=8321, show_default=True,
              help="Port on 127.0.0.1 (0: any free port).")
@_data_option
@click.option("--progress", type=click.Path(dir_okay=False, path_type=Path),
              help="Where your progress is kept. Default: $SIMGEN_STATE/progress.json, else "
                   "~/.local/state/simgen/progress.json (shared with `simgen check` and `simgen hint`).")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in your web browser.")
@_memory_option
def serve_cmd(port: int, data, progress: Path | None, open_browser: bool, memory: str) -> None:
    """Practise in your browser: the challenges, an SQL editor, Run, Submit, hints and your progress."""
    from .serve import serve

    def ready(url: str) -> None:
        click.echo(f"simgen practice page: {url}  (Ctrl-C to stop)", nl=True)
        sys.stdout.flush()
        if open_browser:
            import webbrowser

            webbrowser.open(url)

    try:
        serve(port=port, data=data or None, progress=progress, memory=memory, ready=ready)
    except SimgenError as e:
        _fail(e)
    click.echo("simgen practice page stopped")


@main.command("hint")
@click.argument("challenge_id")
@click.option("--reset", is_flag=True, help="Hide the hints again.")
def hint_cmd(challenge_id: str, reset: bool) -> None:
    """Reveal the next hint of a challenge (the ones already seen are shown again)."""
    from . import challenges
    from .progress import Progress

    try:
        ch = challenges.get(challenge_id)
    except SimgenError as e:
        _fail(e)
    progress = Progress()
    if reset:
        progress.reset_hints(ch.id)
        click.echo(f"hints for {ch.id} hidden again")
        return
    shown = progress.reveal_hint(ch.id, len(ch.hints))
    for i in range(shown):
        click.echo(f"hint {i + 1}/{len(ch.hints)}: {ch.hints[i]}")
    if shown == len(ch.hints):
        click.echo("(no more hints)")


# ---------------------------------------------------------------- the event stream
_STREAM_FORMATS = ("jsonl", "csv", "arrow")  # simgen.stream.FORMATS, spelled here so the CLI starts without DuckDB
_TIMES = ["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%SZ"]


class Duration(click.ParamType):
    """Durations: 90, 30s, 250ms, 5m, 2h, 1d."""

    name = "duration"

    def convert(self, value, param, ctx) -> float:
        from .stream import parse_duration

        try:
            return float(value) if isinstance(value, (int, float)) else parse_duration(value)
        except ValueError as e:
            self.fail(str(e), param, ctx)


@main.command("stream")
@click.option("--users", type=UserCount(), help="Members of the dataset to replay (default: the profile's).")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=0, show_default=True, help="Random seed.")
@click.option("--profile", type=click.Choice(sorted(PROFILES)), default="default", show_default=True)
@click.option("--data", type=click.Path(file_okay=False, path_type=Path),
              help="Replay this dataset instead of generating (once, into the cache) the one for --users/--seed.")
@click.option("--format", "fmt", type=click.Choice(_STREAM_FORMATS), default="jsonl", show_default=True)
@click.option("--out", default="-", show_default=True, metavar="-|DIR",
              help="'-' for standard output, or a directory of rolling files.")
@click.option("--rate", type=click.FloatRange(min=0, min_open=True), help="Events per second (default: as fast as possible).")
@click.option("--speed", type=click.FloatRange(min=0, min_open=True),
              help="Replay the year this many times faster than real time (history before 2025 as a backfill).")
@click.option("--max-events", type=click.IntRange(min=0), help="Stop after this many events.")
@click.option("--until", type=click.DateTime(_TIMES), metavar="TIME",
              help="Only events before this UTC time: 2025-02-01 or 2025-02-01T12:00:00.")
@click.option("--late-fraction", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="Share of events delivered late, at most --max-lateness after their event time.")
@click.option("--max-lateness", type=Duration(), default="0s", show_default=True, help="e.g. 30s, 5m, 2h.")
@click.option("--duplicate-fraction", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="Share of events delivered twice (same event_id).")
@click.option("--roll-events", type=click.IntRange(min=1), help="With --out DIR: events per file (default 100,000).")
@click.option("--roll-seconds", type=click.FloatRange(min=0, min_open=True), help="With --out DIR: roll a file after this long.")
@click.option("--truth", type=click.Path(dir_okay=False, path_type=Path), help="Write the stream's truth (JSON) here too.")
@click.option("--jobs", type=click.IntRange(1, 256), default=os.cpu_count() or 1, show_default=True,
              help="Worker processes when the dataset must be generated.")
@click.pass_context
def stream_cmd(ctx: click.Context, users, seed, profile, data, fmt, out, rate, speed, max_events, until, late_fraction,
               max_lateness, duplicate_fraction, roll_events, roll_seconds, truth, jobs) -> None:
    """Replay the simulated year as an event stream, in event-time order, with known answers."""
    from . import stream as streaming

    chosen = [p for p in ("users", "seed", "profile") if ctx.get_parameter_source(p).name != "DEFAULT"]
    if data is not None and chosen:
        raise click.UsageError(f"--data replays an existing dataset; --{', --'.join(chosen)} choose one to generate")
    if rate is not None and speed is not None:
        raise click.UsageError("--rate and --speed are alternatives: give one")
    if late_fraction > 0 and max_lateness <= 0:
        raise click.UsageError("--late-fraction needs --max-lateness, how late an event may be (e.g. 5m)")
    if max_lateness > streaming.MAX_LATENESS_S:
        raise click.BadParameter(f"{max_lateness:g} s is more than 7 days", param_hint="'--max-lateness'")
    if out == "-" and (roll_events or roll_seconds):
        raise click.UsageError("--roll-events and --roll-seconds need --out DIR: standard output does not roll")
    opts = streaming.StreamOptions(
        format=fmt, out=None if out == "-" else Path(out), rate=rate, speed=speed, max_events=max_events, until=until,
        late_fraction=late_fraction, max_lateness_s=max_lateness, duplicate_fraction=duplicate_fraction,
        roll_events=roll_events or streaming.ROLL_EVENTS, roll_seconds=roll_seconds, truth=truth)

    def log(msg: str) -> None:
        click.echo(f"simgen stream: {msg}", err=True)

    try:
        if data is None:
            from .sim.engine import Config

            prof = PROFILES[profile]
            data = _stream_dataset(Config(seed=seed, users=users or prof.default_users, profile=prof), jobs, log)
        outcome = streaming.run(data, opts, log)
    except SimgenError as e:
        _fail(e)
    except KeyboardInterrupt as e:
        log(f"{'terminated' if isinstance(e, streaming.Terminated) else 'interrupted'}"
            f"{'; only complete files are left in ' + out if opts.out else ''}")
        sys.exit(143 if isinstance(e, streaming.Terminated) else 130)
    if outcome.status == "complete":
        _print_stream_summary(opts, outcome.summary, log)


def _stream_dataset(cfg: Config, jobs: int, log) -> Path:
    """The cached dataset for cfg, generated on first use."""
    from .errors import OutputExistsError
    from .stream import dataset_path, is_complete

    path = dataset_path(cfg)
    if not is_complete(path):
        damaged = path.exists()  # there, but not what was generated: replaced once the new one is whole
        log(f"generating {cfg.users:,} members (seed {cfg.seed}, {cfg.profile.name}) into {path} "
            f"({'again: the cached copy is damaged' if damaged else 'once'})")
        try:
            _generate_with_progress(cfg, path, jobs, force=damaged)
        except OutputExistsError:
            pass  # another stream generated it meanwhile
    return path


def _print_stream_summary(opts, summary: dict, log) -> None:
    counts = f"{summary['events']:,} events ({summary['late_events']:,} late, {summary['duplicate_events']:,} duplicates)"
    if opts.out:
        log(f"{counts} in {len(summary['files']):,} files in {opts.out}; truth: {opts.out / '_stream.json'}")
    elif opts.truth:
        log(f"{counts}; truth: {opts.truth}")
    else:
        click.echo(json.dumps(summary), err=True)


if __name__ == "__main__":
    main()
