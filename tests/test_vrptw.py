"""The VRPTW problem's validation and the independent route checker, rule by rule."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from routing.vrptw import VrptwProblem, routes_cost
from routing.vrptw_check import check_routes


def line(n: int, **fields: object) -> VrptwProblem:
    """``n`` customers in a row, 10 apart, the depot at one end; demand 1, service 1.

    Windows are wide (0..1000) unless a test narrows them.
    """
    positions = np.arange(n + 1) * 10
    matrix = np.abs(positions[:, None] - positions[None, :]).astype(np.int64)
    values: dict[str, object] = {
        "distances": matrix,
        "durations": matrix,
        "demands": (1,) * n,
        "service": (1,) * n,
        "windows": ((0, 1000),) * n,
        "depot_window": (0, 1000),
        "capacity": 10,
        "vehicles": 2,
    }
    values.update(fields)
    return VrptwProblem(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"distances": np.zeros((3, 3), dtype=np.int64)}, "shape"),
        ({"durations": -np.ones((4, 4), dtype=np.int64)}, "non-negative int64"),
        ({"service": (1, 1)}, "one service time and one window"),
        ({"windows": ((5, 1), (0, 9), (0, 9))}, "window start <= end"),
        ({"demands": (1, 11, 1)}, "customers [1] exceed"),
        ({"vehicles": 0}, "vehicles >= 1"),
        ({"depot_window": (9, 1)}, "depot_window"),
        ({"windows": ((0, 9), (1001, 1002), (0, 9))}, "do not"),
    ],
)
def test_a_broken_problem_is_refused_on_construction(fields: dict[str, object], message: str):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        line(3, **fields)


def test_routes_cost_adds_the_legs_from_and_back_to_the_depot():
    assert routes_cost(line(3).distances, [(0, 1), (2,)]) == 40 + 60


def test_feasible_routes_pass():
    assert check_routes(line(3), [(0, 1), (2,)]) == []


@pytest.mark.parametrize(
    ("routes", "complaint"),
    [
        ([(0, 1)], "customers [2] not served"),
        ([(0, 1, 2), (1,)], "customers [1] served more than once"),
        ([(0, 1, 2, 7)], "unknown customers [7]"),
        ([(0,), (1,), (2,)], "3 routes for 2 vehicles"),
    ],
)
def test_each_customer_once_on_at_most_the_fleet(routes: list[tuple[int, ...]], complaint: str):
    assert any(complaint in violation for violation in check_routes(line(3), routes))


def test_capacity_holds_and_is_broken():
    problem = line(3, demands=(4, 4, 4), capacity=8)
    assert check_routes(problem, [(0, 1), (2,)]) == []
    assert check_routes(problem, [(0, 1, 2)]) == ["route 0: load 12 over capacity 8."]


def test_a_window_holds_after_waiting_and_is_broken_by_arriving_late():
    early = line(3, windows=((50, 60), (0, 1000), (0, 1000)))
    # Customer 0 is 10 from the depot: the vehicle waits until 50, then goes on.
    assert check_routes(early, [(0, 1, 2)]) == []
    late = line(3, windows=((0, 20), (0, 1000), (0, 1000)))
    assert check_routes(late, [(0, 1, 2)]) == []
    # Out to customer 2 first: 30 + 1 + 10 + 1 + 10 = 52.
    violations = check_routes(late, [(2, 1, 0)])
    assert violations == ["route 0: customer 0 starts at 52, after its window closes at 20."]


def test_the_depot_close_holds_and_is_broken():
    assert check_routes(line(3, depot_window=(0, 63)), [(0, 1, 2)]) == []
    violations = check_routes(line(3, depot_window=(0, 62)), [(0, 1, 2)])
    assert violations == ["route 0: back at the depot at 63, after it closes at 62."]


def test_problems_change_only_through_replace():
    problem = line(2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        problem.capacity = 3  # type: ignore[misc]
    assert dataclasses.replace(problem, capacity=3).capacity == 3
