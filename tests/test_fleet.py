"""The fleet solver on tiny instances, and the Cordeau PVRP reader, checker and solver."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import numpy as np
import pytest

from routing.fleet import FleetProblem, route_cost, route_duration, route_load
from routing.solver import SolverSettings, solve_fleet

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import pvrp

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


# ----- Cordeau PVRP -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "days", "expected"),
    [(10, 5, (1, 3)), (16, 5, (0,)), (1, 5, (4,)), (63, 6, (0, 1, 2, 3, 4, 5)), (2, 2, (0,))],
)
def test_combination_bits_put_day_one_first(value: int, days: int, expected: tuple[int, ...]):
    assert pvrp.decode_combo(value, days) == expected


def test_combination_wider_than_the_period_is_rejected():
    with pytest.raises(ValueError, match="does not fit a 2-day period"):
        pvrp.decode_combo(4, 2)


@pytest.fixture(scope="module")
def p01(shared_data: Path) -> pvrp.PvrpInstance:
    return pvrp.read_pvrp(shared_data / "pvrp" / "p01")


@pytest.mark.shared_data
def test_reader_parses_p01(p01: pvrp.PvrpInstance):
    assert (p01.vehicles, p01.size, p01.days) == (3, 51, 2)
    assert p01.capacities == (160, 160)
    assert p01.max_durations == (0.0, 0.0)
    assert p01.coords[0].tolist() == [30.0, 40.0]
    assert p01.coords[1].tolist() == [37.0, 52.0]
    assert p01.demands[0] == 7
    assert p01.combos[0] == ((1,), (0,))  # "2 1": 10 = day 1, 01 = day 2
    assert p01.demands[50] == 160  # the customer sitting on the depot


@pytest.mark.shared_data
def test_checker_accepts_cordeau_solution_with_its_stated_cost(shared_data: Path):
    folder = shared_data / "pvrp"
    instance = pvrp.read_pvrp(folder / "p02")
    solution = pvrp.read_res(folder / "solutions_cordeau" / "p02.res", instance)
    assert pvrp.check_solution(instance, solution) == []
    assert pvrp.solution_cost(instance, solution) == pytest.approx(1322.87, abs=0.01)


@pytest.mark.shared_data
def test_checker_finds_the_p01_quirk(shared_data: Path, p01: pvrp.PvrpInstance):
    # Cordeau's p01.res leaves out the zero-length route of customer 51.
    solution = pvrp.read_res(shared_data / "pvrp" / "solutions_cordeau" / "p01.res", p01)
    assert pvrp.check_solution(p01, solution) == ["customer 51: days [] not among allowed [(0,)]"]


def broken(solution: pvrp.PvrpSolution, day: int, routes: pvrp.DayRoutes) -> pvrp.PvrpSolution:
    return dataclasses.replace(
        solution, routes=tuple(routes if k == day else r for k, r in enumerate(solution.routes))
    )


@pytest.mark.shared_data
def test_checker_reports_every_kind_of_violation(shared_data: Path):
    folder = shared_data / "pvrp"
    instance = pvrp.read_pvrp(folder / "p02")
    good = pvrp.read_res(folder / "solutions_cordeau" / "p02.res", instance)
    first, second, *rest = good.routes[0]
    merged = broken(good, 0, (first + second, *rest))  # one route over capacity
    assert any(
        "load" in p and "> capacity 160" in p for p in pvrp.check_solution(instance, merged)
    )
    full = good.routes[1]  # day 2 already uses all three vehicles
    split = broken(good, 1, (full[0][:1], full[0][1:], *full[1:]))
    assert any("4 routes > 3 vehicles" in p for p in pvrp.check_solution(instance, split))
    missing = broken(good, 0, (first[1:], second, *rest))
    assert any(f"customer {first[0]}:" in p for p in pvrp.check_solution(instance, missing))
    twice = broken(good, 0, (first + first[:1], second, *rest))
    assert any("twice on one day" in p for p in pvrp.check_solution(instance, twice))


@pytest.mark.shared_data
def test_checker_enforces_the_duration_limit(shared_data: Path):
    folder = shared_data / "pvrp"
    instance = pvrp.read_pvrp(folder / "p02")
    solution = pvrp.read_res(folder / "solutions_cordeau" / "p02.res", instance)
    tight = dataclasses.replace(instance, max_durations=(50.0,) * instance.days)
    assert any("duration" in p for p in pvrp.check_solution(tight, solution))


@pytest.mark.shared_data
def test_solver_returns_a_checked_plan_for_p14(shared_data: Path):
    instance = pvrp.read_pvrp(shared_data / "pvrp" / "p14")
    result = pvrp.solve_pvrp(instance, pvrp.PvrpSettings(time_limit_s=3.0))
    assert pvrp.check_solution(instance, result.solution) == []
    assert result.cost == pytest.approx(pvrp.solution_cost(instance, result.solution))
    assert result.cost < 954.81 * 1.10  # within 10 % of the best known after 3 s
