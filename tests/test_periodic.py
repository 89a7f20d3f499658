"""The month engine's periodic search on tiny hand-made problems (no shared data needed).

Customers sit on a line east of the depot, 10 apart, or in two far-apart clusters, so the
best plan is obvious at a glance.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import numpy.typing as npt
import pytest

from territory.periodic import (
    PeriodicProblem,
    PeriodicSettings,
    PeriodicSolution,
    route_cost,
    solution_cost,
)
from territory.periodic_search import solve_periodic

QUICK = PeriodicSettings(time_limit_s=30.0, iterations=200, final_share=0.0)


def east(n: int) -> npt.NDArray[np.int64]:
    """Distances of ``n`` customers 10, 20, … east of the depot."""
    positions = np.arange(n + 1) * 10
    return np.abs(positions[:, None] - positions[None, :]).astype(np.int64)


def two_clusters(size: int) -> npt.NDArray[np.int64]:
    """Two clusters of ``size`` customers, 1 apart inside, 100 from the depot, 150 apart."""
    n = 2 * size
    matrix = np.full((n + 1, n + 1), 150, dtype=np.int64)
    matrix[0, :] = matrix[:, 0] = 100
    for start in (1, 1 + size):
        matrix[start : start + size, start : start + size] = 1
    np.fill_diagonal(matrix, 0)
    return matrix


def problem(matrix: npt.NDArray[np.int64], **fields: object) -> PeriodicProblem:
    n = len(matrix) - 1
    values: dict[str, object] = {
        "distances": matrix,
        "durations": matrix,
        "service": (0,) * n,
        "demands": (1,) * n,
        "vehicles": 1,
        "capacities": (n, n),
        "max_durations": (0, 0),
        "options": (((0,), (1,)),) * n,
    }
    values.update(fields)
    return PeriodicProblem(**values)  # type: ignore[arg-type]


def days_of(found: PeriodicSolution, day: int) -> set[int]:
    return {customer for route in found.routes[day] for customer in route}


def test_two_clusters_get_a_day_each_when_a_day_holds_one():
    result = solve_periodic(problem(two_clusters(3), capacities=(3, 3)), QUICK)
    assert sorted(sorted(days_of(result.solution, d)) for d in (0, 1)) == [[0, 1, 2], [3, 4, 5]]
    assert result.cost == 2 * (100 + 2 + 100)
    assert result.feasible


def test_the_capacity_splits_a_day_over_the_vehicles():
    # Six customers in a row, two vehicles of capacity 3, one day each: two routes a day.
    one_day = problem(
        east(6), vehicles=2, capacities=(3,), max_durations=(0,), options=(((0,),),) * 6
    )
    result = solve_periodic(one_day, QUICK)
    assert result.feasible
    assert sorted(len(route) for route in result.solution.routes[0]) == [3, 3]
    # Out and back to the nearest three (60) and to the farthest three (120).
    assert result.cost == 60 + 120


def test_the_duration_limit_is_kept():
    # Limit 130, 5 a service: a route out to 60 (120 travel) holds at most two customers,
    # so the best plan is {5, 6} and {1..4}: 120 + 80.
    limited = problem(
        east(6),
        service=(5,) * 6,
        vehicles=6,
        capacities=(6,),
        max_durations=(130,),
        options=(((0,),),) * 6,
    )
    result = solve_periodic(limited, QUICK)
    assert result.feasible
    for route in result.solution.routes[0]:
        assert route_cost(limited.durations, (route,)) + 5 * len(route) <= 130
    assert result.cost == 200


def test_each_customer_gets_exactly_one_of_its_options():
    options = (((0, 1),), ((0,), (1,)), ((1,),), ((0,), (1,)))
    result = solve_periodic(problem(east(4), options=options), QUICK)
    for customer, choice in enumerate(result.solution.choices):
        days = options[customer][choice]
        assert all(customer in days_of(result.solution, d) for d in days)
        assert all(customer not in days_of(result.solution, d) for d in {0, 1} - set(days))


def test_an_unavoidable_overload_gives_the_most_even_plan():
    # Five customers, days of capacity 2: one day must carry three; never four or five.
    tight = problem(east(5), capacities=(2, 2))
    result = solve_periodic(tight, QUICK)
    assert not result.feasible
    assert sorted(len(days_of(result.solution, d)) for d in (0, 1)) == [2, 3]


def test_a_start_is_where_the_search_begins():
    start = [0, 0, 0, 1, 1, 1]
    no_search = dataclasses.replace(QUICK, iterations=0)
    result = solve_periodic(problem(two_clusters(3), capacities=(3, 3)), no_search, start=start)
    assert days_of(result.solution, 0) == {0, 1, 2}
    assert result.perturbations == 0


def test_a_start_must_name_an_option_of_each_customer():
    with pytest.raises(ValueError, match="one start option"):
        solve_periodic(problem(east(2)), QUICK, start=[0, 5])


def test_the_search_stops_when_it_stalls():
    stalled = solve_periodic(problem(two_clusters(3)), dataclasses.replace(QUICK, stall=5))
    assert stalled.perturbations < QUICK.iterations


def test_an_iteration_bound_gives_the_same_plan_twice():
    rng = np.random.default_rng(3)
    xy = rng.uniform(0, 100, size=(21, 2))
    matrix = np.rint(np.hypot(*(xy[:, None] - xy[None, :]).transpose(2, 0, 1))).astype(np.int64)
    weekly = ((0, 2), (1, 3))
    options = tuple(weekly if i % 2 else ((0,), (1,), (2,), (3,)) for i in range(20))
    month = problem(matrix, capacities=(8,) * 4, max_durations=(0,) * 4, options=options)
    first, second = solve_periodic(month, QUICK), solve_periodic(month, QUICK)
    assert first.solution == second.solution
    assert first.cost == solution_cost(month, first.solution)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"options": (((0,), (1,)), ())}, "Customer 1 has no allowed day set"),
        ({"options": (((0,),), ((2,),))}, r"day set \(2,\) is not increasing days in range"),
        ({"options": (((1, 0),), ((0,),))}, "not increasing"),
        ({"service": (0,)}, "one service time, demand and option list per customer"),
        ({"vehicles": 0}, "vehicles >= 1"),
        ({"distances": -east(2)}, "non-negative distances"),
        ({"durations": east(3)}, r"durations as 3x3 integers"),
    ],
)
def test_a_malformed_problem_is_refused(fields: dict[str, object], message: str):
    with pytest.raises(ValueError, match=message):
        problem(east(2), **fields)
