"""Every OR-Tools model of the project; the only module that imports OR-Tools.

* :func:`solve_day`: one manager's day, one route from the office (the model below);
* :func:`solve_vrptw`: identical vehicles with capacity and time windows, the core the
  Solomon benchmark measures;
* :func:`solve_fleet`: capacitated vehicles with a route-duration limit (one day of a
  periodic VRP), re-routing the month engine's days.

What needs no OR-Tools lives beside it: :mod:`routing.day_tours` (cutting a tour to fit
the day), :mod:`routing.vrptw_construct`, :mod:`routing.vrptw_ruin` and
:mod:`routing.vrptw_ils` (the VRPTW start and the search around the OR-Tools descent).

The day model (all integers, seconds):

* arc cost = travel time; the time dimension's transit = service at the origin + travel;
* each retailer is a disjunction, so a first solution always exists and the search can
  trade a dropped visit (penalised by priority) against travel; ``must_visit`` ones carry a
  penalty above any possible travel saving, so they go only when impossible;
* visit starts obey opening windows and the field window; the first visit starts by 9:30;
* lunch is a break interval that may fall during travel or waiting but never in a visit;
* an optional count dimension caps visits.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import multiprocessing
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from ortools.util import optional_boolean_pb2

from routing.day_tours import (
    drop_rank,
    dropped_penalty,
    fitting_tour,
    route_travel,
    windows_bind,
)
from routing.exhaustive import MAX_EXHAUSTIVE, best_small_route
from routing.fleet import FleetProblem, FleetSolution, route_cost
from routing.priorities import MUST_VISIT_PENALTY
from routing.problem import DayProblem
from routing.schedule import build_timeline
from routing.vrptw import VrptwProblem, VrptwSolution, routes_cost
from routing.vrptw_construct import Routes, construct_routes
from routing.vrptw_ils import IlsSettings, iterated_local_search

logger = logging.getLogger(__name__)

_STRATEGIES = frozenset(routing_enums_pb2.FirstSolutionStrategy.Value.DESCRIPTOR.values_by_name)
_METAHEURISTICS = frozenset(
    routing_enums_pb2.LocalSearchMetaheuristic.Value.DESCRIPTOR.values_by_name
)


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
    warm_start_steps
        Steps of a travel-only tour search whose tour, cut down until it fits the day,
        seeds the full search (0 turns it off: the full search starts from
        ``first_solution``).
    tour_strategies
        First-solution strategies of the travel-only tour, one per portfolio run (the first
        one alone without the portfolio). Measured: a short tour search gets stuck in a
        different local optimum from each start, and the best of two starts is within
        0.02 % of the optimum on days where either alone misses it by up to 1.4 %.
    cold_start
        On days where opening hours bind, add a portfolio run that starts from
        ``first_solution`` on the full model. A tour that ignores opening hours loses
        stops when cut to fit such a day; a start that respects the windows from the
        outset keeps them (measured: 0.4 % less travel and one more visit on 12 days with
        3-hour windows). Where no window binds it finds nothing the tours miss.
    portfolio
        Run one search per ``tour_strategies`` entry (and the cold start where it helps)
        and keep the best.
    workers
        Processes for the portfolio; the result does not depend on it.
    first_solution
        An OR-Tools ``FirstSolutionStrategy`` name.
    metaheuristic
        An OR-Tools ``LocalSearchMetaheuristic`` name.
    """

    max_solutions: int = 300
    warm_start_steps: int = 150
    tour_strategies: tuple[str, ...] = ("PATH_CHEAPEST_ARC", "LOCAL_CHEAPEST_INSERTION")
    cold_start: bool = True
    portfolio: bool = True
    workers: int = 2
    time_limit_s: float = 10.0
    seed: int = 0
    first_solution: str = "PARALLEL_CHEAPEST_INSERTION"
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"

    def __post_init__(self) -> None:
        if self.time_limit_s <= 0 or self.max_solutions < 1 or self.workers < 1:
            msg = "Expected a positive time limit, max_solutions >= 1 and workers >= 1."
            raise ValueError(msg)
        if not self.tour_strategies:
            msg = "Expected at least one tour strategy."
            raise ValueError(msg)
        _check_search_names((self.first_solution, *self.tour_strategies), self.metaheuristic)


