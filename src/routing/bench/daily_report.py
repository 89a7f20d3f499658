"""The ``daily`` suite's report: every day's gap to the proven optimum, means per setting."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from routing.bench.daily import RADIUS_M, DailyRecord
from routing.bench.tables import (
    ReportPaths,
    fmt,
    markdown_table,
    mean,
    provenance,
    scatter_gaps,
    write_record_files,
)
from routing.rules import Rules
from routing.solver import SolverSettings
from routing.timeofday import format_clock

if TYPE_CHECKING:
    from matplotlib.figure import Figure

TITLE = "Daily route vs proven optimum"
#: Per day: the most visits any setting reached, and the least travel among those.
Best = dict[tuple[bool, int], tuple[int, int]]


def write_daily_report(
    records: Sequence[DailyRecord], out: Path, *, name: str, convention: str
) -> ReportPaths:
    """Write ``out/<name>.csv``, ``.md`` and ``.png`` (gap against solver time)."""
    summary = partial(markdown, records, convention=convention)
    draw = partial(_draw, records)
    return write_record_files(out, name, DailyRecord, records, summary=summary, draw=draw)


def daily_convention(
    network: str, *, sizes: Sequence[int], rules: Rules, settings: SolverSettings
) -> str:
    """Return the paragraph that states how the days were made, planned and compared."""
    return (
        f"{network} {len(sizes)} seeded days (day k has seed k) of {min(sizes)}-{max(sizes)} "
        f"generated shops within {RADIUS_M} m of a random office, e-bike; "
        f"{_rules_sentence(rules)}. Each day is planned by `plan_day` as `visitplan day` "
        "plans it, and checked by the independent checker. The reference is an ATSP MIP "
        "with subtour cuts (HiGHS) on the solver's own travel matrix: the optimal tour "
        "ignores the time rules, so it is a lower bound, and the proven optimum of the day "
        "when it keeps every rule; the gap is measured on those days, when the plan visits "
        f"every shop. This run: {settings.max_solutions} steps, warm start "
        f"{settings.warm_start_steps}, time cap {settings.time_limit_s:g} s."
    )


def _rules_sentence(rules: Rules) -> str:
    lunch = f", a {rules.lunch.duration_s // 60} min lunch" if rules.lunch else ""
    return (
        f"{rules.service_s // 60} min service; leave after "
        f"{format_clock(rules.depart_office_after_s)}, first visit by "
        f"{format_clock(rules.first_visit_by_s)}, field end {format_clock(rules.field_end_s)},"
        f" back by {format_clock(rules.office_return_by_s)}{lunch}"
    )


def markdown(records: Sequence[DailyRecord], plot: Path | None, *, convention: str) -> str:
    """Return the summary: convention, the first setting's days, means per setting."""
    parts = [f"# {TITLE}", convention, provenance()]
    parts += ["## Means per setting", summary_table(records)]
    if plot is not None:
        parts.append(f"![gap to the proven optimum against solver time]({plot.name})")
    parts += [f"## Every day: {records[0].setting}", _days_table(records)]
    return "\n\n".join(parts) + "\n"


def _days_table(records: Sequence[DailyRecord]) -> str:
    first = records[0].setting
    rows = [
        [
            r.seed,
            _yes(r.windowed),
            r.stops,
            r.visited,
            r.travel_s,
            r.bound_s,
            _yes(r.proven),
            fmt(r.gap_pct, 3),
            fmt(r.solver_s),
            fmt(r.exact_s),
            r.violations,
        ]
        for r in records
        if r.setting == first
    ]
    header = ["seed", "windows", "stops", "visited", "ours (s)", "ATSP optimum (s)"]
    header += ["optimum fits the day", "gap %", "solver wall (s)", "MIP (s)", "violations"]
    return markdown_table(header, rows)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def best_known(records: Sequence[DailyRecord]) -> Best:
    """Per day, the most visits any setting reached and the least travel among those."""
    best: Best = {}
    for r in records:
        key, mine = (r.windowed, r.seed), (-r.visited, r.travel_s)
        best[key] = min(best.get(key, mine), mine)
    return best


def summary_table(records: Sequence[DailyRecord]) -> str:
    """Return one row per setting and variant: visits, gaps, solver time."""
    best = best_known(records)
    rows = []
    for setting in dict.fromkeys(r.setting for r in records):
        for windowed in (False, True):
            mine = [r for r in records if r.setting == setting and r.windowed == windowed]
            if mine:
                rows.append([setting, _yes(windowed), *_summary_cells(mine, best)])
    header = ["setting", "windows", "all stops visited", "mean gap to proven optimum %"]
    header += ["days with proven optimum", "mean gap to ATSP bound %"]
    header += ["days with the most visits found", "mean gap to best found on those days %"]
    return markdown_table([*header, "mean solver s", "max solver s"], rows)


def _summary_cells(mine: Sequence[DailyRecord], best: Best) -> list[object]:
    complete = [r for r in mine if r.visited == r.stops]
    gaps = [r.gap_pct for r in mine if r.gap_pct is not None]
    bound_gaps = [100 * (r.travel_s - r.bound_s) / r.bound_s for r in complete if r.bound_s]
    at_best = [r for r in mine if -r.visited == best[(r.windowed, r.seed)][0]]
    best_gaps = [
        100 * (r.travel_s - best[(r.windowed, r.seed)][1]) / best[(r.windowed, r.seed)][1]
        for r in at_best
        if best[(r.windowed, r.seed)][1]
    ]
    return [
        f"{len(complete)}/{len(mine)}",
        fmt(mean(gaps), 3),
        len(gaps),
        fmt(mean(bound_gaps), 3),
        f"{len(at_best)}/{len(mine)}",
        fmt(mean(best_gaps), 3),
        fmt(mean([r.solver_s for r in mine])),
        fmt(max(r.solver_s for r in mine)),
    ]


def _draw(records: Sequence[DailyRecord], figure: Figure) -> None:
    series: dict[str, list[tuple[float, float]]] = {}
    for r in records:
        if r.gap_pct is not None:
            label = f"{r.setting}, windows" if r.windowed else r.setting
            series.setdefault(label[:60], []).append((r.solver_s, r.gap_pct))
    ylabel = "gap to the proven optimum (%)"
    scatter_gaps(figure.add_subplot(), series, title=TITLE, ylabel=ylabel)
