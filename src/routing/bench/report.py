"""What a benchmark run writes: a raw CSV, a Markdown summary and a plot of gap vs time.

Suite-agnostic: each suite hands over its :class:`RunRecord` rows and a paragraph that
states its convention (units, rounding, fleet, objective, reference).
"""

from __future__ import annotations

import csv
import dataclasses
import os
import platform
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

#: The raw CSV's columns, in order (``RunRecord``'s fields).
COLUMNS = (
    "instance",
    "solver",
    "vehicles",
    "cost",
    "bks",
    "gap_pct",
    "wall_s",
    "feasible",
    "note",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class RunRecord:
    """One solver on one instance; a solver that did not run has only a ``note``.

    Parameters
    ----------
    instance, solver
        What ran.
    vehicles
        Routes used.
    cost
        Total cost in the reference's unit (for Solomon: real-valued Euclidean distance).
    bks
        The best-known cost it is compared with.
    gap_pct
        ``100 * (cost - bks) / bks``.
    wall_s
        Wall-clock seconds of the solver call, model building included.
    feasible
        Whether the independent checker accepted the routes.
    note
        Why the solver did not run, or the checker's first complaint.
    """

    instance: str
    solver: str
    vehicles: int | None = None
    cost: float | None = None
    bks: float | None = None
    gap_pct: float | None = None
    wall_s: float | None = None
    feasible: bool | None = None
    note: str = ""

    @property
    def ran(self) -> bool:
        """Whether the solver ran and returned routes to check."""
        return self.feasible is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportPaths:
    """The files one run wrote (``plot`` is None without matplotlib)."""

    csv: Path
    markdown: Path
    plot: Path | None


def write_reports(
    records: Sequence[RunRecord], out: Path, *, suite: str, title: str, convention: str
) -> ReportPaths:
    """Write ``out/<suite>.csv``, ``.md`` and ``.png`` and return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    csv_path, md_path = out / f"{suite}.csv", out / f"{suite}.md"
    write_csv(records, csv_path)
    plot_path = out / f"{suite}.png"
    plotted = write_plot(records, plot_path, title=title)
    md_path.write_text(
        markdown(records, title=title, convention=convention, plot=plot_path if plotted else None),
        encoding="utf-8",
    )
    return ReportPaths(csv=csv_path, markdown=md_path, plot=plot_path if plotted else None)


def write_csv(records: Sequence[RunRecord], path: Path) -> None:
    """Write one row per record, in :data:`COLUMNS` order."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for record in records:
            writer.writerow(_cell(value) for value in dataclasses.astuple(record))


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def solver_names(records: Sequence[RunRecord]) -> list[str]:
    """Return the solvers in the order they first appear (the core first)."""
    return list(dict.fromkeys(record.solver for record in records))


def markdown(
    records: Sequence[RunRecord], *, title: str, convention: str, plot: Path | None
) -> str:
    """Return the summary: convention, means per solver, core vs peers, every row."""
    parts = [f"# {title}", convention, _provenance()]
    parts += ["## Means per solver", _means_table(records)]
    names = solver_names(records)
    if len(names) > 1:
        parts += [f"## {names[0]} against each peer", _ratio_table(records, names)]
    if plot is not None:
        parts.append(f"![gap against wall time per solver]({plot.name})")
    parts += ["## Every run", _rows_table(records)]
    return "\n\n".join(parts) + "\n"


def _provenance() -> str:
    processor = platform.processor() or platform.machine()
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"Measured {when} on {processor}, {os.cpu_count()} cores, Python " + (
        f"{platform.python_version()}."
    )


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _mean(values: Sequence[float]) -> float | None:
    return statistics.fmean(values) if values else None


def _fmt(value: float | None, digits: int = 2) -> str:
    # Adding 0.0 turns a rounded -0.0 into 0.0: a gap of -0.0004 % reads "0.00", not "-0.00".
    return "—" if value is None else f"{round(value, digits) + 0.0:.{digits}f}"


def _means_table(records: Sequence[RunRecord]) -> str:
    rows = []
    for name in solver_names(records):
        own = [record for record in records if record.solver == name]
        ran = [record for record in own if record.ran]
        feasible = [record for record in ran if record.feasible]
        if not ran:
            rows.append([name, 0, "—", "—", "—", own[0].note])
            continue
        gap = _mean([record.gap_pct for record in feasible if record.gap_pct is not None])
        wall = _mean([record.wall_s for record in ran if record.wall_s is not None])
        rows.append([name, len(ran), f"{len(feasible)}/{len(ran)}", _fmt(gap), _fmt(wall), ""])
    header = ["solver", "runs", "feasible", "mean gap %", "mean wall s", "note"]
    return _table(header, rows)


def _ratio_table(records: Sequence[RunRecord], names: Sequence[str]) -> str:
    core, rows = names[0], []
    for peer in names[1:]:
        pairs = _both_feasible(records, core, peer)
        if not pairs:
            rows.append([peer, 0, "—", "—", "—", "—", "—", "—"])
            continue
        core_gap, peer_gap = (_mean([p[k].gap_pct or 0.0 for p in pairs]) or 0.0 for k in (0, 1))
        core_wall, peer_wall = (_mean([p[k].wall_s or 0.0 for p in pairs]) or 0.0 for k in (0, 1))
        rows.append(
            [
                peer,
                len(pairs),
                _fmt(core_gap),
                _fmt(peer_gap),
                _ratio(core_gap, peer_gap),
                _fmt(core_wall),
                _fmt(peer_wall),
                _ratio(core_wall, peer_wall),
            ]
        )
    header = [
        "peer",
        "instances both feasible",
        f"{core} mean gap %",
        "peer mean gap %",
        "gap ratio",
        f"{core} mean wall s",
        "peer mean wall s",
        "time ratio",
    ]
    return _table(header, rows)


def _both_feasible(
    records: Sequence[RunRecord], core: str, peer: str
) -> list[tuple[RunRecord, RunRecord]]:
    by_key = {(record.instance, record.solver): record for record in records}
    pairs = []
    for record in records:
        other = by_key.get((record.instance, peer))
        if record.solver == core and record.feasible and other is not None and other.feasible:
            pairs.append((record, other))
    return pairs


def _ratio(core: float, peer: float) -> str:
    # A ratio to a peer's zero gap is undefined; the two means beside it still show both.
    return "—" if peer <= 0 else f"{core / peer:.2f}"


def _rows_table(records: Sequence[RunRecord]) -> str:
    rows = [
        [
            record.instance,
            record.solver,
            record.vehicles if record.vehicles is not None else "—",
            _fmt(record.cost),
            _fmt(record.bks),
            _fmt(record.gap_pct),
            _fmt(record.wall_s),
            {True: "yes", False: "no", None: "—"}[record.feasible],
            record.note,
        ]
        for record in records
    ]
    header = ["instance", "solver", "vehicles", "cost", "bks", "gap %", "wall s", "feasible"]
    return _table([*header, "note"], rows)


def write_plot(records: Sequence[RunRecord], path: Path, *, title: str) -> bool:
    """Draw gap % against wall seconds, one colour per solver; False without matplotlib."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        return False
    figure = Figure(figsize=(7, 4.5), layout="constrained")
    axes = figure.add_subplot()
    for name in solver_names(records):
        points = [
            (r.wall_s, r.gap_pct)
            for r in records
            if r.solver == name and r.feasible and r.wall_s is not None and r.gap_pct is not None
        ]
        if points:
            walls, gaps = zip(*points, strict=True)
            axes.scatter(walls, gaps, label=name, alpha=0.7)
    # At least 0 to 1 % tall, so gaps that differ by rounding noise are not blown up.
    low, high = axes.get_ylim()
    axes.set_ylim(min(low, -0.05), max(high, 1.0))
    axes.ticklabel_format(axis="y", useOffset=False)
    axes.set_xlabel("wall time (s)")
    axes.set_ylabel("gap to best known (%)")
    axes.set_title(title)
    axes.grid(visible=True, alpha=0.3)
    if axes.get_legend_handles_labels()[0]:
        axes.legend()
    figure.savefig(path, dpi=120)
    return True