def _check_search_names(strategies: Sequence[str], metaheuristic: str) -> None:
    """Refuse OR-Tools strategy and metaheuristic names it does not know."""
    unknown = [name for name in strategies if name not in _STRATEGIES]
    if unknown:
        msg = f"Unknown first-solution strategies {unknown}."
        raise ValueError(msg)
    if metaheuristic not in _METAHEURISTICS:
        msg = f"Unknown metaheuristic {metaheuristic!r}."
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
    """Return the best route found for ``problem`` (the better of the portfolio's runs)."""
    settings = settings or SolverSettings()
    started = time.perf_counter()
    if not any(build_timeline(problem, (position,)) for position in range(problem.size)):
        # Any route's first stop could be visited alone; none can, so only the empty route
        # is feasible, and the search would never find another solution to count.
        return DaySolution(
            order=(),
            dropped=tuple(range(problem.size)),
            travel_s=0,
            wall_s=time.perf_counter() - started,
            status="INFEASIBLE_FIRST_VISIT",
        )
    if problem.size <= MAX_EXHAUSTIVE:
        order = best_small_route(problem)
        return DaySolution(
            order=order,
            dropped=tuple(i for i in range(problem.size) if i not in set(order)),
            travel_s=route_travel(problem, order),
            wall_s=time.perf_counter() - started,
            status="OPTIMAL_BY_ENUMERATION",
        )
    runs = _portfolio(problem, settings)
    if len(runs) > 1 and settings.workers > 1 and problem.size > 1:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(
            max_workers=min(settings.workers, len(runs)), mp_context=context
        ) as pool:
            solutions = list(pool.map(_solve_once, [problem] * len(runs), runs))
    else:
        solutions = [_solve_once(problem, run) for run in runs]
    best = min(solutions, key=lambda solution: _objective(problem, solution))
    return dataclasses.replace(best, wall_s=time.perf_counter() - started)


def _portfolio(problem: DayProblem, settings: SolverSettings) -> list[SolverSettings]:
    if not settings.portfolio or not settings.warm_start_steps:
        return [settings]
    runs = [
        dataclasses.replace(settings, tour_strategies=(strategy,), portfolio=False)
        for strategy in settings.tour_strategies
    ]
    if settings.cold_start and windows_bind(problem):
        runs.append(dataclasses.replace(settings, warm_start_steps=0, portfolio=False))
    return runs


def _objective(problem: DayProblem, solution: DaySolution) -> int:
    return solution.travel_s + dropped_penalty(problem, solution.order)


def _solve_once(problem: DayProblem, settings: SolverSettings) -> DaySolution:
    """Run one search: from the travel-only tour when it is on and fits, else from scratch."""
    started = time.perf_counter()
    manager = pywrapcp.RoutingIndexManager(problem.size + 1, 1, 0)
    routing = pywrapcp.RoutingModel(manager)
    _add_costs_and_time(routing, manager, problem)
    _add_drops(routing, manager, problem)
    _add_visit_cap(routing, problem)
    params = _one_route_parameters(settings)
    assignment = None
    if settings.warm_start_steps:
        tour = _warm_start_tour(problem, settings)
        initial = routing.ReadAssignmentFromRoutes(
            [[manager.NodeToIndex(n + 1) for n in tour]], True
        )
        if initial is not None:
            assignment = routing.SolveFromAssignmentWithParameters(initial, params)
    if assignment is None:
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
    travel = route_travel(problem, order)
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


def _warm_start_tour(problem: DayProblem, settings: SolverSettings) -> tuple[int, ...]:
    """Return the travel-only tour cut to fit the day, keeping the most that fits.

    When the closed tour has to be cut, an open path (the ride home not counted) is cut
    too: the ride home comes after the field day ends, so it does not limit how many
    visits fit, and on full days the open path keeps more of them (measured: three more
    visits on one of 26 benchmark days, one more on another).
    """
    closed = fitting_tour(problem, _travel_only_tour(problem, settings))
    if len(closed) == problem.size:
        return closed
    opened = fitting_tour(problem, _travel_only_tour(problem, settings, open_end=True))
    return min(
        (closed, opened),
        key=lambda tour: (dropped_penalty(problem, tour), route_travel(problem, tour)),
    )


