"""Plan next month: which retailers on which working day, each day routed and timed.

Pipeline: visit demand → snap and travel times → lines (lines mode) → visit patterns
(spread, spacing, days 6-10 / 1-5 obligations) → pattern assignment (the periodic search:
least travel, every day within capacity) → top-ups to the daily quota → every day routed
by ``routing.plan_day`` (in parallel) → visits a full day dropped moved to another day →
one month :class:`Plan`.
Every required visit ends up on a day or in ``unplanned`` with the reason.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import numpy.typing as npt

from routing.day import DayRequest, DayResult, day_area, start_windows
from routing.matrix import road_matrix, straight_line_matrix
from routing.network import RoadNetwork
from routing.plan import Plan, RetailerVisits, Unplanned
from routing.priorities import visit_priority
from routing.retailers import Retailer
from routing.rules import Rules
from routing.snapping import snap_points
from routing.solver import SolverSettings
from territory.assign import MONTH_ASSIGNMENT, Assignment, assign_patterns
from territory.calendar import Phase, WorkCalendar
from territory.demand import VisitDemand, visit_demand
from territory.lines import LinePlan, build_lines
from territory.month_rules import MonthRules
from territory.orders import OrderHistory
from territory.patterns import (
    Pattern,
    PatternSpace,
    even_patterns,
    keep_obligations,
    line_patterns,
    spaced,
    visits_that_fit,
)
from territory.periodic import PeriodicSettings
from territory.routing_pool import route_days

logger = logging.getLogger(__name__)

PLANNING_MODES = ("lines", "free")
WEEKLY_LINES = 5
NEIGHBOURS = 5


@dataclass(frozen=True, slots=True, kw_only=True)
class MonthRequest:
    """A manager's territory and the month to plan.

    Parameters
    ----------
    planning
        ``lines``: fixed lines, one per weekday, repeating through the month;
        ``free``: any working day per visit, chosen for the least travel.
    previous_lines
        Last month's line of each retailer (lines mode keeps retailers on them).
    """

    retailers: tuple[Retailer, ...]
    office: tuple[float, float]
    year: int
    month: int
    mode: str = "ebike"
    manager: str = ""
    planning: str = "lines"
    previous_lines: Mapping[str, int] | None = None
    history: OrderHistory | None = None

    def __post_init__(self) -> None:
        if self.planning not in PLANNING_MODES:
            msg = f"Expected planning in {PLANNING_MODES}, got {self.planning!r}."
            raise ValueError(msg)


#: The day search inside a month plan: one run from the travel-only tour, 200 steps each.
#: Measured on 250 retailers (``benchmarks/bench_month.py``): the day planner's default
#: portfolio costs three times the time for no shorter month, because the month's travel
#: is set by which retailers share a day far more than by the last seconds of a route.
MONTH_DAY_SEARCH = SolverSettings(
    workers=1, portfolio=False, max_solutions=200, warm_start_steps=200
)


@dataclass(frozen=True, slots=True, kw_only=True)
class MonthSettings:
    """Search effort of the month: the day solver's settings, processes, capacity.

    Parameters
    ----------
    day
        The daily engine's search for each day.
    assignment
        The periodic search that picks every retailer's visit days.
    workers
        Processes routing the days.
    capacity
        Visits a field day holds (default: estimated from the travel times).
    """

    day: SolverSettings = MONTH_DAY_SEARCH
    assignment: PeriodicSettings = MONTH_ASSIGNMENT
    workers: int = 2
    capacity: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MonthResult:
    """The month plan and what it was built from."""

    plan: Plan
    calendar: WorkCalendar
    lines: LinePlan | None
    demands: tuple[VisitDemand, ...]
    legs: Mapping[date, tuple[tuple[tuple[float, float], ...], ...]]


@dataclass(frozen=True, slots=True, kw_only=True)
class _Territory:
    """The routable retailers with their demand, travel times and what was left out."""

    retailers: tuple[Retailer, ...]
    demands: tuple[VisitDemand, ...]
    durations_s: npt.NDArray[np.int64]
    unplanned: tuple[Unplanned, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class _Month:
    """Everything the steps after the assignment share."""

    request: MonthRequest
    territory: _Territory
    calendar: WorkCalendar
    space: PatternSpace
    spread: npt.NDArray[np.int64]
    capacity: int
    rules: Rules
    network: RoadNetwork | None
    settings: MonthSettings
    cache_dir: Path | None


def plan_month(
    request: MonthRequest,
    *,
    rules: Rules,
    month_rules: MonthRules,
    calendar: WorkCalendar,
    network: RoadNetwork | None,
    settings: MonthSettings | None = None,
    cache_dir: Path | None = None,
) -> MonthResult:
    """Plan every working day of ``calendar`` for ``request``'s retailers.

    Raises
    ------
    RoutingError
        If the office is not on the road network.
    """
    settings = settings or MonthSettings()
    month_start = date(request.year, request.month, 1)
    demands = visit_demand(
        request.retailers, rules, month_rules, history=request.history, month_start=month_start
    )
    territory = _territory(request, demands, rules, network, cache_dir)
    spread = _spread(territory.durations_s)
    month = _Month(
        request=request,
        territory=territory,
        calendar=calendar,
        space=_space(calendar, month_rules),
        spread=spread,
        capacity=settings.capacity or estimated_capacity(spread, rules),
        rules=rules,
        network=network,
        settings=settings,
        cache_dir=cache_dir,
    )
    lines = _lines(month) if request.planning == "lines" else None
    options = _options(month, lines)
    capacity = _required_per_day(month, options)
    start = _line_start(month, capacity) if lines is None else None
    assignment = _assign(month, options, capacity, start)
    required = [set(day) for day in assignment.days]
    members = _top_up(month, required)
    results = _route(month, members, required, days=range(month.space.size))
    results, lost = _move_dropped(month, required, members, results)
    plan = _assemble(month, results, lines, lost, assignment)
    legs = {result.plan.days[0].date: result.legs for result in results}
    return MonthResult(plan=plan, calendar=calendar, lines=lines, demands=demands, legs=legs)


def estimated_capacity(spread: npt.NDArray[np.int64], rules: Rules) -> int:
    """Return how many visits a field day holds: field time over service plus a typical leg.

    A typical leg is taken as 1.2 times the median over retailers of the mean time to their
    five nearest neighbours: shops sharing a street corner are 0 s apart, so the nearest
    alone overstates what a day holds (measured on the Shanghai territory of the month
    benchmark: 40 visits a day, about 60 s a leg).
    """
    lunch = rules.lunch.duration_s if rules.lunch else 0
    field_s = rules.field_end_s - rules.depart_office_after_s - lunch
    if len(spread) < 2:
        return max(1, field_s // rules.service_s)
    masked = spread + np.diag(np.full(len(spread), np.iinfo(np.int64).max // 2))
    nearest = np.sort(masked, axis=1)[:, : min(NEIGHBOURS, len(spread) - 1)]
    leg = 1.2 * float(np.median(nearest.mean(axis=1)))
    return max(1, int(field_s // (rules.service_s + leg)))


def _required_per_day(month: _Month, options: Sequence[Sequence[Pattern]]) -> int:
    """Return the required visits a day may get: an even share and a tenth, at least the quota.

    Every day is topped up to the quota anyway, so required visits packed beyond it on one
    day would only push top-ups onto another; the tenth is room for lines, whose weekdays
    a holiday week leaves uneven (measured on February 2027: an exact even share cost
    0.9 h more travel and four more unplanned visits). No day gets more than it holds.
    """
    required = sum(len(choices[0]) for choices in options)
    share = -(-required * 11 // (10 * max(1, month.space.size)))
    quota = month.rules.quota(day_area(month.territory.retailers))
    return min(month.capacity, max(share, quota))


def _territory(
    request: MonthRequest,
    demands: tuple[VisitDemand, ...],
    rules: Rules,
    network: RoadNetwork | None,
    cache_dir: Path | None,
) -> _Territory:
    reasons = _unusable(request, rules, network)
    keep = [i for i in range(len(request.retailers)) if i not in reasons]
    unplanned = tuple(
        Unplanned(retailer_id=request.retailers[i].id, date=None, reason=reasons[i])
        for i in sorted(reasons)
        for _ in range(demands[i].visits)
    )
    retailers = tuple(request.retailers[i] for i in keep)
    lons = [request.office[0], *(r.lon for r in retailers)]
    lats = [request.office[1], *(r.lat for r in retailers)]
    if network is None:
        mode = rules.mode(request.mode)
        matrix = straight_line_matrix(
            lons, lats, speed_kph=mode.default_kph, detour=rules.straight_line_detour
        )
    else:
        snapping = snap_points(
            network,
            lons,
            lats,
            office_lon=lons[0],
            office_lat=lats[0],
            max_snap_m=rules.max_snap_distance_m,
        )
        nodes = [node for node in snapping.nodes if node is not None]
        matrix = road_matrix(network, nodes, cache_dir=cache_dir)
    return _Territory(
        retailers=retailers,
        demands=tuple(demands[i] for i in keep),
        durations_s=np.asarray(matrix.durations_s, dtype=np.int64),
        unplanned=unplanned,
    )


def _unusable(request: MonthRequest, rules: Rules, network: RoadNetwork | None) -> dict[int, str]:
    reasons: dict[int, str] = {}
    if network is not None:
        snapping = snap_points(
            network,
            [r.lon for r in request.retailers],
            [r.lat for r in request.retailers],
            office_lon=request.office[0],
            office_lat=request.office[1],
            max_snap_m=rules.max_snap_distance_m,
        )
        reasons.update(snapping.reasons)
    for position, retailer in enumerate(request.retailers):
        reason = start_windows(retailer, rules)[1]
        if reason is not None and position not in reasons:
            reasons[position] = reason
    return reasons


def _spread(durations_s: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    retailers = durations_s[1:, 1:]
    return ((retailers + retailers.T) // 2).astype(np.int64)


def _space(calendar: WorkCalendar, month_rules: MonthRules) -> PatternSpace:
    days = calendar.working_days
    ranges = {
        "forecast_days": month_rules.forecast_days,
        "priority_days": month_rules.priority_days,
    }
    priority = set(calendar.days_in(Phase.PRIORITY, **ranges))
    forecast = set(calendar.days_in(Phase.FORECAST, **ranges))
    return PatternSpace(
        weekdays=tuple(day.weekday() for day in days),
        priority=frozenset(k for k, day in enumerate(days) if day in priority),
        forecast=frozenset(k for k, day in enumerate(days) if day in forecast),
        min_gap=month_rules.min_gap_working_days,
    )


def _lines(month: _Month) -> LinePlan:
    territory, rules = month.territory, month.rules
    workload = [
        (r.service_s or rules.service_s) * d.visits // 4
        for r, d in zip(territory.retailers, territory.demands, strict=True)
    ]
    return build_lines(
        [r.id for r in territory.retailers],
        territory.durations_s,
        count=WEEKLY_LINES,
        workload_s=workload,
        previous=month.request.previous_lines,
    )


def _line_start(month: _Month, capacity: int) -> tuple[Pattern, ...]:
    """Return each retailer's patterns in the lines plan: where the free search begins.

    Lines are compact by construction; the free search begins from their days and moves
    visits between days from there, rather than from one cheapest insertion at a time.
    """
    return _assign(month, _options(month, _lines(month)), capacity).patterns


def _assign(
    month: _Month,
    options: Sequence[Sequence[Pattern]],
    capacity: int,
    start: Sequence[Pattern] | None = None,
) -> Assignment:
    return assign_patterns(
        options,
        month.territory.durations_s,
        days=month.space.size,
        capacity=capacity,
        settings=month.settings.assignment,
        start=start,
    )


def _options(month: _Month, lines: LinePlan | None) -> list[list[Pattern]]:
    space = month.space
    options = []
    for retailer, demand in zip(month.territory.retailers, month.territory.demands, strict=True):
        # Visits beyond what the month holds at the minimum gap are left out (and listed).
        visits = visits_that_fit(space, demand.visits)
        if lines is None:
            patterns = _spaced_or_all(even_patterns(space, visits), space)
        else:
            patterns = _line_options(space, visits, lines.line_of(retailer.id))
        options.append(
            keep_obligations(
                space,
                patterns,
                priority=demand.fluctuating or demand.enterprise,
                forecast=demand.forecast_sample,
            )
        )
    return options


def _spaced_or_all(patterns: list[Pattern], space: PatternSpace) -> list[Pattern]:
    return [p for p in patterns if spaced(p, space.min_gap)] or patterns


def _line_options(space: PatternSpace, visits: int, weekday: int) -> list[Pattern]:
    """Patterns on the line's weekday; when a holiday squeezes them, spaced ones closest to it.

    Around a holiday week two of the line's weekdays can be consecutive working days; then
    the evenly spread patterns that keep most visits on the weekday are used instead.
    """
    on_line = [p for p in line_patterns(space, visits, weekday) if spaced(p, space.min_gap)]
    if on_line:
        return on_line
    spread = _spaced_or_all(even_patterns(space, visits), space)
    hits = {p: sum(space.weekdays[d] == weekday for d in p) for p in spread}
    most = max(hits.values(), default=0)
    return [p for p in spread if hits[p] == most]


def _top_up(month: _Month, required: Sequence[set[int]]) -> list[set[int]]:
    """Add visits to days below the quota: highest priority first, then the nearest."""
    retailers = month.territory.retailers
    visits: dict[int, set[int]] = {i: set() for i in range(len(retailers))}
    for day, members in enumerate(required):
        for retailer in members:
            visits[retailer].add(day)
    members_by_day = [set(members) for members in required]
    for day, members in enumerate(members_by_day):
        quota = month.rules.quota(day_area([retailers[i] for i in members]))
        target = min(quota, month.capacity)
        centre = _centre(members, month.spread)
        ranked = sorted(
            (i for i in range(len(retailers)) if _may_add(visits[i], day, month.space.min_gap)),
            key=lambda i: (
                -visit_priority(retailers[i], month.rules),
                0 if centre is None else int(month.spread[i, centre]),
                i,
            ),
        )
        for retailer in ranked[: max(0, target - len(members))]:
            members.add(retailer)
            visits[retailer].add(day)
    return members_by_day


def _may_add(days: set[int], day: int, min_gap: int) -> bool:
    return all(abs(day - other) >= min_gap for other in days)


def _centre(members: set[int], spread: npt.NDArray[np.int64]) -> int | None:
    if not members:
        return None
    ids = np.array(sorted(members))
    return int(ids[int(spread[np.ix_(ids, ids)].sum(axis=1).argmin())])


def _route(
    month: _Month,
    members: Sequence[set[int]],
    required: Sequence[set[int]],
    *,
    days: Sequence[int] | range,
) -> list[DayResult]:
    """Route ``days``; a full day leaves out its top-ups (members not required) first."""
    retailers = month.territory.retailers
    requests = [
        DayRequest(
            retailers=tuple(retailers[i] for i in sorted(members[day])),
            office=month.request.office,
            date=month.calendar.working_days[day],
            mode=month.request.mode,
            manager=month.request.manager,
            optional_ids=frozenset(retailers[i].id for i in members[day] - required[day]),
        )
        for day in days
    ]
    return route_days(
        requests,
        rules=month.rules,
        network=month.network,
        settings=month.settings.day,
        workers=month.settings.workers,
        cache_dir=month.cache_dir,
    )


def _move_dropped(
    month: _Month,
    required: Sequence[set[int]],
    members: list[set[int]],
    results: list[DayResult],
) -> tuple[list[DayResult], dict[int, list[Unplanned]]]:
    """Move required visits a full day dropped to another day with room; reroute those days.

    Returns the day results and, per retailer, every drop seen with its day and reason;
    the plan lists as many of them as the retailer's visits finally fall short.
    """
    first_round = _dropped_required(month, required, results)
    visited = [_visited(month, result) for result in results]
    touched: set[int] = set()
    required = [set(day) for day in required]
    for retailer, day, _ in first_round:
        target = _new_day(month, retailer, day, visited)
        if target is not None:
            visited[target].add(retailer)
            required[target].add(retailer)
            touched.add(target)
    second_round: list[tuple[int, int, str]] = []
    if touched:
        days = sorted(touched)
        for day in days:
            # Only what the day visited plus what moved in: a retailer the day dropped may
            # meanwhile have moved to a neighbouring day.
            members[day] = set(visited[day])
        rerouted = _route(month, members, required, days=days)
        for day, result in zip(days, rerouted, strict=True):
            results[day] = result
        second_round = [d for d in _dropped_required(month, members, results) if d[1] in touched]
    drops: dict[int, list[Unplanned]] = {}
    for retailer, day, reason in [*second_round, *first_round]:
        drops.setdefault(retailer, []).append(
            Unplanned(
                retailer_id=month.territory.retailers[retailer].id,
                date=month.calendar.working_days[day],
                reason=f"{reason}; no other working day had room for it",
            )
        )
    return results, drops


def _visited(month: _Month, result: DayResult) -> set[int]:
    index = {r.id: i for i, r in enumerate(month.territory.retailers)}
    return {index[stop.retailer_id] for stop in result.plan.days[0].stops}


def _dropped_required(
    month: _Month, required: Sequence[set[int]], results: Sequence[DayResult]
) -> list[tuple[int, int, str]]:
    """Return (retailer, day, reason) of every required visit a day left out."""
    index = {r.id: i for i, r in enumerate(month.territory.retailers)}
    dropped = []
    for day, result in enumerate(results):
        reasons = {u.retailer_id: u.reason for u in result.plan.unplanned}
        for retailer_id, reason in sorted(reasons.items()):
            retailer = index[retailer_id]
            if retailer in required[day]:
                dropped.append((retailer, day, reason))
    return dropped


def _new_day(month: _Month, retailer: int, day: int, visited: Sequence[set[int]]) -> int | None:
    """Return the nearest working day with room that keeps spacing and obligations."""
    demand = month.territory.demands[retailer]
    others = {d for d, members in enumerate(visited) if retailer in members and d != day}
    allowed = set(range(month.space.size))
    for days, owed in (
        (month.space.priority, demand.fluctuating or demand.enterprise),
        (month.space.forecast, demand.forecast_sample),
    ):
        if owed and day in days and days and not others & days:
            allowed &= days
    options = [
        d
        for d in sorted(allowed)
        if d != day
        and retailer not in visited[d]
        and len(visited[d]) < month.capacity
        and _may_add(others, d, month.space.min_gap)
    ]
    if not options:
        return None
    return min(options, key=lambda d: (_distance_to_day(month, retailer, visited[d]), d))


def _distance_to_day(month: _Month, retailer: int, members: set[int]) -> int:
    centre = _centre(members, month.spread)
    return 0 if centre is None else int(month.spread[retailer, centre])


def _assemble(
    month: _Month,
    results: Sequence[DayResult],
    lines: LinePlan | None,
    lost: Mapping[int, list[Unplanned]],
    assignment: Assignment,
) -> Plan:
    days = tuple(result.plan.days[0] for result in results)
    dates: dict[str, list[date]] = {}
    for day in days:
        for stop in day.stops:
            dates.setdefault(stop.retailer_id, []).append(day.date)
    demand_of = dict(
        zip((r.id for r in month.request.retailers), _all_demands(month), strict=True)
    )
    entries = tuple(
        RetailerVisits(
            id=r.id, required_visits=demand_of[r.id].visits, dates=tuple(dates.get(r.id, ()))
        )
        for r in month.request.retailers
    )
    unplanned = list(month.territory.unplanned)
    for retailer in month.territory.retailers:
        missing = demand_of[retailer.id].visits - len(dates.get(retailer.id, ()))
        if missing <= 0:
            continue
        index = month.territory.retailers.index(retailer)
        items = [u for u in lost.get(index, []) if u.date not in dates.get(retailer.id, ())]
        unplanned += items[:missing]
        unplanned += [
            Unplanned(retailer_id=retailer.id, date=None, reason=reason)
            for reason in _why_short(month, demand_of[retailer.id], max(0, missing - len(items)))
        ]
    # Its own undated entry: every lost visit already has one, so none is hidden by it.
    unplanned += _unmet_obligations(month, dates)
    return Plan(
        manager=month.request.manager,
        mode=month.request.mode,
        office_lon=month.request.office[0],
        office_lat=month.request.office[1],
        days=days,
        retailers=entries,
        unplanned=tuple(unplanned),
        extra=_extra(month, results, lines, assignment),
    )


def _why_short(month: _Month, demand: VisitDemand, count: int) -> list[str]:
    """Return a reason for each of ``count`` visits the plan left out with no day's reason.

    Visits beyond what the month can hold at the minimum gap are put down to that first;
    the rest were squeezed out by full days.
    """
    fits = visits_that_fit(month.space, demand.visits)
    beyond = min(count, demand.visits - fits)
    too_many = (
        f"the month's {month.space.size} working days hold only {fits} of "
        f"its {demand.visits} visits at least {month.space.min_gap} working days apart"
    )
    squeezed = "a full day dropped it when the month was re-planned; no other day had room"
    return [too_many] * beyond + [squeezed] * (count - beyond)


def _all_demands(month: _Month) -> list[VisitDemand]:
    by_id = {d.retailer_id: d for d in month.territory.demands}
    unusable = {u.retailer_id for u in month.territory.unplanned}
    missing = [r for r in month.request.retailers if r.id not in by_id]
    for retailer in missing:
        visits = sum(1 for u in month.territory.unplanned if u.retailer_id == retailer.id)
        by_id[retailer.id] = VisitDemand(
            retailer_id=retailer.id,
            visits=visits,
            fluctuating=retailer.fluctuating,
            fluctuation_cv=None,
            enterprise=retailer.enterprise,
            forecast_sample=retailer.forecast_sample,
            must_visit=retailer.must_visit,
            reasons=("cannot be routed",) if retailer.id in unusable else (),
        )
    return [by_id[r.id] for r in month.request.retailers]


def _unmet_obligations(month: _Month, dates: Mapping[str, list[date]]) -> list[Unplanned]:
    """Return an entry per retailer whose owed day-6-10 / day-1-5 visit could not be made.

    A month without any working day in a window owes nothing there (see ``_notes``).
    """
    unmet = []
    for demand in month.territory.demands:
        visited = set(dates.get(demand.retailer_id, ()))
        windows = (
            (
                "days 6–10 (fluctuating orders or enterprise-level account)",
                month.space.priority,
                demand.fluctuating or demand.enterprise,
            ),
            ("days 1–5 (demand-forecast sample)", month.space.forecast, demand.forecast_sample),
        )
        owed = [
            name
            for name, days, applies in windows
            if days and applies and not visited & {month.calendar.working_days[k] for k in days}
        ]
        if owed:
            reason = (
                f"owed a visit on {' and '.join(owed)}, but those days were full or too "
                "close to its other visits for the minimum gap"
            )
            unmet.append(Unplanned(retailer_id=demand.retailer_id, date=None, reason=reason))
    return unmet


def _notes(month: _Month) -> list[str]:
    notes = list(month.calendar.warnings)
    for name, days in (("6–10", month.space.priority), ("1–5", month.space.forecast)):
        if not days:
            notes.append(
                f"no working day is dated {name} this month, so the visits owed on those "
                "days cannot be made"
            )
    return notes


def _extra(
    month: _Month, results: Sequence[DayResult], lines: LinePlan | None, assignment: Assignment
) -> dict[str, object]:
    obligations = {
        d.retailer_id: [
            name
            for name, owed in (
                ("priority_days", d.fluctuating or d.enterprise),
                ("forecast_days", d.forecast_sample),
            )
            if owed
        ]
        for d in month.territory.demands
        if d.fluctuating or d.enterprise or d.forecast_sample
    }
    methods = {str(r.plan.extra.get("travel_matrix", "")) for r in results}
    return {
        "month": f"{month.request.year:04d}-{month.request.month:02d}",
        "planning": month.request.planning,
        "lines": {}
        if lines is None
        else {rid: lines.line_of(rid) for r in lines.lines for rid in r.retailer_ids},
        "obligations": obligations,
        "calendar": {
            "working_days": [d.isoformat() for d in month.calendar.working_days],
            "warnings": list(month.calendar.warnings),
            "source": month.calendar.source,
        },
        "travel_matrix": sorted(methods)[0] if methods else "",
        "notes": _notes(month),
        "assignment_travel_s": assignment.travel_s,
        "capacity": month.capacity,
    }
