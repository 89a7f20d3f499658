"""The day solver: one route from the office over OR-Tools. The only module importing it.

Model (all integers, seconds):

* arc cost = travel time; the time dimension's transit = service at the origin + travel;
* each retailer is a disjunction, so a first solution always exists and the search can
  trade a dropped visit (penalised by priority) against travel; ``must_visit`` ones carry a
  penalty above any possible travel saving, so they go only when impossible;
* visit starts obey opening windows and the field window; the first visit starts by 9:30;
* lunch is a break interval that may fall during travel or waiting but never in a visit;
* an optional count dimension caps visits.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from routing.problem import DayProblem

logger = logging.getLogger(__name__)

#: Dropping a must-visit retailer costs more than any route can travel (seconds).
MUST_VISIT_PENALTY = 10**9


@dataclass(frozen=True, slots=True, kw_only=True)
class SolverSettings:
    """How long and how the search runs; the defaults were chosen by measurement.

    Parameters
    ----------
    max_solutions
        Stop the local search after this many accepted solutions. This, not the clock, is
        what normally ends the search, so the same input gives the same route on any
        machine under any load.
    time_limit_s
        A safety cap on wall-clock time; a search stopped by it may differ between runs
        (:attr:`DaySolution.stopped_by` says which limit ended the search).
    seed
        Recorded with the plan; OR-Tools' routing search itself is deterministic.
    first_solution
        An OR-Tools ``FirstSolutionStrategy`` name.
    metaheuristic
        An OR-Tools ``LocalSearchMetaheuristic`` name.
    """

    max_solutions: int = 600
    time_limit_s: float = 10.0
    seed: int = 0
    first_solution: str = "PARALLEL_CHEAPEST_INSERTION"
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"

    def __post_init__(self) -> None:
        if self.time_limit_s <= 0 or self.max_solutions < 1:
            msg = "Expected a positive time limit and max_solutions >= 1."
            raise ValueError(msg)
        if self.first_solution not in routing_enums_pb2.FirstSolutionStrategy.Value.keys():
            msg = f"Unknown first-solution strategy {self.first_solution!r}."
            raise ValueError(msg)
        if self.metaheuristic not in routing_enums_pb2.LocalSearchMetaheuristic.Value.keys():
            msg = f"Unknown metaheuristic {self.metaheuristic!r}."
            raise ValueError(msg)


@dataclass(frozen=True, slots=True, kw_only=True)
class DaySolution:
    """The visiting order (0-based retailer positions) and what the search left out."""

    order: tuple[int, ...]
    dropped: tuple[int, ...]
    travel_s: int
    wall_s: float
    status: str
    stopped_by: str = "solution limit"


def solve_day(problem: DayProblem, settings: SolverSettings | None = None) -> DaySolution:
    """Return the best route found for ``problem`` within the settings' time limit."""
    settings = settings or SolverSettings()
    started = time.perf_counter()
    manager = pywrapcp.RoutingIndexManager(problem.size + 1, 1, 0)
    routing = pywrapcp.RoutingModel(manager)
    _add_costs_and_time(routing, manager, problem)
    _add_drops(routing, manager, problem)
    _add_visit_cap(routing, problem)
    params = _search_parameters(settings)
    assignment = routing.SolveWithParameters(params)
    wall = time.perf_counter() - started
    status = _status_name(routing)
    if assignment is None:
        # Every retailer is optional or penalised, so "no assignment" means the office day
        # itself is impossible (e.g. the office cannot be left before the return deadline).
        return DaySolution(
            order=(), dropped=tuple(range(problem.size)), travel_s=0, wall_s=wall, status=status
        )
    order = _read_order(routing, manager, assignment)
    visited = set(order)
    dropped = tuple(i for i in range(problem.size) if i not in visited)
    travel = _route_travel(problem, order)
    stopped_by = "time limit" if wall >= settings.time_limit_s else "solution limit"
    if stopped_by == "time limit":
        logger.warning("search hit the %.1f s time cap; rerunning may differ", wall)
    logger.debug("solved %d retailers in %.2fs: %s", problem.size, wall, status)
    return DaySolution(
        order=order,
        dropped=dropped,
        travel_s=travel,
        wall_s=wall,
        status=status,
        stopped_by=stopped_by,
    )