def _travel_only_tour(
    problem: DayProblem, settings: SolverSettings, *, open_end: bool = False
) -> tuple[int, ...]:
    """Return a short tour through every retailer, ignoring every time rule.

    Without the time dimension each local-search step is far cheaper, so this finds a
    near-optimal tour quickly; cut to fit the day, it seeds the full search. With
    ``open_end`` the legs back to the office cost nothing (an open path).
    """
    manager = pywrapcp.RoutingIndexManager(problem.size + 1, 1, 0)
    routing = pywrapcp.RoutingModel(manager)
    costs = problem.durations_s.copy()
    if open_end:
        costs[:, 0] = 0
    cost_index = routing.RegisterTransitMatrix(costs.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(cost_index)
    params = _one_route_parameters(settings)
    params.first_solution_strategy = getattr(
        routing_enums_pb2.FirstSolutionStrategy, settings.tour_strategies[0]
    )
    params.solution_limit = settings.warm_start_steps
    assignment = routing.SolveWithParameters(params)
    return _read_order(routing, manager, assignment)


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
    for (_, gap_start), (gap_end, _) in itertools.pairwise(windows):
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
    for position in range(problem.size):
        index = manager.NodeToIndex(position + 1)
        routing.AddDisjunction([index], drop_rank(problem, position))


def _add_visit_cap(routing: pywrapcp.RoutingModel, problem: DayProblem) -> None:
    if problem.max_visits is None:
        return
    size = problem.size
    count_index = routing.RegisterUnaryTransitVector([0] + [1] * size)
    routing.AddDimensionWithVehicleCapacity(count_index, 0, [problem.max_visits], True, "visits")


def _search_parameters(settings: SolverSettings) -> pywrapcp.RoutingSearchParameters:
    return _parameters(
        settings.first_solution,
        settings.metaheuristic,
        solution_limit=settings.max_solutions,
        time_limit_s=settings.time_limit_s,
    )


def _parameters(
    first_solution: str, metaheuristic: str, *, solution_limit: int, time_limit_s: float
) -> pywrapcp.RoutingSearchParameters:
    """Return OR-Tools search parameters; ``solution_limit`` 0 leaves only the clock."""
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = getattr(
        routing_enums_pb2.FirstSolutionStrategy, first_solution
    )
    params.local_search_metaheuristic = getattr(
        routing_enums_pb2.LocalSearchMetaheuristic, metaheuristic
    )
    if solution_limit:
        params.solution_limit = solution_limit
    params.time_limit.FromMilliseconds(max(1, round(time_limit_s * 1000)))
    return params


#: Operators that move visits between routes; a day has one route, so they only cost time
#: (measured: 10 % of the day search, the same routes).
_MULTI_ROUTE_OPERATORS = (
    "use_cross",
    "use_exchange_subtrip",
    "use_relocate_subtrip",
    "use_exchange_pair",
    "use_relocate_pair",
    "use_light_relocate_pair",
)


def _one_route_parameters(settings: SolverSettings) -> pywrapcp.RoutingSearchParameters:
    params = _search_parameters(settings)
    for operator in _MULTI_ROUTE_OPERATORS:
        setattr(params.local_search_operators, operator, optional_boolean_pb2.BOOL_FALSE)
    return params


def _read_order(
    routing: pywrapcp.RoutingModel,
    manager: pywrapcp.RoutingIndexManager,
    assignment: pywrapcp.Assignment,
    vehicle: int = 0,
) -> tuple[int, ...]:
    """Return ``vehicle``'s visiting order in ``assignment`` (0-based positions)."""
    order: list[int] = []
    index = assignment.Value(routing.NextVar(routing.Start(vehicle)))
    while not routing.IsEnd(index):
        order.append(manager.IndexToNode(index) - 1)
        index = assignment.Value(routing.NextVar(index))
    return tuple(order)


def _status_name(routing: pywrapcp.RoutingModel) -> str:
    name: str = routing_enums_pb2.RoutingSearchStatus.Value.Name(routing.status())
    return name.removeprefix("ROUTING_")


# VRPTW: identical vehicles with capacity and time windows (the Solomon benchmarks).


@dataclass(frozen=True, slots=True, kw_only=True)
class VrptwSettings:
    """How :func:`solve_vrptw` searches.

    Parameters
    ----------
    time_limit_s
        Wall-clock budget of the whole call and of each worker (a constructed start's
        time comes out of its worker's budget).
    constructed_start
        Every worker starts from our own construction
        (:func:`routing.vrptw_construct.construct_routes`: Solomon's I1 insertion and a
        relocate / 2-opt* descent), improves it by guided local search for ``gls_s`` and
        then by iterated local search (:mod:`routing.vrptw_ils`) with its own seed. Off,
        worker ``i`` runs guided local search from ``strategies[i]`` for the whole budget.
        Measured at 10 s, one worker, on C104, C204, R101, R104, R108, R204, RC102, RC108,
        RC201, RC206: 6.28 % mean gap from LOCAL_CHEAPEST_INSERTION, 3.57 % from the
        constructed start (guided local search only).
    strategies
        OR-Tools ``FirstSolutionStrategy`` names, best first: the starts without a
        constructed start, and the fallback when the construction cannot serve every
        customer. Insertion starts find a first route even on tight windows where
        arc-by-arc starts fail (notes/solver-measurements.md).
    metaheuristic
        The OR-Tools ``LocalSearchMetaheuristic`` name of the searches from a strategy and
        of the first phase from a constructed start.
    gls_lambda
        Guided local search's penalty weight. Measured from the constructed start on the
        ten instances above at 10 s: 0.1 (OR-Tools' default) 3.38 %, 0.3 2.90 %.
    gls_s
        From a constructed start, seconds of guided local search before the iterated
        local search takes over (at most a third of the budget).
    ils
        The iterated local search's ruin sizes, acceptance and seed; worker ``i`` adds
        ``i`` to the seed. Guided local search alone circles around one local optimum:
        at 60 s on C104, R104, R108, R110, R204, R208, RC104, RC106, RC204 and RC206 it
        averaged 2.37 % above the best known (with ruin-and-recreate restarts every 10 s),
        5 s of it followed by this search 0.98 %. All 33 Solomon instances of the
        benchmark, two workers: 0.41 % at 60 s, 1.14 % at 10 s.
    workers
        Processes, each running one search; the best result wins.
    solution_limit
        End each guided local search after this many solutions (0: only the clock ends
        it). With ``ils.max_steps`` as well, a search repeats exactly.
    """

    time_limit_s: float = 10.0
    constructed_start: bool = True
    strategies: tuple[str, ...] = ("LOCAL_CHEAPEST_INSERTION", "PARALLEL_CHEAPEST_INSERTION")
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"
    gls_lambda: float = 0.3
    gls_s: float = 3.0
    ils: IlsSettings = field(default_factory=IlsSettings)
    workers: int = 2
    solution_limit: int = 0

    def __post_init__(self) -> None:
        if self.time_limit_s <= 0 or self.workers < 1 or self.solution_limit < 0:
            msg = "Expected a positive time limit, workers >= 1 and solution_limit >= 0."
            raise ValueError(msg)
        if not self.strategies:
            msg = "Expected at least one first-solution strategy."
            raise ValueError(msg)
        if self.gls_lambda <= 0 or self.gls_s < 0:
            msg = "Expected gls_lambda > 0 and gls_s >= 0."
            raise ValueError(msg)
        _check_search_names(self.strategies, self.metaheuristic)


def solve_vrptw(problem: VrptwProblem, settings: VrptwSettings | None = None) -> VrptwSolution:
    """Return the cheapest routes found for ``problem`` over all the multi-start's searches.

    Arc cost = ``problem.distances``; a time dimension (travel + service at the origin)
    holds every service start in its window and every vehicle inside the depot's hours; a
    load dimension holds the capacity. Every customer is a disjunction whose penalty
    exceeds any set of routes, so a first solution always exists and a customer is left
    out (in :attr:`VrptwSolution.dropped`) only when the search cannot fit it.
    """
    settings = settings or VrptwSettings()
    started = time.perf_counter()
    runs = _vrptw_runs(settings)
    if len(runs) > 1:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=len(runs), mp_context=context) as pool:
            solutions = list(pool.map(_solve_vrptw_once, [problem] * len(runs), runs))
    else:
        solutions = [_solve_vrptw_once(problem, run) for run in runs]
    best = min(solutions, key=lambda solution: (len(solution.dropped), solution.cost))
    return dataclasses.replace(best, wall_s=time.perf_counter() - started)


