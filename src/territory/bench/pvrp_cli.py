"""``visitplan bench pvrp``: options in, report out (a ``visitplan.bench_suites`` entry)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from routing.bench.options import echo_written, out_option, shared_data_dir
from territory.bench.pvrp import PvrpCase, PvrpRecord, load_cases, run_case
from territory.bench.pvrp_report import convention, summary, write_pvrp_report
from territory.periodic import PeriodicSettings

#: The instances folder inside the shared data folder.
PVRP_DATA = "pvrp"


def _names(_ctx: click.Context, _param: click.Parameter, value: str) -> list[str]:
    return [name.strip() for name in value.split(",") if name.strip()]


def _echo(record: PvrpRecord) -> None:
    status = "feasible" if record.ok else f"INFEASIBLE: {record.feasible}"
    click.echo(
        f"{record.instance:5} n {record.n:3}  cost {record.cost:9.2f}  bks {record.bks:9.2f}  "
        f"gap {round(record.gap_pct, 2) + 0.0:5.2f} %  {record.wall_s:5.1f} s  {status}"
    )


def _folder(instances: Path | None, shared_data: Path | None) -> Path:
    return instances if instances is not None else shared_data_dir(shared_data) / PVRP_DATA


@click.command()
@click.option(
    "--instances",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of Cordeau PVRP files (p01 ... p32) with pvrp_bks.csv "
    "(default: the shared data folder's pvrp/).",
)
@click.option(
    "--shared-data",
    type=click.Path(path_type=Path),
    default=None,
    help="Shared data folder holding pvrp/ (default: $VISITPLAN_SHARED_DATA, else "
    "../shared/data).",
)
@click.option(
    "--only",
    default="",
    callback=_names,
    help="Comma-separated instance names, e.g. p01,p02 (default: every instance).",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0.1),
    default=120.0,
    show_default=True,
    help="Wall seconds of the search on each instance.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="The search's seed.")
@out_option("pvrp")
def pvrp_command(
    *,
    instances: Path | None,
    shared_data: Path | None,
    only: list[str],
    time_limit: float,
    seed: int,
    out: Path,
) -> None:
    """Cordeau periodic VRP: the month planner's periodic search, gap to best known."""
    cases = load_cases(_folder(instances, shared_data), only=only)
    settings = PeriodicSettings(time_limit_s=time_limit, seed=seed)
    click.echo(f"{len(cases)} instances x {time_limit:g} s")
    records = run_cases(cases, settings, out)
    click.echo("\n".join(summary(records)))


def run_cases(
    cases: Sequence[PvrpCase], settings: PeriodicSettings, out: Path
) -> list[PvrpRecord]:
    """Run every case, writing the report after each so a stopped run keeps its rows."""
    text = convention(time_limit_s=settings.time_limit_s, seed=settings.seed)
    records: list[PvrpRecord] = []
    paths = None
    for case in cases:
        records.append(run_case(case, settings))
        _echo(records[-1])
        paths = write_pvrp_report(records, out, convention=text)
    if paths is not None:
        echo_written(paths)
    return records
