"""The fleet solver (several routes a day, capacity, duration) on tiny instances."""

from __future__ import annotations

import numpy as np
import pytest

from routing.fleet import FleetProblem, route_cost, route_duration, route_load
from routing.solver import SolverSettings, solve_fleet

FAST = SolverSettings(max_solutions=200, time_limit_s=2.0, warm_start_steps=0, portfolio=False)


def line(n: int, **fields: object) -> FleetProblem:
    """``n`` customers in a row, 10 apart, the depot at one end; demand 1, no service."""
    positions = np.arange(n + 1) * 10
    matrix = np.abs(positions[:, None] - positions[None, :]).astype(np.int64)
    values: dict[str, object] = {
        "distances": matrix,
        "durations": matrix,
        "service": (0,) * n,
        "demands": (1,) * n,
        "vehicles": 3,
        "capacity": 10,
    }
    values.update(fields)
    return FleetProblem(**values)  # type: ignore[arg-type]


def served(routes: tuple[tuple[int, ...], ...]) -> list[int]:
    return sorted(p for route in routes for p in route)


def test_one_vehicle_serves_everyone_when_it_fits():
    solution = solve_fleet(line(4), FAST)
    assert served(solution.routes) == [0, 1, 2, 3]
    assert solution.feasible
    assert solution.cost == 80  # out to the far end and back
    assert len(solution.routes) == 3


def test_capacity_splits_customers_over_vehicles():
    problem = line(4, demands=(3, 3, 3, 3), capacity=6)
    solution = solve_fleet(problem, FAST)
    assert served(solution.routes) == [0, 1, 2, 3]
    assert all(route_load(problem, route) <= 6 for route in solution.routes)
    assert sum(1 for route in solution.routes if route) == 2


def test_duration_limit_is_respected():
    # Alone, the far customer takes 80 (no service); with service 15 each, a route through
    # all four takes 140 > 100, so the fleet must split them.
    problem = line(4, service=(15, 15, 15, 15), max_duration=100)
    solution = solve_fleet(problem, FAST)
    assert served(solution.routes) == [0, 1, 2, 3]
    assert all(route_duration(problem, route) <= 100 for route in solution.routes)
    assert sum(1 for route in solution.routes if route) >= 2


def test_duration_limit_off_lets_one_route_take_everything():
    problem = line(4, service=(15, 15, 15, 15), max_duration=0)
    solution = solve_fleet(problem, FAST)
    assert sum(1 for route in solution.routes if route) == 1


def test_allowed_vehicles_are_respected():
    problem = line(4, allowed_vehicles=((2,), (2,), (), (1,)))
    solution = solve_fleet(problem, FAST)
    assert {0, 1} <= set(solution.routes[2])
    assert 3 in solution.routes[1]
    assert served(solution.routes) == [0, 1, 2, 3]


def test_initial_routes_start_the_search_and_never_lose_a_customer():
    problem = line(5, vehicles=2)
    start = [[4, 0], [2, 3, 1]]
    solution = solve_fleet(problem, FAST, initial_routes=start)
    assert served(solution.routes) == [0, 1, 2, 3, 4]
    assert solution.cost <= sum(route_cost(problem.distances, r) for r in start)


def test_infeasible_initial_routes_fall_back_to_a_fresh_search():
    problem = line(4, demands=(3, 3, 3, 3), capacity=6, vehicles=2)
    solution = solve_fleet(problem, FAST, initial_routes=[[0, 1, 2, 3]])
    assert solution.feasible
    assert all(route_load(problem, route) <= 6 for route in solution.routes)


def test_too_many_initial_routes_is_an_error():
    with pytest.raises(ValueError, match="at most 3 initial routes"):
        solve_fleet(line(2), FAST, initial_routes=[[0], [1], [], []])


def test_a_customer_that_cannot_fit_is_reported_as_dropped():
    solution = solve_fleet(line(3, demands=(1, 20, 1)), FAST)
    assert solution.dropped == (1,)
    assert not solution.feasible
    assert served(solution.routes) == [0, 2]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"distances": np.zeros((3, 3), dtype=np.int64)}, "distances of shape"),
        ({"durations": -np.ones((5, 5), dtype=np.int64)}, "non-negative int64 durations"),
        ({"service": (0, 0)}, "one service time per customer"),
        ({"demands": (1, -1, 1, 1)}, "non-negative service times and demands"),
        ({"vehicles": 0}, "vehicles >= 1"),
        ({"allowed_vehicles": ((0,),)}, "one tuple per customer"),
        ({"allowed_vehicles": ((0,), (3,), (), ())}, r"customers \[1\]"),
    ],
)
def test_fleet_problem_rejects_bad_input(fields: dict[str, object], message: str):
    with pytest.raises(ValueError, match=message):
        line(4, **fields)


def test_fleet_problem_reports_every_problem_at_once():
    with pytest.raises(ValueError, match=r"service time.*vehicles >= 1"):
        line(4, service=(0,), vehicles=0)