def _vrptw_runs(settings: VrptwSettings) -> list[VrptwSettings]:
    """Return one search per worker, each with the whole budget and its own start or seed."""
    single = dataclasses.replace(settings, workers=1)
    if settings.constructed_start:
        return [
            dataclasses.replace(single, ils=dataclasses.replace(settings.ils, seed=seed))
            for seed in range(settings.ils.seed, settings.ils.seed + settings.workers)
        ]
    return [
        dataclasses.replace(single, strategies=(strategy,))
        for strategy in settings.strategies[: settings.workers]
    ]


def _solve_vrptw_once(problem: VrptwProblem, settings: VrptwSettings) -> VrptwSolution:
    started = time.perf_counter()
    deadline = started + settings.time_limit_s
    start = construct_routes(problem) if settings.constructed_start else ()
    if start:
        routes, status = _guided_then_iterated(problem, settings, start, deadline)
    else:
        left = deadline - time.perf_counter()
        routes, status = _search(problem, settings, (), max(left, 0.001))
    served = {position for route in routes for position in route}
    origin = "constructed" if start else settings.strategies[0]
    return VrptwSolution(
        routes=routes,
        cost=round(routes_cost(problem.distances, routes)),
        dropped=tuple(p for p in range(problem.size) if p not in served),
        wall_s=time.perf_counter() - started,
        status=f"{status} ({origin})",
    )