def _add_costs_and_time(
    routing: pywrapcp.RoutingModel, manager: pywrapcp.RoutingIndexManager, problem: DayProblem
) -> None:
    service = np.array([0, *problem.service_s], dtype=np.int64)
    transit = problem.durations_s + service[:, None]
    np.fill_diagonal(transit, 0)
    cost_index = routing.RegisterTransitMatrix(problem.durations_s.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(cost_index)
    time_index = routing.RegisterTransitMatrix(transit.tolist())
    horizon = problem.return_by_s
    routing.AddDimension(time_index, horizon, horizon, False, "time")
    dimension = routing.GetDimensionOrDie("time")
    start, end = routing.Start(0), routing.End(0)
    dimension.CumulVar(start).SetRange(problem.depart_after_s, problem.first_visit_by_s)
    dimension.CumulVar(end).SetMax(problem.return_by_s)
    for position in range(problem.size):
        _restrict_visit_start(dimension, manager.NodeToIndex(position + 1), problem, position)
    _first_visit_by(routing, dimension, problem)
    if problem.lunch is not None:
        _add_lunch(routing, dimension, manager, problem, service)
    # Prefer the earliest timeline among equal-travel routes, so the schedule has slack.
    routing.AddVariableMinimizedByFinalizer(dimension.CumulVar(end))


def _restrict_visit_start(
    dimension: pywrapcp.RoutingDimension, index: int, problem: DayProblem, position: int
) -> None:
    latest = problem.field_end_s - problem.service_s[position]
    cumul = dimension.CumulVar(index)
    cumul.SetRange(problem.depart_after_s, max(problem.depart_after_s, latest))
    windows = sorted(problem.windows[position])
    if not windows:
        return
    cumul.SetMin(max(problem.depart_after_s, windows[0][0]))
    cumul.SetMax(max(cumul.Min(), min(latest, windows[-1][1])))
    for (_, gap_start), (gap_end, _) in zip(windows, windows[1:], strict=False):
        if gap_end - 1 >= gap_start + 1:
            cumul.RemoveInterval(gap_start + 1, gap_end - 1)


def _first_visit_by(
    routing: pywrapcp.RoutingModel, dimension: pywrapcp.RoutingDimension, problem: DayProblem
) -> None:
    # The visit after the office start must begin by 9:30: an element constraint on the
    # start's successor, since the routing model has no notion of "first stop".
    solver = routing.solver()
    successor = routing.NextVar(routing.Start(0))
    cumuls = [dimension.CumulVar(index) for index in range(routing.Size())]
    cumuls.append(dimension.CumulVar(routing.End(0)))
    first_start = solver.Element(cumuls, successor)
    is_empty = solver.IsEqualCstVar(successor, routing.End(0))
    solver.Add(first_start <= problem.first_visit_by_s + is_empty * problem.return_by_s)


def _add_lunch(
    routing: pywrapcp.RoutingModel,
    dimension: pywrapcp.RoutingDimension,
    manager: pywrapcp.RoutingIndexManager,
    problem: DayProblem,
    service: np.ndarray,
) -> None:
    assert problem.lunch is not None
    lunch = problem.lunch
    interval = routing.solver().FixedDurationIntervalVar(
        lunch.earliest_start_s, lunch.latest_start_s, lunch.duration_s, False, "lunch"
    )
    visit_transits = [int(service[manager.IndexToNode(i)]) for i in range(routing.Size())]
    dimension.SetBreakIntervalsOfVehicle([interval], 0, visit_transits)


def _add_drops(
    routing: pywrapcp.RoutingModel, manager: pywrapcp.RoutingIndexManager, problem: DayProblem
) -> None:
    for position, penalty in enumerate(problem.drop_penalty):
        index = manager.NodeToIndex(position + 1)
        routing.AddDisjunction([index], MUST_VISIT_PENALTY if penalty is None else penalty)


def _add_visit_cap(routing: pywrapcp.RoutingModel, problem: DayProblem) -> None:
    if problem.max_visits is None:
        return
    size = problem.size
    count_index = routing.RegisterUnaryTransitVector([0] + [1] * size)
    routing.AddDimensionWithVehicleCapacity(count_index, 0, [problem.max_visits], True, "visits")


def _search_parameters(settings: SolverSettings) -> pywrapcp.RoutingSearchParameters:
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = getattr(
        routing_enums_pb2.FirstSolutionStrategy, settings.first_solution
    )
    params.local_search_metaheuristic = getattr(
        routing_enums_pb2.LocalSearchMetaheuristic, settings.metaheuristic
    )
    params.solution_limit = settings.max_solutions
    params.time_limit.FromMilliseconds(max(1, round(settings.time_limit_s * 1000)))
    return params


def _read_order(
    routing: pywrapcp.RoutingModel,
    manager: pywrapcp.RoutingIndexManager,
    assignment: pywrapcp.Assignment,
) -> tuple[int, ...]:
    order: list[int] = []
    index = assignment.Value(routing.NextVar(routing.Start(0)))
    while not routing.IsEnd(index):
        order.append(manager.IndexToNode(index) - 1)
        index = assignment.Value(routing.NextVar(index))
    return tuple(order)


def _route_travel(problem: DayProblem, order: tuple[int, ...]) -> int:
    nodes = [0, *(position + 1 for position in order), 0]
    return int(sum(problem.durations_s[a, b] for a, b in zip(nodes, nodes[1:], strict=False)))


def _status_name(routing: pywrapcp.RoutingModel) -> str:
    name: str = routing_enums_pb2.RoutingSearchStatus.Value.Name(routing.status())
    return name.removeprefix("ROUTING_")
