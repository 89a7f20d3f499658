"""Plan one day end to end: retailers and a road network in, a timed, explained plan out.

Pipeline: snap → opening windows → travel matrix → :class:`DayProblem` → solve →
timeline → :class:`Plan`. Every input retailer ends up visited or in ``unplanned`` with
the reason.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from routing.errors import InternalError
from routing.matrix import TravelMatrix, road_matrix, route_path, straight_line_matrix
from routing.network import RoadNetwork
from routing.plan import DayPlan, Lunch, Plan, RetailerVisits, Stop, Unplanned
from routing.priorities import drop_penalty, visit_priority
from routing.problem import DayProblem, Window
from routing.retailers import Area, Retailer
from routing.rules import Rules
from routing.schedule import Timeline, build_timeline
from routing.snapping import snap_points
from routing.solver import DaySolution, SolverSettings, solve_day
from routing.timeofday import format_clock

logger = logging.getLogger(__name__)

LonLat = tuple[float, float]


@dataclass(frozen=True, slots=True, kw_only=True)
class DayRequest:
    """What a customer manager asks for: these retailers, from this office, on this date.

    ``optional_ids`` are retailers the day may visit but need not (a month plan's top-ups
    to reach the quota): a full day leaves them out before any other retailer.
    """

    retailers: tuple[Retailer, ...]
    office: LonLat
    date: date
    mode: str = "ebike"
    manager: str = ""
    max_visits: int | None = None
    optional_ids: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.max_visits is not None and self.max_visits < 1:
            msg = "Expected max_visits >= 1."
            raise ValueError(msg)


@dataclass(frozen=True, slots=True, kw_only=True)
class DayResult:
    """The plan, the exact solver input, and the road path of every leg (for maps)."""

    plan: Plan
    problem: DayProblem
    legs: tuple[tuple[LonLat, ...], ...]
    solution: DaySolution

    @property
    def on_roads(self) -> bool:
        """Whether travel (and ``legs``) follow a road network rather than straight lines."""
        return not self.plan.extra.get("travel_matrix", "").startswith("straight")


@dataclass(frozen=True, slots=True, kw_only=True)
class _Candidates:
    """Retailers that can be routed, with their network nodes and start windows."""

    retailers: tuple[Retailer, ...]
    nodes: tuple[int, ...] | None
    office_node: int | None
    windows: tuple[tuple[Window, ...], ...]
    unplanned: tuple[Unplanned, ...]


def plan_day(
    request: DayRequest,
    *,
    rules: Rules,
    network: RoadNetwork | None,
    settings: SolverSettings | None = None,
    cache_dir: Path | None = None,
) -> DayResult:
    """Plan ``request``'s day on ``network`` (straight lines when it is ``None``).

    Raises
    ------
    RoutingError
        If the office is not on the road network.
    """
    candidates = _candidates(request, rules, network)
    matrix = _matrix(request, candidates, rules, network, cache_dir)
    problem = _problem(request, candidates, matrix, rules)
    solution = solve_day(problem, settings)
    timeline = build_timeline(problem, solution.order)
    if timeline is None:
        msg = f"the solver's route for {request.date} has no feasible timeline"
        raise InternalError(msg)
    plan = _plan(
        request,
        candidates,
        problem=problem,
        solution=solution,
        timeline=timeline,
        rules=rules,
        matrix_method=matrix.method,
    )
    legs = _legs(request, candidates, network, solution.order)
    return DayResult(plan=plan, problem=problem, legs=legs, solution=solution)


def _candidates(request: DayRequest, rules: Rules, network: RoadNetwork | None) -> _Candidates:
    reasons: dict[int, str] = {}
    nodes: list[int | None] = [None] * len(request.retailers)
    office_node = None
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
        nodes = list(snapping.nodes)
        office_node = snapping.office_node
    windows: list[tuple[Window, ...]] = []
    for position, retailer in enumerate(request.retailers):
        retailer_windows, reason = start_windows(retailer, rules)
        windows.append(retailer_windows)
        if reason is not None and position not in reasons:
            reasons[position] = reason
    keep = [i for i in range(len(request.retailers)) if i not in reasons]
    unplanned = tuple(
        Unplanned(retailer_id=request.retailers[i].id, date=request.date, reason=reasons[i])
        for i in sorted(reasons)
    )
    return _Candidates(
        retailers=tuple(request.retailers[i] for i in keep),
        nodes=None if network is None else tuple(_node(nodes[i]) for i in keep),
        office_node=office_node,
        windows=tuple(windows[i] for i in keep),
        unplanned=unplanned,
    )


def _node(node: int | None) -> int:
    if node is None:
        msg = "a retailer without a road node was kept for routing"
        raise InternalError(msg)
    return node


def start_windows(retailer: Retailer, rules: Rules) -> tuple[tuple[Window, ...], str | None]:
    """Return the times a visit may start (within the field day), or why there are none."""
    service = retailer.service_s or rules.service_s
    if not retailer.opening:
        return (), None
    windows = tuple(
        (max(w.start_s, rules.depart_office_after_s), min(w.end_s, rules.field_end_s) - service)
        for w in retailer.opening
    )
    fitting = tuple((lo, hi) for lo, hi in windows if lo <= hi)
    if fitting:
        return fitting, None
    hours = ", ".join(
        f"{format_clock(w.start_s)}–{format_clock(w.end_s)}" for w in retailer.opening
    )
    field = f"{format_clock(rules.depart_office_after_s)}–{format_clock(rules.field_end_s)}"
    minutes = service // 60
    return (), f"opening hours {hours} leave no {minutes} min visit inside the field day {field}"


def _matrix(
    request: DayRequest,
    candidates: _Candidates,
    rules: Rules,
    network: RoadNetwork | None,
    cache_dir: Path | None,
) -> TravelMatrix:
    if network is None or candidates.nodes is None or candidates.office_node is None:
        mode = rules.mode(request.mode)
        lons = [request.office[0], *(r.lon for r in candidates.retailers)]
        lats = [request.office[1], *(r.lat for r in candidates.retailers)]
        return straight_line_matrix(
            lons, lats, speed_kph=mode.default_kph, detour=rules.straight_line_detour
        )
    nodes = [candidates.office_node, *candidates.nodes]
    return road_matrix(network, nodes, cache_dir=cache_dir)


def _problem(
    request: DayRequest, candidates: _Candidates, matrix: TravelMatrix, rules: Rules
) -> DayProblem:
    retailers = candidates.retailers
    return DayProblem(
        retailer_ids=tuple(r.id for r in retailers),
        durations_s=np.asarray(matrix.durations_s, dtype=np.int64),
        distances_m=np.asarray(matrix.distances_m, dtype=np.int64),
        service_s=tuple(r.service_s or rules.service_s for r in retailers),
        windows=candidates.windows,
        drop_penalty=tuple(
            drop_penalty(r, rules, optional=r.id in request.optional_ids) for r in retailers
        ),
        depart_after_s=rules.depart_office_after_s,
        first_visit_by_s=rules.first_visit_by_s,
        field_end_s=rules.field_end_s,
        return_by_s=rules.office_return_by_s,
        lunch=rules.lunch,
        max_visits=request.max_visits,
    )


def _plan(
    request: DayRequest,
    candidates: _Candidates,
    *,
    problem: DayProblem,
    solution: DaySolution,
    timeline: Timeline,
    rules: Rules,
    matrix_method: str,
) -> Plan:
    day = _day_plan(request, candidates, problem, timeline, rules)
    dropped = tuple(
        Unplanned(
            retailer_id=candidates.retailers[i].id,
            date=request.date,
            reason=_drop_reason(
                i,
                candidates,
                problem=problem,
                solution=solution,
                rules=rules,
                request=request,
            ),
        )
        for i in solution.dropped
    )
    visited = {stop.retailer_id for stop in day.stops}
    entries = tuple(
        RetailerVisits(
            id=r.id, required_visits=1, dates=(request.date,) if r.id in visited else ()
        )
        for r in request.retailers
    )
    return Plan(
        manager=request.manager,
        mode=request.mode,
        office_lon=request.office[0],
        office_lat=request.office[1],
        days=(day,),
        retailers=entries,
        unplanned=candidates.unplanned + dropped,
        extra={
            "travel_matrix": matrix_method,
            "solver": {"status": solution.status, "stopped_by": solution.stopped_by},
        },
    )


def _day_plan(
    request: DayRequest,
    candidates: _Candidates,
    problem: DayProblem,
    timeline: Timeline,
    rules: Rules,
) -> DayPlan:
    stops = []
    previous = 0
    for visit in timeline.visits:
        retailer = candidates.retailers[visit.position]
        node = visit.position + 1
        stops.append(
            Stop(
                retailer_id=retailer.id,
                lon=retailer.lon,
                lat=retailer.lat,
                arrive_s=visit.arrive_s,
                start_s=visit.start_s,
                end_s=visit.end_s,
                travel_s=int(problem.durations_s[previous, node]),
                travel_m=int(problem.distances_m[previous, node]),
            )
        )
        previous = node
    visited = [candidates.retailers[v.position] for v in timeline.visits]
    # A day without visits keeps the area (and quota) of the retailers it was given.
    area = day_area(visited or list(request.retailers))
    quota = rules.quota(area)
    lunch = None
    if timeline.lunch_start_s is not None and problem.lunch is not None:
        lunch = Lunch(
            start_s=timeline.lunch_start_s,
            end_s=timeline.lunch_start_s + problem.lunch.duration_s,
            after_stop=timeline.lunch_after or 0,
        )
    return DayPlan(
        date=request.date,
        area=area,
        depart_office_s=timeline.depart_s,
        return_office_s=timeline.return_s,
        lunch=lunch,
        stops=tuple(stops),
        travel_back_s=int(problem.durations_s[previous, 0]),
        travel_back_m=int(problem.distances_m[previous, 0]),
        quota=quota,
        shortfall_reason=_shortfall(len(stops), quota, request, candidates, rules),
    )


def day_area(retailers: Sequence[Retailer]) -> str:
    """Return ``rural`` when most of the day's retailers are rural, else ``urban``."""
    rural = sum(r.area is Area.RURAL for r in retailers)
    return Area.RURAL.value if retailers and rural * 2 > len(retailers) else Area.URBAN.value


