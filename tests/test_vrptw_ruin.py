"""Ruin and recreate: a related group of customers out, each back where cheapest."""

from __future__ import annotations

import numpy as np
import pytest

from routing.vrptw_check import check_routes
from routing.vrptw_construct import construct_routes
from routing.vrptw_ruin import ruin_and_recreate
from test_vrptw import line
from test_vrptw_construct import scattered


@pytest.mark.parametrize("size", [1, 10, 40])
def test_ruin_and_recreate_gives_feasible_routes_serving_everyone(size: int):
    problem = scattered(40, 6, width=120, vehicles=40)
    routes = construct_routes(problem)
    rng = np.random.default_rng(0)
    for _ in range(3):
        routes = ruin_and_recreate(problem, routes, rng, size)
        assert check_routes(problem, routes) == []


def test_ruin_and_recreate_gives_up_when_a_customer_fits_nowhere():
    rng = np.random.default_rng(0)
    # Everything removed: one vehicle per customer is enough to put them all back.
    assert ruin_and_recreate(line(3, capacity=1, vehicles=3), [(0,), (1,), (2,)], rng, 3)
    # An overfull route: the removed customer fits neither beside the other nor alone.
    assert ruin_and_recreate(line(2, capacity=1, vehicles=1), [(0, 1)], rng, 1) == ()
