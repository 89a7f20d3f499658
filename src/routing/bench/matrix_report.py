"""The ``matrix`` suite's report: time and memory against size, and the networkx check."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from routing.bench.matrix import NETWORKX, OURS, MatrixRecord
from routing.bench.tables import ReportPaths, fmt, markdown_table, provenance, write_record_files

if TYPE_CHECKING:
    from matplotlib.figure import Figure

TITLE = "Travel-matrix benchmark"


def write_matrix_report(
    records: Sequence[MatrixRecord], out: Path, *, convention: str
) -> ReportPaths:
    """Write ``out/matrix.csv``, ``.md`` and ``.png`` (time and memory against points)."""
    summary = partial(markdown, records, convention=convention)
    draw = partial(_draw, records)
    return write_record_files(out, "matrix", MatrixRecord, records, summary=summary, draw=draw)


def markdown(records: Sequence[MatrixRecord], plot: Path | None, *, convention: str) -> str:
    """Return the summary: the networkx check, then time and memory per size."""
    parts = [f"# {TITLE}", convention, provenance()]
    if any(r.method == NETWORKX for r in records):
        parts += [f"## {OURS} against a networkx Dijkstra loop", _against_table(records)]
    parts += [f"## {OURS} on growing sizes", _growth_table(records)]
    if plot is not None:
        parts.append(f"![wall time and peak memory against points]({plot.name})")
    return "\n\n".join(parts) + "\n"


def _against_table(records: Sequence[MatrixRecord]) -> str:
    ours = {(r.network, r.points): r for r in records if r.method == OURS}
    rows = []
    for loop in (r for r in records if r.method == NETWORKX):
        mine = ours.get((loop.network, loop.points))
        rows.append(
            [
                loop.network,
                f"{loop.points} x {loop.points}",
                fmt(mine.wall_s, 3) if mine else "—",
                fmt(loop.wall_s, 1),
                f"{loop.wall_s / mine.wall_s:.0f}x" if mine and mine.wall_s > 0 else "—",
                "yes" if loop.identical else "NO",
            ]
        )
    header = ["network", "points", f"{OURS} (s)", "networkx loop (s)", "speed-up"]
    return markdown_table([*header, "durations identical"], rows)


def _growth_table(records: Sequence[MatrixRecord]) -> str:
    rows = [
        [
            r.network,
            f"{r.nodes} / {r.arcs}",
            f"{r.points} x {r.points}",
            fmt(r.wall_s, 3),
            r.runs,
            fmt(r.per_source_ms, 1),
            fmt(r.peak_mib, 1),
            fmt(r.matrix_mib, 1),
        ]
        for r in records
        if r.method == OURS
    ]
    header = ["network", "nodes / arcs", "points", "best wall (s)", "runs"]
    return markdown_table([*header, "per source (ms)", "peak MiB", "matrix MiB"], rows)


def _draw(records: Sequence[MatrixRecord], figure: Figure) -> None:
    wall_axes, memory_axes = figure.subplots(1, 2)
    for network in dict.fromkeys(r.network for r in records):
        ours = [r for r in records if r.network == network and r.method == OURS]
        label = network.split(" (")[0]
        wall_axes.plot([r.points for r in ours], [r.wall_s for r in ours], "o-", label=label)
        memory_axes.plot([r.points for r in ours], [r.peak_mib or 0.0 for r in ours], "o-")
        loops = [r for r in records if r.network == network and r.method == NETWORKX]
        if loops:
            points, walls = [r.points for r in loops], [r.wall_s for r in loops]
            wall_axes.scatter(points, walls, marker="x", label=f"{label}: networkx loop")
    for axes, ylabel in ((wall_axes, "best wall time (s)"), (memory_axes, "peak memory (MiB)")):
        axes.set_xscale("log")
        axes.set_yscale("log")
        axes.set_xlabel("points (square matrix)")
        axes.set_ylabel(ylabel)
        axes.grid(visible=True, alpha=0.3)
    figure.legend(loc="outside lower center", ncols=2, fontsize="small")
    figure.suptitle(TITLE)