def _shortfall(
    visits: int, quota: int, request: DayRequest, candidates: _Candidates, rules: Rules
) -> str | None:
    if visits >= quota:
        return None
    given = len(request.retailers)
    if given < quota:
        return f"only {given} retailers were given for the day; the quota is {quota}"
    routable = len(candidates.retailers)
    if routable < quota:
        unusable = given - routable
        return (
            f"{unusable} of {given} retailers cannot be routed (see unplanned), "
            f"leaving {routable}; the quota is {quota}"
        )
    if request.max_visits is not None and visits >= request.max_visits:
        return f"the day is capped at {request.max_visits} visits; the quota is {quota}"
    field = f"{format_clock(rules.depart_office_after_s)}–{format_clock(rules.field_end_s)}"
    minutes = sorted({(r.service_s or rules.service_s) // 60 for r in candidates.retailers})
    each = f"{minutes[0]}" if len(minutes) == 1 else f"{minutes[0]}–{minutes[-1]}"
    return (
        f"the field day {field} holds only {visits} of {routable} visits "
        f"({each} min each, plus travel and lunch); the quota is {quota}"
    )


def _drop_reason(
    position: int,
    candidates: _Candidates,
    *,
    problem: DayProblem,
    solution: DaySolution,
    rules: Rules,
    request: DayRequest,
) -> str:
    retailer = candidates.retailers[position]
    max_visits = request.max_visits
    if retailer.id in request.optional_ids:
        return "the field day is full; an optional visit (added to reach the quota) goes first"
    if retailer.must_visit:
        return "must-visit, but it cannot fit the field day together with the other must-visits"
    if max_visits is not None and len(solution.order) >= max_visits:
        return f"the day's cap of {max_visits} visits is reached"
    if not solution.order and build_timeline(problem, (position,)) is None:
        first_by = format_clock(rules.first_visit_by_s)
        return (
            f"no retailer of the day can be visited first by {first_by} within its opening "
            "hours, so the day has no route"
        )
    mine = visit_priority(retailer, rules)
    visited = [visit_priority(candidates.retailers[i], rules) for i in solution.order]
    if visited and mine <= min(visited):
        return (
            f"the field day is full; left out as lower priority "
            f"(class {retailer.retailer_class}, priority {mine})"
        )
    return "the field day is full; its opening hours or position could not be fitted in time"


def _legs(
    request: DayRequest,
    candidates: _Candidates,
    network: RoadNetwork | None,
    order: tuple[int, ...],
) -> tuple[tuple[LonLat, ...], ...]:
    points = [
        request.office,
        *((candidates.retailers[i].lon, candidates.retailers[i].lat) for i in order),
        request.office,
    ]
    if network is None or candidates.nodes is None or candidates.office_node is None:
        return tuple((a, b) for a, b in itertools.pairwise(points))
    nodes = [candidates.office_node, *(candidates.nodes[i] for i in order), candidates.office_node]
    return tuple(
        (points[k], *route_path(network, a, b), points[k + 1])
        for k, (a, b) in enumerate(itertools.pairwise(nodes))
    )
