"""Cordeau's PVRP: the reader, the independent checker, and the month engine on p01-p32."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

import territory.cordeau as pvrp
from territory import periodic_search
from territory.cordeau import periodic_problem
from territory.periodic import PeriodicSettings
from territory.periodic_engine import PeriodicEngine


@pytest.fixture(scope="module")
def p14(shared_data: Path) -> pvrp.PvrpInstance:
    return pvrp.read_pvrp(shared_data / "pvrp" / "p14")


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
    result = pvrp.solve_pvrp(instance, PeriodicSettings(time_limit_s=3.0))
    assert pvrp.check_solution(instance, result.solution) == []
    assert result.cost == pytest.approx(pvrp.solution_cost(instance, result.solution))
    assert result.cost < 954.81 * 1.10  # within 10 % of the best known after 3 s


def consistent(engine: PeriodicEngine) -> bool:
    """Whether positions, loads and prefix loads agree with the routes."""
    for day, routes in enumerate(engine.routes):
        for r, route in enumerate(routes):
            loads = np.cumsum([engine.demand[node] for node in route]).tolist()
            if engine.loads[day][r] != (loads[-1] if loads else 0):
                return False
            if engine.prefix[day][r] != loads:
                return False
            if any(
                engine.route_of[day][node] != r or engine.pos_of[day][node] != k
                for k, node in enumerate(route)
            ):
                return False
    return True


@pytest.mark.shared_data
def test_perturbations_keep_the_engine_consistent(p14: pvrp.PvrpInstance):
    settings = PeriodicSettings(time_limit_s=5.0)
    engine = PeriodicEngine(periodic_problem(p14), 1.0, settings.neighbours)
    rng = np.random.default_rng(1)
    periodic_search._construct(engine, None)
    periodic_search._feasible_start(engine, rng)
    for _ in range(30):
        group, days = periodic_search._ruin_recreate(engine, settings, rng)
        periodic_search._local_search(engine, group, days, rng)
        assert consistent(engine)
    found = pvrp.cordeau_solution(engine.plan().solution())
    assert pvrp.check_solution(p14, found) == [] or not engine.feasible()


@pytest.mark.shared_data
def test_an_iteration_bound_gives_the_same_plan_twice(p14: pvrp.PvrpInstance):
    settings = PeriodicSettings(time_limit_s=30.0, iterations=60, polish_solutions=50)
    first, second = pvrp.solve_pvrp(p14, settings), pvrp.solve_pvrp(p14, settings)
    assert first.solution == second.solution
    assert first.search.perturbations == 60
    assert pvrp.check_solution(p14, first.solution) == []


@pytest.mark.shared_data
def test_the_duration_limit_is_kept(shared_data: Path, p14: pvrp.PvrpInstance):
    """A limit that Cordeau's plan just meets (routes without it are longer) is kept."""
    known = pvrp.read_res(shared_data / "pvrp" / "solutions_cordeau" / "p14.res", p14)
    distances = pvrp.real_distances(p14)
    limit = max(
        pvrp.route_length(distances, route) + sum(p14.service[c - 1] for c in route)
        for day in known.routes
        for route in day
    )
    tight = dataclasses.replace(p14, max_durations=(limit,) * p14.days)
    result = pvrp.solve_pvrp(
        tight, PeriodicSettings(time_limit_s=30.0, iterations=40, polish_solutions=50)
    )
    assert pvrp.check_solution(tight, result.solution) == []
