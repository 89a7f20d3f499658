"""The ``month`` suite's report: time and travel by size, stability, the long search."""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from routing.bench.tables import ReportPaths, fmt, markdown_table, provenance, write_record_files
from territory.bench.month import MonthRecord

if TYPE_CHECKING:
    from matplotlib.figure import Figure

TITLE = "Month plans by territory size"
LONG_SEARCH = "long search"
EARLIER = " (earlier run)"


def write_month_report(
    records: Sequence[MonthRecord], out: Path, *, convention: str
) -> ReportPaths:
    """Write ``out/month.csv``, ``.md`` and ``.png`` (time and travel against size)."""
    summary = partial(markdown, records, convention=convention)
    draw = partial(_draw, records)
    return write_record_files(out, "month", MonthRecord, records, summary=summary, draw=draw)


def markdown(records: Sequence[MonthRecord], plot: Path | None, *, convention: str) -> str:
    """Return the summary: every plan, weekday changes, the default against a long search."""
    parts = [f"# {TITLE}", convention, provenance(), "## Time and travel", _plans_table(records)]
    if plot is not None:
        parts.append(f"![wall time and travel against territory size]({plot.name})")
    changes = [r for r in records if r.weekday_changed_pct is not None]
    if changes:
        parts += ["## Line weekday changes month to month", _changes_table(changes)]
    long_lines = _against_long(records)
    if long_lines:
        parts += ["## Default settings against a long search", "\n".join(long_lines)]
    return "\n\n".join(parts) + "\n"


def _plans_table(records: Sequence[MonthRecord]) -> str:
    rows = [
        [
            r.retailers,
            r.run,
            r.working_days,
            r.visits,
            fmt(r.travel_h),
            fmt(r.travel_km, 1),
            r.unplanned,
            r.violations,
            fmt(r.wall_s, 1),
        ]
        for r in records
    ]
    header = ["retailers", "run", "working days", "visits", "travel h", "travel km"]
    return markdown_table([*header, "unplanned", "violations", "wall s"], rows)


def _changes_table(records: Sequence[MonthRecord]) -> str:
    rows = [[r.retailers, r.run, f"{fmt(r.weekday_changed_pct, 1)} %"] for r in records]
    return markdown_table(["retailers", "case", "retailers whose line weekday changed"], rows)


def _against_long(records: Sequence[MonthRecord]) -> list[str]:
    lines = []
    for size in dict.fromkeys(r.retailers for r in records):
        base = _first(records, size, "January, lines")
        long = next((r for r in records if r.retailers == size and LONG_SEARCH in r.run), None)
        if base is not None and long is not None and long.travel_h > 0:
            above = 100 * (base.travel_h - long.travel_h) / long.travel_h
            lines.append(
                f"- {size} retailers: default travel is {fmt(above)} % above the long search "
                f"({fmt(base.travel_h)} h in {fmt(base.wall_s, 1)} s against "
                f"{fmt(long.travel_h)} h in {fmt(long.wall_s, 1)} s)."
            )
    return lines


def _first(records: Sequence[MonthRecord], size: int, run: str) -> MonthRecord | None:
    return next((r for r in records if r.retailers == size and r.run == run), None)


def kept_long_records(path: Path, sizes: Sequence[int]) -> list[MonthRecord]:
    """Return the long-search rows of an earlier report's CSV for ``sizes``, marked so."""
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if LONG_SEARCH in row.get("run", "")]
    kept = [_from_row(row) for row in rows]
    return [
        dataclasses.replace(r, run=r.run.removesuffix(EARLIER) + EARLIER)
        for r in kept
        if r.retailers in sizes
    ]


def _from_row(row: dict[str, str]) -> MonthRecord:
    changed = row.get("weekday_changed_pct") or None
    return MonthRecord(
        retailers=int(row["retailers"]),
        run=row["run"],
        planning=row["planning"],
        working_days=int(row["working_days"]),
        visits=int(row["visits"]),
        travel_h=float(row["travel_h"]),
        travel_km=float(row["travel_km"]),
        unplanned=int(row["unplanned"]),
        violations=int(row["violations"]),
        wall_s=float(row["wall_s"]),
        weekday_changed_pct=None if changed is None else float(changed),
    )


def _draw(records: Sequence[MonthRecord], figure: Figure) -> None:
    wall_axes, travel_axes = figure.subplots(1, 2)
    for run in dict.fromkeys(r.run for r in records if r.weekday_changed_pct is None):
        mine = [r for r in records if r.run == run]
        sizes = [r.retailers for r in mine]
        wall_axes.plot(sizes, [r.wall_s for r in mine], "o-", label=run)
        travel_axes.plot(sizes, [r.travel_h for r in mine], "o-")
    for axes, ylabel in ((wall_axes, "wall time of plan_month (s)"), (travel_axes, "travel (h)")):
        axes.set_xlabel("retailers")
        axes.set_ylabel(ylabel)
        axes.grid(visible=True, alpha=0.3)
    figure.legend(loc="outside lower center", ncols=2, fontsize="small")
    figure.suptitle(TITLE)
