"""``visitplan bench daily`` and ``visitplan bench matrix``: options in, report out."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import click

from routing.bench.daily import DEFAULT_NAME, DailyRecord, alternatives, day_sizes, run_suite
from routing.bench.daily_report import daily_convention, write_daily_report
from routing.bench.matrix import MatrixRecord, against_networkx, grid_network, growth, timed
from routing.bench.matrix_report import write_matrix_report
from routing.bench.options import (
    echo_written,
    int_list,
    load_suite_network,
    network_options,
    out_option,
)
from routing.errors import InternalError
from routing.rules import load_rules
from routing.solver import SolverSettings

DAY_SEARCH = SolverSettings()
#: The synthetic grid is slow to route on (100k nodes): one timed run per size.
GRID_REPEATS = 1


def _stop_range(_ctx: click.Context, _param: click.Parameter, value: str) -> tuple[int, int]:
    parts = value.split("-")
    try:
        low, high = int(parts[0]), int(parts[-1])
    except ValueError:
        low = high = 0
    if len(parts) > 2 or not 2 <= low <= high:
        msg = f"expected LOW-HIGH shops a day, 2 <= LOW <= HIGH (e.g. 30-40), got {value!r}"
        raise click.BadParameter(msg)
    return low, high


def _require_highspy() -> None:
    if importlib.util.find_spec("highspy") is None:
        msg = "the proven optimum needs highspy: pip install -e '.[bench]'"
        raise click.UsageError(msg)


def _echo_day(record: DailyRecord) -> None:
    gap = "—" if record.gap_pct is None else f"{record.gap_pct:.3f} %"
    windows = ", windows" if record.windowed else ""
    click.echo(
        f"day {record.seed:2}{windows}: {record.visited}/{record.stops} visited, "
        f"{record.travel_s} s travel (optimum {record.optimum_s or '—'}), gap {gap}, "
        f"{record.solver_s:.2f} s  [{record.setting[:40]}]"
    )


@click.command()
@network_options
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=12,
    show_default=True,
    help="Seeded days (day k has seed k).",
)
@click.option(
    "--stops",
    default="30-40",
    show_default=True,
    callback=_stop_range,
    help="Shops a day, LOW-HIGH: the days cycle LOW, LOW+2, ... up to HIGH.",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0.1),
    default=DAY_SEARCH.time_limit_s,
    show_default=True,
    help="Safety cap in seconds on each day's search (it normally ends on --steps).",
)
@click.option(
    "--steps",
    type=click.IntRange(min=1),
    default=DAY_SEARCH.max_solutions,
    show_default=True,
    help="Search steps of each day (what normally ends its search).",
)
@click.option(
    "--warm-steps",
    type=click.IntRange(min=0),
    default=DAY_SEARCH.warm_start_steps,
    show_default=True,
    help="Steps of the travel-only tour that seeds each search (0: none).",
)
@click.option(
    "--compare-settings",
    is_flag=True,
    help="Also plan every day, and windowed variants, with other OR-Tools settings "
    "(writes daily_settings.csv/.md/.png).",
)
@out_option("daily")
def daily_command(
    *,
    shared_data: Path | None,
    network: str | None,
    days: int,
    stops: tuple[int, int],
    time_limit: float,
    steps: int,
    warm_steps: int,
    compare_settings: bool,
    out: Path,
) -> None:
    """Single days on real roads against the proven optimum (ATSP MIP, HiGHS)."""
    _require_highspy()
    rules = load_rules()
    roads, described = load_suite_network(network, shared_data, mode=rules.mode("ebike"))
    chosen = SolverSettings(
        max_solutions=steps, warm_start_steps=warm_steps, time_limit_s=time_limit
    )
    settings = alternatives(chosen) if compare_settings else {DEFAULT_NAME: chosen}
    sizes = day_sizes(days, *stops)
    click.echo(f"{days} days of {stops[0]}-{stops[1]} shops x {len(settings)} settings")
    variants = (False, True) if compare_settings else (False,)
    records = run_suite(
        roads, rules, sizes=sizes, settings=settings, variants=variants, progress=_echo_day
    )
    convention = daily_convention(described, sizes=sizes, rules=rules, settings=chosen)
    name = "daily_settings" if compare_settings else "daily"
    echo_written(write_daily_report(records, out, name=name, convention=convention))


def _echo_matrix(records: list[MatrixRecord]) -> list[MatrixRecord]:
    for r in records:
        peak = "" if r.peak_mib is None else f", peak {r.peak_mib:.1f} MiB"
        same = "" if r.identical is None else f", identical: {r.identical}"
        size = f"{r.points}x{r.points}"
        click.echo(f"{r.network[:30]} {r.method} {size}: {r.wall_s:.2f} s{peak}{same}")
    return records


def _matrix_method(*, seed: int, repeats: int, grid: bool) -> str:
    on_grid = f" ({GRID_REPEATS} on the grid)" if grid else ""
    return (
        f"Random points of each network's largest strongly connected piece (seed {seed}). "
        f"`road_matrix` (scipy Dijkstra, no cache): best of {repeats} runs{on_grid}; its "
        "peak memory traced (tracemalloc, numpy arrays included) in one more run. The "
        "networkx loop: one run of `single_source_dijkstra` per point on the same graph "
        "and weights."
    )


@click.command()
@network_options
@click.option(
    "--mode", "mode_name", default="ebike", show_default=True, help="Travel mode of the rules."
)
@click.option(
    "--sizes",
    default="100,300,1000",
    show_default=True,
    callback=int_list(minimum=2),
    help="Points of each square matrix, comma-separated.",
)
@click.option(
    "--compare-size",
    type=click.IntRange(min=0),
    default=300,
    show_default=True,
    help="Points of the networkx check (0 skips it; about 20 s at 300 on Shanghai).",
)
@click.option(
    "--grid-side",
    type=click.IntRange(min=0),
    default=317,
    show_default=True,
    help="Side of the synthetic grid (317: about 100k nodes); 0 skips it.",
)
@click.option(
    "--repeats",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Timed runs of each road-network matrix; the fastest counts.",
)
@click.option(
    "--seed", type=int, default=20261203, show_default=True, help="Seed of the random points."
)
@out_option("matrix")
def matrix_command(
    *,
    shared_data: Path | None,
    network: str | None,
    mode_name: str,
    sizes: list[int],
    compare_size: int,
    grid_side: int,
    repeats: int,
    seed: int,
    out: Path,
) -> None:
    """Travel-matrix builds of growing size: time, memory, and a networkx check."""
    mode = load_rules().mode(mode_name)
    roads, described = load_suite_network(network, shared_data, mode=mode)
    click.echo(described)
    records = growth(roads, sizes, seed=seed, repeats=repeats)
    if compare_size:
        records.append(against_networkx(roads, compare_size, seed=seed))
    _echo_matrix(records)
    convention = [described]
    if grid_side:
        grid, build_s = timed(lambda: grid_network(grid_side, mode, seed))
        convention.append(f"The synthetic grid was built in {build_s:.1f} s.")
        records += _echo_matrix(growth(grid, sizes, seed=seed, repeats=GRID_REPEATS))
    convention.append(_matrix_method(seed=seed, repeats=repeats, grid=bool(grid_side)))
    echo_written(write_matrix_report(records, out, convention=" ".join(convention)))
    if any(r.identical is False for r in records):
        msg = "road_matrix's durations differ from networkx's on the same graph"
        raise InternalError(msg)
