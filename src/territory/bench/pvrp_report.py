"""The ``pvrp`` suite's report: the gap to the best known per instance, and its summary."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from routing.bench.tables import (
    ReportPaths,
    fmt,
    markdown_table,
    provenance,
    write_record_files,
)
from territory.bench.pvrp import BKS_COLUMN, BKS_FILE, PvrpRecord

if TYPE_CHECKING:
    from matplotlib.figure import Figure

TITLE = "Cordeau PVRP vs best known"
CONVENTION = (
    "Cost = total real Euclidean route length of the plan found; BKS = "
    f"`{BKS_COLUMN}` column of `{BKS_FILE}` (believed to be Vidal et al. 2012, not "
    "verified); gap = 100 (cost - BKS) / BKS; the time limit caps the wall clock (wall_s); "
    "cpu_s = CPU seconds the solver got (less when other work shares the machine); "
    "feasible = independent checker (allowed combinations, m routes a day, capacity, "
    "duration). first routed = cost after construction and the first local search; "
    "perturbations = ruin-and-recreate steps, accepted = those the annealing kept."
)
#: Gaps (%) the summary counts the instances within.
WITHIN = (1.0, 2.0)


def convention(*, time_limit_s: float, seed: int) -> str:
    """Return how this run was made and what its columns mean."""
    return (
        f"`visitplan bench pvrp --time-limit {time_limit_s:g} --seed {seed}`: one solver "
        "process per instance, run one after another (other work may have shared the "
        f"machine).\n\n{CONVENTION}"
    )


def write_pvrp_report(records: Sequence[PvrpRecord], out: Path, *, convention: str) -> ReportPaths:
    """Write ``out/pvrp.csv``, ``.md`` and ``.png`` (the gap of every instance)."""
    summary = partial(markdown, records, convention=convention)
    draw = partial(_draw, records)
    return write_record_files(out, "pvrp", PvrpRecord, records, summary=summary, draw=draw)


def markdown(records: Sequence[PvrpRecord], plot: Path | None, *, convention: str) -> str:
    """Return the summary: the run's convention, the gaps at a glance, every instance."""
    parts = [f"# {TITLE}", convention, provenance(), "## Summary", "\n".join(summary(records))]
    if plot is not None:
        parts.append(f"![gap to the best known per instance]({plot.name})")
    parts += ["## Instances", _table(records)]
    return "\n\n".join(parts) + "\n"


def summary(records: Sequence[PvrpRecord]) -> list[str]:
    """Return the summary's bullet lines (gaps over every instance run)."""
    if not records:
        return ["- no instance run"]
    gaps = [r.gap_pct for r in records]
    worst = sorted(records, key=lambda r: -r.gap_pct)[:3]
    within = ", ".join(f"within {limit:g} %: {sum(g <= limit for g in gaps)}" for limit in WITHIN)
    return [
        f"- instances: {len(records)}, feasible: {sum(r.ok for r in records)}/{len(records)}",
        f"- mean gap: **{fmt(statistics.fmean(gaps))} %**, median "
        f"{fmt(statistics.median(gaps))} %, max {fmt(max(gaps))} %",
        f"- {within}",
        "- worst: " + ", ".join(f"{r.instance} {fmt(r.gap_pct)} %" for r in worst),
        f"- mean wall: {fmt(statistics.fmean(r.wall_s for r in records), 1)} s, "
        f"mean CPU: {fmt(statistics.fmean(r.cpu_s for r in records), 1)} s",
    ]


def _table(records: Sequence[PvrpRecord]) -> str:
    header = ["instance", "n", "m", "t", "cost", "bks", "gap_pct", "wall_s", "cpu_s"]
    header += ["feasible", "first_routed", "perturbations", "accepted"]
    rows = [
        [
            r.instance,
            r.n,
            r.m,
            r.t,
            fmt(r.cost),
            fmt(r.bks),
            fmt(r.gap_pct),
            fmt(r.wall_s, 1),
            fmt(r.cpu_s, 1),
            r.feasible,
            fmt(r.first_routed),
            r.perturbations,
            r.accepted,
        ]
        for r in records
    ]
    return markdown_table(header, rows)


def _draw(records: Sequence[PvrpRecord], figure: Figure) -> None:
    axes = figure.subplots()
    names = [r.instance for r in records]
    colours = ["tab:blue" if r.ok else "tab:red" for r in records]
    axes.bar(names, [r.gap_pct for r in records], color=colours)
    for limit in WITHIN:
        axes.axhline(limit, color="grey", linestyle="--", linewidth=0.8)
    # At least 0 to 2.5 % tall, so the 1 % and 2 % lines show and small gaps stay small.
    low, high = axes.get_ylim()
    axes.set_ylim(min(low, 0.0), max(high, 2.5))
    axes.tick_params(axis="x", labelrotation=90, labelsize="small")
    axes.set_xlabel("instance (red: infeasible)")
    axes.set_ylabel("gap to best known (%)")
    axes.set_title(TITLE)
    axes.grid(visible=True, axis="y", alpha=0.3)
