"""The VRPTW core's iterated local search: ruin, recreate, descend, accept."""

from __future__ import annotations

import time

import pytest

from routing.vrptw import routes_cost
from routing.vrptw_check import check_routes
from routing.vrptw_construct import Routes, construct_routes
from routing.vrptw_ils import IlsSettings, iterated_local_search
from test_vrptw import line
from test_vrptw_construct import scattered

FEW_STEPS = IlsSettings(ruin_min=3, ruin_max=8, max_steps=25)


def unchanged(routes: Routes, seconds: float) -> Routes:
    """A descent that stops where it starts: the recreated routes are the candidate."""
    return routes


def far_future() -> float:
    return time.perf_counter() + 60.0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"ruin_min": 0}, "ruin_min"),
        ({"ruin_min": 9, "ruin_max": 8}, "ruin_min"),
        ({"threshold": -0.1}, "threshold"),
        ({"max_steps": -1}, "max_steps"),
    ],
)
def test_ils_settings_refuse_impossible_values(fields: dict[str, float], message: str):
    with pytest.raises(ValueError, match=message):
        IlsSettings(**fields)  # type: ignore[arg-type]


def test_the_search_keeps_every_customer_and_never_ends_longer_than_its_start():
    problem = scattered(30, 8, width=150)
    start = construct_routes(problem)
    result = iterated_local_search(problem, start, unchanged, FEW_STEPS, deadline=far_future())
    assert check_routes(problem, result.routes) == []
    assert sum(map(len, result.routes)) == problem.size
    assert routes_cost(problem.distances, result.routes) <= routes_cost(problem.distances, start)
    assert result.steps == FEW_STEPS.max_steps


def test_the_search_finds_the_shortest_routes_on_a_line():
    problem = line(6, vehicles=6)
    start = tuple((position,) for position in range(6))  # six out-and-back trips: 420
    settings = IlsSettings(ruin_min=2, ruin_max=6, max_steps=40)
    result = iterated_local_search(problem, start, unchanged, settings, deadline=far_future())
    assert routes_cost(problem.distances, result.routes) == 120


def test_a_candidate_missing_a_customer_is_never_taken():
    problem = scattered(20, 9, width=300)
    start = construct_routes(problem)

    def drop_one(routes: Routes, seconds: float) -> Routes:
        return tuple(route for route in routes[1:])

    result = iterated_local_search(problem, start, drop_one, FEW_STEPS, deadline=far_future())
    assert result.routes == start


def test_the_same_seed_and_step_count_give_the_same_routes():
    problem = scattered(30, 10, width=200)
    start = construct_routes(problem)
    runs = [
        iterated_local_search(problem, start, unchanged, FEW_STEPS, deadline=far_future())
        for _ in range(2)
    ]
    assert runs[0] == runs[1]


def test_the_deadline_ends_the_search():
    problem = scattered(20, 11, width=300)
    start = construct_routes(problem)
    now = time.perf_counter()
    result = iterated_local_search(problem, start, unchanged, IlsSettings(), deadline=now)
    assert result.steps == 0
    assert result.routes == start
