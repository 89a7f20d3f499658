"""Our own VRPTW start: I1 insertion, the relocate and 2-opt* descent, and seeding OR-Tools."""

from __future__ import annotations

import numpy as np
import pytest

from routing.solver import VrptwSettings, _vrptw_runs, solve_vrptw
from routing.vrptw import VrptwProblem, routes_cost
from routing.vrptw_check import check_routes
from routing.vrptw_construct import (
    I1Weights,
    Nodes,
    construct_routes,
    improve_routes,
    schedule,
)
from routing.vrptw_ils import IlsSettings
from test_vrptw import line


def scattered(n: int, seed: int, *, width: int = 300, vehicles: int = 10) -> VrptwProblem:
    """``n`` random customers on a 100 x 100 square with ``width``-long windows."""
    rng = np.random.default_rng(seed)
    points = rng.integers(0, 100, size=(n + 1, 2))
    matrix = np.rint(np.hypot(*(points[:, None, :] - points[None, :, :]).transpose(2, 0, 1)))
    matrix = matrix.astype(np.int64)
    opens = rng.integers(0, 1000 - width, size=n)
    return VrptwProblem(
        distances=matrix,
        durations=matrix,
        demands=tuple(int(d) for d in rng.integers(1, 20, size=n)),
        service=(10,) * n,
        windows=tuple((int(lo), int(lo) + width) for lo in opens),
        depot_window=(0, 1300),
        capacity=100,
        vehicles=vehicles,
    )


def test_schedule_gives_earliest_and_latest_service_starts():
    problem = line(2, windows=((0, 1000), (50, 60)), depot_window=(0, 100))
    early, late = schedule(Nodes.of(problem), [1, 2])
    # Depot 0 -> 10 (service 1) -> wait to 50 at 20 (service 1) -> back 20 later.
    assert early.tolist() == [0, 10, 50, 71]
    assert late.tolist() == [39, 49, 60, 100]


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("width", [60, 300])
def test_the_constructed_start_serves_everyone_and_the_checker_accepts_it(seed: int, width: int):
    problem = scattered(40, seed, width=width, vehicles=40)
    routes = construct_routes(problem)
    assert check_routes(problem, routes) == []


def test_the_descent_joins_routes_to_the_optimum_on_a_line():
    problem = line(3)
    routes = [[1, 3], [2]]  # node indices: 40 + 60 + 20 = 100 over two routes
    improve_routes(Nodes.of(problem), routes)
    assert routes == [[1, 2, 3]]
    assert routes_cost(problem.distances, [[0, 1, 2]]) == 60


@pytest.mark.parametrize("seed", [3, 4])
def test_the_descent_keeps_routes_feasible_and_never_longer(seed: int):
    problem = scattered(40, seed, width=150, vehicles=40)
    nodes = Nodes.of(problem)
    routes = [[customer] for customer in range(1, 41)]
    improve_routes(nodes, routes)
    positions = [[node - 1 for node in route] for route in routes]
    assert check_routes(problem, positions) == []
    assert routes_cost(problem.distances, positions) < 2 * problem.distances[0, 1:].sum()


def test_no_start_when_the_fleet_cannot_serve_everyone():
    assert construct_routes(line(3, capacity=1, vehicles=1)) == ()


def test_i1_weights_are_checked():
    with pytest.raises(ValueError, match="alpha in"):
        I1Weights(alpha=1.5)


def test_the_core_searches_from_the_constructed_start():
    problem = scattered(30, 5, width=200)
    solution = solve_vrptw(problem, VrptwSettings(time_limit_s=1.0, workers=1))
    assert "constructed" in solution.status
    assert check_routes(problem, solution.routes) == []
    assert solution.cost <= routes_cost(problem.distances, construct_routes(problem))


def test_the_iterated_search_keeps_a_feasible_best():
    problem = scattered(30, 7, width=150)
    ils = IlsSettings(ruin_min=4, ruin_max=8, max_steps=20)
    settings = VrptwSettings(time_limit_s=5.0, workers=1, gls_s=0.3, ils=ils)
    solution = solve_vrptw(problem, settings)
    assert check_routes(problem, solution.routes) == []
    assert solution.dropped == ()
    assert "20 ruin-and-descent steps" in solution.status


def test_a_count_limited_core_repeats_exactly_on_a_larger_problem():
    problem = scattered(40, 12, width=150)
    ils = IlsSettings(ruin_min=5, ruin_max=15, max_steps=15)
    settings = VrptwSettings(time_limit_s=60.0, workers=1, solution_limit=40, ils=ils)
    first, second = (solve_vrptw(problem, settings) for _ in range(2))
    assert first.routes == second.routes
    assert check_routes(problem, first.routes) == []


def test_without_a_complete_start_the_core_falls_back_to_its_strategy():
    problem = line(3, capacity=1, vehicles=1)
    solution = solve_vrptw(problem, VrptwSettings(time_limit_s=1.0, workers=1))
    assert "LOCAL_CHEAPEST_INSERTION" in solution.status
    assert len(solution.dropped) == 2


def test_every_worker_starts_from_the_construction_with_its_own_seed():
    runs = _vrptw_runs(VrptwSettings(workers=2, ils=IlsSettings(seed=5)))
    assert [run.constructed_start for run in runs] == [True, True]
    assert [run.ils.seed for run in runs] == [5, 6]
    assert [run.workers for run in runs] == [1, 1]


def test_without_the_construction_each_worker_starts_from_its_strategy():
    runs = _vrptw_runs(VrptwSettings(workers=2, constructed_start=False))
    assert [run.strategies for run in runs] == [
        ("LOCAL_CHEAPEST_INSERTION",),
        ("PARALLEL_CHEAPEST_INSERTION",),
    ]
