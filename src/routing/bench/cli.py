"""``visitplan bench SUITE``: suites looked up by name, each a click command.

The built-in suites are ``solomon``, ``daily`` and ``matrix``; other packages add suites
through the ``visitplan.bench_suites`` entry points (as ``territory`` adds ``month``).
"""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path

import click

from routing.bench.commands import daily_command, matrix_command
from routing.bench.options import DEFAULT_RESULTS, echo_written, shared_data_dir
from routing.bench.report import RunRecord, write_reports
from routing.bench.solomon import CONVENTION, TITLE, load_instances, run_suite
from routing.bench.solvers import CORE, SOLVERS, RunLimits
from routing.solver import VrptwSettings

SUITES_GROUP = "visitplan.bench_suites"


def _solver_list(_ctx: click.Context, _param: click.Parameter, value: str) -> list[str]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in SOLVERS]
    if unknown or not names:
        msg = f"unknown solvers {unknown}; choose from {', '.join(SOLVERS)}."
        raise click.BadParameter(msg)
    # The core first, so every report compares the others with it.
    return sorted(dict.fromkeys(names), key=lambda name: name != CORE)


def _gap(value: float | None) -> float:
    # Rounded, plus 0.0: a gap of -0.0004 % prints as 0.00, not -0.00.
    return round(value or 0.0, 2) + 0.0


def _echo_record(record: RunRecord) -> None:
    if not record.ran:
        click.echo(f"{record.instance:8} {record.solver:8} {record.note}")
        return
    status = "feasible" if record.feasible else f"INFEASIBLE: {record.note}"
    click.echo(
        f"{record.instance:8} {record.solver:8} gap {_gap(record.gap_pct):6.2f} %  "
        f"{record.wall_s:5.1f} s  {record.vehicles} routes  {status}"
    )


@click.command()
@click.option(
    "--instances",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder of Solomon .txt files with solomon_bks.csv "
    "(default: $VISITPLAN_SHARED_DATA/solomon, else ../shared/data/solomon).",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0.1),
    default=60.0,
    show_default=True,
    help="Seconds per solver and instance.",
)
@click.option(
    "--solvers",
    default=",".join(SOLVERS),
    show_default=True,
    callback=_solver_list,
    help="Comma-separated solvers; a peer that is not installed gets a 'not installed' row.",
)
@click.option("--only", default="", help="Comma-separated instance names, e.g. R101,RC101.")
@click.option(
    "--limit-instances", type=click.IntRange(min=1), default=None, help="Run the first N."
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=VrptwSettings().workers,
    show_default=True,
    help="Processes of the core's multi-start, threads of VROOM (PyVRP uses one).",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Seed of PyVRP and of the core's ruins (worker i adds i).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder for solomon.csv, .md and .png (default benchmarks/results/solomon).",
)
def solomon_command(
    *,
    instances: Path | None,
    time_limit: float,
    solvers: list[str],
    only: str,
    limit_instances: int | None,
    workers: int,
    seed: int,
    out: Path | None,
) -> None:
    """Solomon VRPTW: the OR-Tools core against PyVRP and VROOM, gap to best known."""
    names = [name.strip() for name in only.split(",") if name.strip()]
    folder = instances or shared_data_dir() / "solomon"
    loaded = load_instances(folder, only=names, limit=limit_instances)
    limits = RunLimits(time_limit_s=time_limit, workers=workers, seed=seed)
    click.echo(f"{len(loaded)} instances x {len(solvers)} solvers x {time_limit:g} s")
    records = run_suite(loaded, solvers, limits, progress=_echo_record)
    convention = f"{CONVENTION} This run: {time_limit:g} s, workers {workers}, seed {seed}."
    paths = write_reports(
        records,
        out or DEFAULT_RESULTS / "solomon",
        suite="solomon",
        title=TITLE,
        convention=convention,
    )
    echo_written(paths)


class _SuiteGroup(click.Group):
    """A group whose commands are the suites, looked up by name."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(suites())

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return suites().get(cmd_name)


def suites() -> dict[str, click.Command]:
    """Return the suites by name: the built-in ones, then the entry points' ones."""
    found: dict[str, click.Command] = {
        "solomon": solomon_command,
        "daily": daily_command,
        "matrix": matrix_command,
    }
    for entry in entry_points(group=SUITES_GROUP):
        found.setdefault(entry.name, entry.load())
    return found


@click.group(cls=_SuiteGroup)
def bench_command() -> None:
    """Benchmark suites: each writes a CSV, a summary and a plot to benchmarks/results/SUITE/."""