def _search(
    problem: VrptwProblem,
    settings: VrptwSettings,
    start: Sequence[Sequence[int]],
    time_limit_s: float,
) -> tuple[Routes, str]:
    """Return the routes and status of one search from ``start`` (or the first strategy).

    OR-Tools reads no start into a model that has searched once, so each search builds
    its own model.
    """
    manager = pywrapcp.RoutingIndexManager(problem.size + 1, problem.vehicles, 0)
    routing = pywrapcp.RoutingModel(manager)
    _add_vrptw_constraints(routing, manager, problem)
    params = _vrptw_parameters(settings, time_limit_s)
    initial = _initial_assignment(routing, manager, problem.vehicles, start)
    if initial is not None:
        assignment = routing.SolveFromAssignmentWithParameters(initial, params)
    else:
        assignment = routing.SolveWithParameters(params)
    routes = _read_vrptw_routes(routing, manager, assignment, problem.vehicles)
    return routes, _status_name(routing)


def _guided_then_iterated(
    problem: VrptwProblem, settings: VrptwSettings, start: Routes, deadline: float
) -> tuple[Routes, str]:
    """Return the best routes of guided local search from ``start``, then iterated search."""
    left = deadline - time.perf_counter()
    guided, status = _search(problem, settings, start, max(min(settings.gls_s, left / 3), 0.001))
    if _served(guided) < problem.size or _cost(problem, guided) > _cost(problem, start):
        guided = start
    descent = dataclasses.replace(settings, metaheuristic="GREEDY_DESCENT", solution_limit=0)

    def descend(routes: Routes, seconds: float) -> Routes:
        return _search(problem, descent, routes, seconds)[0]

    result = iterated_local_search(problem, guided, descend, settings.ils, deadline=deadline)
    return result.routes, f"{status}, then {result.steps} ruin-and-descent steps"


def _served(routes: Sequence[Sequence[int]]) -> int:
    return sum(len(route) for route in routes)


def _cost(problem: VrptwProblem, routes: Sequence[Sequence[int]]) -> float:
    return routes_cost(problem.distances, routes)


