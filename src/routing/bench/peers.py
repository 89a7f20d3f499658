"""PyVRP and VROOM on a :class:`~routing.vrptw.VrptwProblem`, through their Python APIs.

Both get the problem's own integer matrices (distance and travel time), windows, service
times, demands and fleet, so they solve exactly the model the core solves. Each package is
imported only when its solver runs, since both are the optional ``[bench]`` extra.
"""

from __future__ import annotations

import importlib
import time
from datetime import timedelta
from types import ModuleType
from typing import Any

from routing.vrptw import VrptwProblem, VrptwSolution, routes_cost

#: VROOM's most thorough search (levels run 1 to 5).
VROOM_EXPLORATION = 5


class SolverMissingError(RuntimeError):
    """A peer solver's package is not installed."""


def _import(module: str, package: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError as error:
        msg = f"{package} is not installed (pip install -e '.[bench]')."
        raise SolverMissingError(msg) from error


def solve_pyvrp(problem: VrptwProblem, *, time_limit_s: float, seed: int) -> VrptwSolution:
    """Return PyVRP's best solution within ``time_limit_s`` seconds."""
    pyvrp = _import("pyvrp", "pyvrp")
    stop = _import("pyvrp.stop", "pyvrp")
    started = time.perf_counter()
    model = _pyvrp_model(pyvrp, problem)
    result = model.solve(stop.MaxRuntime(time_limit_s), seed=seed, display=False)
    client = pyvrp.ActivityType.CLIENT
    routes = tuple(
        tuple(activity.idx for activity in route if activity.type == client)
        for route in result.best.routes()
    )
    return _solution(problem, routes, started, "feasible" if result.is_feasible() else "")


def _pyvrp_model(pyvrp: ModuleType, problem: VrptwProblem) -> Any:
    model = pyvrp.Model()
    # Coordinates are unused: every edge below carries the problem's own integers.
    locations = [model.add_location(x=0.0, y=0.0) for _ in range(problem.size + 1)]
    opens, closes = problem.depot_window
    model.add_depot(locations[0], tw_early=opens, tw_late=closes)
    model.add_vehicle_type(
        num_available=problem.vehicles, capacity=problem.capacity, tw_early=opens, tw_late=closes
    )
    for position in range(problem.size):
        lo, hi = problem.windows[position]
        model.add_client(
            locations[position + 1],
            delivery=problem.demands[position],
            service_duration=problem.service[position],
            tw_early=lo,
            tw_late=hi,
        )
    for i, frm in enumerate(locations):
        for j, to in enumerate(locations):
            distance, duration = int(problem.distances[i, j]), int(problem.durations[i, j])
            model.add_edge(frm, to, distance=distance, duration=duration)
    return model


def solve_vroom(problem: VrptwProblem, *, time_limit_s: float, threads: int) -> VrptwSolution:
    """Return VROOM's solution, searched for at most ``time_limit_s`` seconds."""
    vroom = _import("vroom", "pyvroom")
    started = time.perf_counter()
    problem_input = _vroom_input(vroom, problem)
    solution = problem_input.solve(
        exploration_level=VROOM_EXPLORATION,
        nb_threads=threads,
        timeout=timedelta(seconds=time_limit_s),
    )
    steps = solution.routes
    jobs = steps[steps["type"] == "job"]
    routes = tuple(
        tuple(int(location) - 1 for location in group["location_index"])
        for _, group in jobs.groupby("vehicle_id", sort=True)
    )
    return _solution(problem, routes, started, "")


def _vroom_input(vroom: ModuleType, problem: VrptwProblem) -> Any:
    problem_input = vroom.Input()
    # VROOM's cost is travel time unless a cost matrix says otherwise: give it distance.
    problem_input.set_durations_matrix("car", problem.durations)
    problem_input.set_costs_matrix("car", problem.distances)
    depot = vroom.TimeWindow(*problem.depot_window)
    for vehicle in range(problem.vehicles):
        problem_input.add_vehicle(
            vroom.Vehicle(vehicle, start=0, end=0, capacity=[problem.capacity], time_window=depot)
        )
    for position in range(problem.size):
        problem_input.add_job(
            vroom.Job(
                position + 1,
                location=position + 1,
                default_service=problem.service[position],
                delivery=[problem.demands[position]],
                time_windows=[vroom.TimeWindow(*problem.windows[position])],
            )
        )
    return problem_input


def _solution(
    problem: VrptwProblem, routes: tuple[tuple[int, ...], ...], started: float, status: str
) -> VrptwSolution:
    served = {position for route in routes for position in route}
    routes = tuple(route for route in routes if route)
    return VrptwSolution(
        routes=routes,
        cost=round(routes_cost(problem.distances, routes)),
        dropped=tuple(p for p in range(problem.size) if p not in served),
        wall_s=time.perf_counter() - started,
        status=status,
    )
