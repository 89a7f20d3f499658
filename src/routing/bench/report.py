"""What a run of solvers side by side writes: a raw CSV, a Markdown summary, gap vs time.

For any suite that runs several solvers on instances with a best-known cost (``solomon``;
``pvrp`` too): it hands over its :class:`RunRecord` rows and a paragraph that states its
convention (units, rounding, fleet, objective, reference). Suites with other measurements
build their reports from the same pieces (:mod:`routing.bench.tables`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from routing.bench.tables import (
    ReportPaths,
    fmt,
    markdown_table,
    mean,
    provenance,
    save_figure,
    scatter_gaps,
    write_report_files,
    write_rows,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

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


def write_reports(
    records: Sequence[RunRecord], out: Path, *, suite: str, title: str, convention: str
) -> ReportPaths:
    """Write ``out/<suite>.csv``, ``.md`` and ``.png`` and return their paths."""
    return write_report_files(
        out,
        suite,
        columns=COLUMNS,
        rows=[dataclasses.astuple(record) for record in records],
        summary=partial(markdown, records, title=title, convention=convention),
        draw=partial(_draw_gaps, records, title=title),
    )


def write_csv(records: Sequence[RunRecord], path: Path) -> None:
    """Write one row per record, in :data:`COLUMNS` order."""
    write_rows(path, COLUMNS, [dataclasses.astuple(record) for record in records])


def solver_names(records: Sequence[RunRecord]) -> list[str]:
    """Return the solvers in the order they first appear (the core first)."""
    return list(dict.fromkeys(record.solver for record in records))


def markdown(
    records: Sequence[RunRecord], plot: Path | None = None, *, title: str, convention: str
) -> str:
    """Return the summary: convention, means per solver, core vs peers, every row."""
    parts = [f"# {title}", convention, provenance()]
    parts += ["## Means per solver", _means_table(records)]
    names = solver_names(records)
    if len(names) > 1:
        parts += [f"## {names[0]} against each peer", _ratio_table(records, names)]
    if plot is not None:
        parts.append(f"![gap against wall time per solver]({plot.name})")
    parts += ["## Every run", _rows_table(records)]
    return "\n\n".join(parts) + "\n"


def _means_table(records: Sequence[RunRecord]) -> str:
    rows = []
    for name in solver_names(records):
        own = [record for record in records if record.solver == name]
        ran = [record for record in own if record.ran]
        feasible = [record for record in ran if record.feasible]
        if not ran:
            rows.append([name, 0, "—", "—", "—", own[0].note])
            continue
        gap = mean([record.gap_pct for record in feasible if record.gap_pct is not None])
        wall = mean([record.wall_s for record in ran if record.wall_s is not None])
        rows.append([name, len(ran), f"{len(feasible)}/{len(ran)}", fmt(gap), fmt(wall), ""])
    header = ["solver", "runs", "feasible", "mean gap %", "mean wall s", "note"]
    return markdown_table(header, rows)


def _ratio_table(records: Sequence[RunRecord], names: Sequence[str]) -> str:
    core, rows = names[0], []
    for peer in names[1:]:
        pairs = _both_feasible(records, core, peer)
        if not pairs:
            rows.append([peer, 0, "—", "—", "—", "—", "—", "—"])
            continue
        core_gap, peer_gap = (mean([p[k].gap_pct or 0.0 for p in pairs]) or 0.0 for k in (0, 1))
        core_wall, peer_wall = (mean([p[k].wall_s or 0.0 for p in pairs]) or 0.0 for k in (0, 1))
        rows.append(
            [
                peer,
                len(pairs),
                fmt(core_gap),
                fmt(peer_gap),
                _cost_ratio(pairs),
                fmt(core_wall),
                fmt(peer_wall),
                _ratio(core_wall, peer_wall),
            ]
        )
    header = [
        "peer",
        "instances both feasible",
        f"{core} mean gap %",
        "peer mean gap %",
        "cost ratio",
        f"{core} mean wall s",
        "peer mean wall s",
        "time ratio",
    ]
    return markdown_table(header, rows)


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


def _cost_ratio(pairs: Sequence[tuple[RunRecord, RunRecord]]) -> str:
    """Return the mean over instances of the core's cost over the peer's.

    Unlike a ratio of gaps it stays defined when the peer matches or beats the best known.
    """
    ratios = [core.cost / peer.cost for core, peer in pairs if core.cost and peer.cost]
    return "—" if not ratios else f"{sum(ratios) / len(ratios):.4f}"


def _ratio(core: float, peer: float) -> str:
    # A ratio to a peer's zero time is undefined; the two means beside it still show both.
    return "—" if peer <= 0 else f"{core / peer:.2f}"


def _rows_table(records: Sequence[RunRecord]) -> str:
    rows = [
        [
            record.instance,
            record.solver,
            record.vehicles if record.vehicles is not None else "—",
            fmt(record.cost),
            fmt(record.bks),
            fmt(record.gap_pct),
            fmt(record.wall_s),
            {True: "yes", False: "no", None: "—"}[record.feasible],
            record.note,
        ]
        for record in records
    ]
    header = ["instance", "solver", "vehicles", "cost", "bks", "gap %", "wall s", "feasible"]
    return markdown_table([*header, "note"], rows)


def write_plot(records: Sequence[RunRecord], path: Path, *, title: str) -> bool:
    """Draw gap % against wall seconds, one colour per solver; False without matplotlib."""
    return save_figure(path, partial(_draw_gaps, records, title=title))


def _draw_gaps(records: Sequence[RunRecord], figure: Figure, *, title: str) -> None:
    series = {
        name: [
            (r.wall_s, r.gap_pct)
            for r in records
            if r.solver == name and r.feasible and r.wall_s is not None and r.gap_pct is not None
        ]
        for name in solver_names(records)
    }
    scatter_gaps(figure.add_subplot(), series, title=title, ylabel="gap to best known (%)")
