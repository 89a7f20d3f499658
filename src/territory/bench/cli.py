"""``visitplan bench month``: options in, report out (a ``visitplan.bench_suites`` entry)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from routing.bench.options import (
    echo_written,
    int_list,
    load_suite_network,
    network_options,
    out_option,
)
from routing.errors import InputError, Problem
from routing.network import RoadNetwork
from routing.options import parse_lon_lat
from routing.rules import Rules, load_rules
from territory.bench.month import (
    PEOPLES_SQUARE,
    RADIUS_M,
    REPLACED,
    SEED,
    MonthRecord,
    SizeRuns,
    Territory,
    network_centre,
    run_size,
    territory,
)
from territory.bench.report import kept_long_records, write_month_report
from territory.month import PLANNING_MODES, MonthSettings

DEFAULTS = MonthSettings()
#: A territory smaller than this is no customer manager's.
MIN_RETAILERS = 10


def _planning_modes(_ctx: click.Context, _param: click.Parameter, value: str) -> tuple[str, ...]:
    modes = tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))
    unknown = [mode for mode in modes if mode not in PLANNING_MODES]
    if unknown or not modes:
        msg = f"unknown planning modes {unknown}; choose from {', '.join(PLANNING_MODES)}"
        raise click.BadParameter(msg)
    return modes


def _echo(record: MonthRecord) -> None:
    changed = record.weekday_changed_pct
    moved = "" if changed is None else f", {changed:.1f} % changed weekday"
    click.echo(
        f"{record.retailers} retailers, {record.run}: {record.visits} visits, "
        f"{record.travel_h:.2f} h travel, {record.unplanned} unplanned, "
        f"{record.violations} violations, {record.wall_s:.1f} s{moved}"
    )


def _settings(*, time_limit: float, steps: int, workers: int) -> MonthSettings:
    day = dataclasses.replace(
        DEFAULTS.day, time_limit_s=time_limit, max_solutions=steps, warm_start_steps=steps
    )
    return dataclasses.replace(DEFAULTS, day=day, workers=workers)


def _territory(
    roads: RoadNetwork, rules: Rules, *, size: int, office: tuple[float, float]
) -> Territory:
    try:
        return territory(roads, rules, size=size, office=office)
    except ValueError as error:
        msg = f"cannot place retailers around the office ({error}); give an office on the roads"
        raise InputError([Problem(source="--office", message=msg)]) from error


def _processes(count: int) -> str:
    return "1 process" if count == 1 else f"{count} processes"


def _convention(described: str, office: tuple[float, float], settings: MonthSettings) -> str:
    search = "a portfolio" if settings.day.portfolio else "one run"
    return (
        f"{described} Generated urban retailers (seed {SEED}) within {RADIUS_M / 1000:g} km "
        f"of the office at {office[0]:.4f},{office[1]:.4f}, e-bike, January 2027; the "
        "stability runs plan February 2027 (Spring Festival) after January. Day search: "
        f"{settings.day.max_solutions} steps, {search} per day, time cap "
        f"{settings.day.time_limit_s:g} s; days routed in {_processes(settings.workers)}. "
        "Every plan goes through the day and month checkers (the violations column)."
    )


@click.command()
@network_options
@click.option(
    "--sizes",
    default="100,250,500",
    show_default=True,
    callback=int_list(minimum=MIN_RETAILERS),
    help="Retailers of each generated territory, comma-separated.",
)
@click.option(
    "--planning",
    default=",".join(PLANNING_MODES),
    show_default=True,
    callback=_planning_modes,
    help="Planning modes of January, comma-separated.",
)
@click.option(
    "--office",
    default=None,
    help="Office LON,LAT (default: People's Square on the Shanghai extract, else the "
    "centre of the network's largest piece).",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0.1),
    default=DEFAULTS.day.time_limit_s,
    show_default=True,
    help="Safety cap in seconds on each day's search.",
)
@click.option(
    "--steps",
    type=click.IntRange(min=1),
    default=DEFAULTS.day.max_solutions,
    show_default=True,
    help="Search steps of each day (and of its warm start).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=DEFAULTS.workers,
    show_default=True,
    help="Processes routing the days.",
)
@click.option(
    "--stability/--no-stability",
    default=False,
    show_default=True,
    help="Also re-plan January and plan February with January's lines as the previous "
    "plan, and report the share of retailers whose weekday changed.",
)
@click.option(
    "--long-minutes",
    type=click.FloatRange(min=0),
    default=0.0,
    show_default=True,
    help="Also plan January with about this much search, to compare (0: no).",
)
@click.option(
    "--keep-long",
    is_flag=True,
    help="Keep the long-search rows of the month.csv already in --out instead of "
    "running the long search again.",
)
@out_option("month")
def month_command(
    *,
    shared_data: Path | None,
    network: str | None,
    sizes: list[int],
    planning: tuple[str, ...],
    office: str | None,
    time_limit: float,
    steps: int,
    workers: int,
    stability: bool,
    long_minutes: float,
    keep_long: bool,
    out: Path,
) -> None:
    """Month plans of generated territories by size: wall time and travel."""
    if stability and "lines" not in planning:
        msg = "--stability compares lines from month to month; add lines to --planning"
        raise click.UsageError(msg)
    rules = load_rules()
    roads, described = load_suite_network(network, shared_data, mode=rules.mode("ebike"))
    if office is not None:
        where = parse_lon_lat(office)
    else:
        where = PEOPLES_SQUARE if network is None else network_centre(roads)
    settings = _settings(time_limit=time_limit, steps=steps, workers=workers)
    runs = SizeRuns(
        planning=planning,
        settings=settings,
        stability=stability,
        long_minutes=0.0 if keep_long else long_minutes,
    )
    kept = kept_long_records(out / "month.csv", sizes) if keep_long else []
    records: list[MonthRecord] = []
    for size in sizes:
        land = _territory(roads, rules, size=size, office=where)
        records += run_size(land, runs, progress=_echo)
        records += [r for r in kept if r.retailers == size]
    convention = _convention(described, where, settings)
    if stability:
        convention += f" The last stability run replaces {REPLACED} retailers by new ones."
    echo_written(write_month_report(records, out, convention=convention))