def _initial_assignment(
    routing: pywrapcp.RoutingModel,
    manager: pywrapcp.RoutingIndexManager,
    vehicles: int,
    routes: Sequence[Sequence[int]],
) -> pywrapcp.Assignment | None:
    """Return ``routes`` (0-based positions) as an assignment; None when empty or broken."""
    if not routes or len(routes) > vehicles:
        return None
    padded = [list(route) for route in routes] + [[] for _ in range(vehicles - len(routes))]
    indices = [[manager.NodeToIndex(position + 1) for position in route] for route in padded]
    assignment: pywrapcp.Assignment | None = routing.ReadAssignmentFromRoutes(indices, True)
    if assignment is None:
        logger.warning("a start breaks a constraint; searching from the first strategy")
    return assignment


def _add_vrptw_constraints(
    routing: pywrapcp.RoutingModel, manager: pywrapcp.RoutingIndexManager, problem: VrptwProblem
) -> None:
    cost_index = routing.RegisterTransitMatrix(problem.distances.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(cost_index)
    _add_load(routing, problem.demands, problem.capacity, problem.vehicles)
    _add_vrptw_time(routing, manager, problem)
    # Above the cost of any set of routes, so serving one more customer always pays.
    penalty = int(problem.distances.max()) * (problem.size + problem.vehicles) + 1
    for position in range(problem.size):
        routing.AddDisjunction([manager.NodeToIndex(position + 1)], penalty)


def _add_vrptw_time(
    routing: pywrapcp.RoutingModel, manager: pywrapcp.RoutingIndexManager, problem: VrptwProblem
) -> None:
    service = np.array([0, *problem.service], dtype=np.int64)
    transit = problem.durations + service[:, None]
    np.fill_diagonal(transit, 0)
    time_index = routing.RegisterTransitMatrix(transit.tolist())
    opens, closes = problem.depot_window
    # Slack up to the horizon: a vehicle may wait at a customer for its window to open.
    routing.AddDimension(time_index, closes, closes, False, "time")
    dimension = routing.GetDimensionOrDie("time")
    for position, (lo, hi) in enumerate(problem.windows):
        dimension.CumulVar(manager.NodeToIndex(position + 1)).SetRange(lo, min(hi, closes))
    for vehicle in range(problem.vehicles):
        dimension.CumulVar(routing.Start(vehicle)).SetRange(opens, closes)
        dimension.CumulVar(routing.End(vehicle)).SetRange(opens, closes)


def _add_load(
    routing: pywrapcp.RoutingModel, demands: Sequence[int], capacity: int, vehicles: int
) -> None:
    load_index = routing.RegisterUnaryTransitVector([0, *demands])
    routing.AddDimensionWithVehicleCapacity(load_index, 0, [capacity] * vehicles, True, "load")


def _vrptw_parameters(
    settings: VrptwSettings, time_limit_s: float
) -> pywrapcp.RoutingSearchParameters:
    params = _parameters(
        settings.strategies[0],
        settings.metaheuristic,
        solution_limit=settings.solution_limit,
        time_limit_s=time_limit_s,
    )
    params.guided_local_search_lambda_coefficient = settings.gls_lambda
    return params


def _read_vrptw_routes(
    routing: pywrapcp.RoutingModel,
    manager: pywrapcp.RoutingIndexManager,
    assignment: pywrapcp.Assignment | None,
    vehicles: int,
) -> tuple[tuple[int, ...], ...]:
    """Return the used vehicles' routes (0-based positions); none without an assignment."""
    if assignment is None:
        return ()
    routes = (_read_order(routing, manager, assignment, v) for v in range(vehicles))
    return tuple(route for route in routes if route)


def solve_fleet(
    problem: FleetProblem,
    settings: SolverSettings | None = None,
    *,
    initial_routes: Sequence[Sequence[int]] | None = None,
) -> FleetSolution:
    """Return the cheapest routes found that serve every customer of ``problem``.

    Arc cost = ``problem.distances``; a load dimension enforces the capacity and, when
    ``problem.max_duration`` is set, a duration dimension (travel + service at the origin)
    the route-duration limit. Every customer is a disjunction whose penalty exceeds any
    detour, so a first solution always exists and a customer is left out (reported in
    :attr:`FleetSolution.dropped`) only when the search cannot fit it.

    Parameters
    ----------
    problem
        The customers and the fleet.
    settings
        Strategy, metaheuristic, ``max_solutions`` (OR-Tools' solution limit) and the
        ``time_limit_s`` cap; ``warm_start_steps``, ``portfolio`` and ``workers`` are unused.
    initial_routes
        Routes (0-based positions, at most one per vehicle) to start the search from; when
        they break a constraint the search starts from its first-solution strategy instead.
    """
    settings = settings or SolverSettings()
    started = time.perf_counter()
    manager = pywrapcp.RoutingIndexManager(problem.size + 1, problem.vehicles, 0)
    routing = pywrapcp.RoutingModel(manager)
    _add_fleet_constraints(routing, manager, problem)
    params = _search_parameters(settings)
    assignment = None
    if initial_routes is not None:
        assignment = _solve_from_routes(routing, manager, params, problem, initial_routes)
    if assignment is None:
        assignment = routing.SolveWithParameters(params)
    routes = _read_fleet_routes(routing, manager, assignment, problem.vehicles)
    served = {position for route in routes for position in route}
    return FleetSolution(
        routes=routes,
        cost=sum(route_cost(problem.distances, route) for route in routes),
        dropped=tuple(p for p in range(problem.size) if p not in served),
        wall_s=time.perf_counter() - started,
        status=_status_name(routing),
    )


def _add_fleet_constraints(
    routing: pywrapcp.RoutingModel, manager: pywrapcp.RoutingIndexManager, problem: FleetProblem
) -> None:
    cost_index = routing.RegisterTransitMatrix(problem.distances.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(cost_index)
    _add_load(routing, problem.demands, problem.capacity, problem.vehicles)
    if problem.max_duration:
        service = np.array([0, *problem.service], dtype=np.int64)
        transit = problem.durations + service[:, None]
        np.fill_diagonal(transit, 0)
        time_index = routing.RegisterTransitMatrix(transit.tolist())
        routing.AddDimension(time_index, 0, problem.max_duration, True, "duration")
    # Above any detour, so the search drops a customer only when it cannot fit it.
    penalty = max(MUST_VISIT_PENALTY, 4 * int(problem.distances.max()) + 1)
    for position in range(problem.size):
        index = manager.NodeToIndex(position + 1)
        routing.AddDisjunction([index], penalty)
        if problem.allowed_vehicles and problem.allowed_vehicles[position]:
            # -1 keeps "unperformed" possible; the 9.15 wheel cannot pass the span that
            # SetAllowedVehiclesForIndex expects.
            routing.VehicleVar(index).SetValues([-1, *problem.allowed_vehicles[position]])


def _solve_from_routes(
    routing: pywrapcp.RoutingModel,
    manager: pywrapcp.RoutingIndexManager,
    params: pywrapcp.RoutingSearchParameters,
    problem: FleetProblem,
    initial_routes: Sequence[Sequence[int]],
) -> pywrapcp.Assignment | None:
    if len(initial_routes) > problem.vehicles:
        msg = f"Expected at most {problem.vehicles} initial routes, got {len(initial_routes)}."
        raise ValueError(msg)
    padded = [list(route) for route in initial_routes]
    padded += [[] for _ in range(problem.vehicles - len(padded))]
    indices = [[manager.NodeToIndex(position + 1) for position in route] for route in padded]
    initial = routing.ReadAssignmentFromRoutes(indices, True)
    if initial is None:
        logger.debug("initial routes break a constraint; starting from scratch")
        return None
    assignment: pywrapcp.Assignment | None = routing.SolveFromAssignmentWithParameters(
        initial, params
    )
    return assignment


def _read_fleet_routes(
    routing: pywrapcp.RoutingModel,
    manager: pywrapcp.RoutingIndexManager,
    assignment: pywrapcp.Assignment | None,
    vehicles: int,
) -> tuple[tuple[int, ...], ...]:
    if assignment is None:
        return ((),) * vehicles
    return tuple(_read_order(routing, manager, assignment, v) for v in range(vehicles))
