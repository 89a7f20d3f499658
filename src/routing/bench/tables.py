"""The pieces every suite's report is made of: CSV, Markdown tables, provenance, a plot.

Each suite writes ``<out>/<name>.csv`` (its raw rows), ``<name>.md`` (its summary) and,
where a plot says something, ``<name>.png`` through :func:`write_report_files`. The plot
is drawn only when matplotlib (the ``[bench]`` extra) is installed.
"""

from __future__ import annotations

import csv
import dataclasses
import os
import platform
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Draws a suite's plot on an empty figure.
Draw = Callable[["Figure"], None]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportPaths:
    """The files one run wrote (``plot`` is None without matplotlib or without a plot)."""

    csv: Path
    markdown: Path
    plot: Path | None


def write_report_files(
    out: Path,
    name: str,
    *,
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    summary: Callable[[Path | None], str],
    draw: Draw | None = None,
) -> ReportPaths:
    """Write ``out/<name>.csv``, ``.md`` and (when ``draw`` is given) ``.png``.

    Parameters
    ----------
    out
        The results folder; created when missing.
    name
        The files' stem.
    columns, rows
        The raw results, one row per measurement.
    summary
        Returns the Markdown summary, given the plot's path (None when none was drawn).
    draw
        Draws the plot; skipped when matplotlib is not installed.
    """
    out.mkdir(parents=True, exist_ok=True)
    csv_path, md_path, plot_path = (out / f"{name}.{ext}" for ext in ("csv", "md", "png"))
    write_rows(csv_path, columns, rows)
    plot = plot_path if draw is not None and save_figure(plot_path, draw) else None
    md_path.write_text(summary(plot), encoding="utf-8")
    return ReportPaths(csv=csv_path, markdown=md_path, plot=plot)


def write_record_files(
    out: Path,
    name: str,
    kind: type[Any],
    records: Sequence[Any],
    *,
    summary: Callable[[Path | None], str],
    draw: Draw | None = None,
) -> ReportPaths:
    """Write :func:`write_report_files` with one CSV row per dataclass record of ``kind``.

    The CSV's columns are ``kind``'s fields, in order.
    """
    return write_report_files(
        out,
        name,
        columns=[field.name for field in dataclasses.fields(kind)],
        rows=[dataclasses.astuple(record) for record in records],
        summary=summary,
        draw=draw,
    )


def write_rows(path: Path, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Write a header and one line per row (floats to 4 decimals, None as empty)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(csv_cell(value) for value in row)


def csv_cell(value: object) -> str:
    """Return a CSV cell: empty for None, 4 decimals for a float."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Return a Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def fmt(value: float | None, digits: int = 2) -> str:
    """Return ``value`` rounded to ``digits`` decimals, or a dash for None."""
    # Adding 0.0 turns a rounded -0.0 into 0.0: a gap of -0.0004 % reads "0.00", not "-0.00".
    return "—" if value is None else f"{round(value, digits) + 0.0:.{digits}f}"


def mean(values: Sequence[float]) -> float | None:
    """Return the mean of ``values``, or None when there are none."""
    return statistics.fmean(values) if values else None


def provenance() -> str:
    """Return when and on what machine the figures were measured."""
    processor = platform.processor() or platform.machine()
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"Measured {when} on {processor}, {os.cpu_count()} cores, Python " + (
        f"{platform.python_version()}."
    )


def save_figure(path: Path, draw: Draw) -> bool:
    """Draw a figure and save it as PNG; return False when matplotlib is not installed."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        return False
    figure = Figure(figsize=(7, 4.5), layout="constrained")
    draw(figure)
    figure.savefig(path, dpi=120)
    return True


def scatter_gaps(
    axes: Axes, series: Mapping[str, Sequence[tuple[float, float]]], *, title: str, ylabel: str
) -> None:
    """Plot ``(wall s, gap %)`` points, one colour per series, at least 0 to 1 % tall."""
    for name, points in series.items():
        if points:
            walls, gaps = zip(*points, strict=True)
            axes.scatter(walls, gaps, label=name, alpha=0.7)
    # At least 0 to 1 % tall, so gaps that differ by rounding noise are not blown up.
    low, high = axes.get_ylim()
    axes.set_ylim(min(low, -0.05), max(high, 1.0))
    axes.ticklabel_format(axis="y", useOffset=False)
    axes.set_xlabel("wall time (s)")
    axes.set_ylabel(ylabel)
    axes.set_title(title)
    axes.grid(visible=True, alpha=0.3)
    if axes.get_legend_handles_labels()[0]:
        axes.legend()
