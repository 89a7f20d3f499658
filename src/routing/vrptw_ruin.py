"""Ruin and recreate for the VRPTW search: leave a local optimum for a nearby start.

:func:`ruin_and_recreate` removes a customer and its nearest neighbours from a set of
routes, puts each back where it is cheapest (the cheapest insertion over all of them
first, a new route when none fits) and improves the result with
:func:`routing.vrptw_construct.improve_routes`. Each step of the iterated local search
(:mod:`routing.vrptw_ils`) descends from it to a nearby local optimum.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from routing.vrptw import VrptwProblem
from routing.vrptw_construct import (
    Gaps,
    IntArray,
    Nodes,
    Routes,
    improve_routes,
    insertion_detours,
)

_NONE = np.iinfo(np.int64).max // 4


def ruin_and_recreate(
    problem: VrptwProblem, routes: Sequence[Sequence[int]], rng: np.random.Generator, size: int
) -> Routes:
    """Return ``routes`` (0-based positions) with ``size`` related customers reinserted.

    Returns ``()`` when a removed customer fits nowhere and the fleet is used up.
    """
    nodes = Nodes.of(problem)
    centre = int(rng.integers(1, problem.size + 1))
    removed = np.argsort(nodes.cost[centre, 1:], kind="stable")[:size] + 1
    gone = set(removed.tolist())
    kept = [[p + 1 for p in route if p + 1 not in gone] for route in routes]
    kept = [route for route in kept if route]
    if not _recreate(nodes, kept, list(rng.permutation(removed))):
        return ()
    improve_routes(nodes, kept)
    return tuple(tuple(node - 1 for node in route) for route in kept)


def _recreate(nodes: Nodes, routes: list[list[int]], removed: list[int]) -> bool:
    """Insert every removed customer, cheapest first, in place; False when one cannot go."""
    left = np.array(removed, dtype=np.int64)
    while len(left):
        customer, route, at = _cheapest(nodes, routes, left)
        if route >= 0:
            routes[route].insert(at, customer)
        elif len(routes) < nodes.vehicles:
            routes.append([customer])
        else:
            return False
        left = left[left != customer]
    return True


def _cheapest(nodes: Nodes, routes: list[list[int]], left: IntArray) -> tuple[int, int, int]:
    """Return (customer, route, position) of the cheapest insertion; route -1 if none fits.

    When none fits, the customer is the first of ``left``.
    """
    if not routes:
        return int(left[0]), -1, 0
    gaps = Gaps.of(nodes, routes)
    detour, feasible = insertion_detours(nodes, gaps, left)
    cost = np.where(feasible, detour, _NONE)
    row, gap = np.unravel_index(int(np.argmin(cost)), cost.shape)
    if cost[row, gap] == _NONE:
        return int(left[0]), -1, 0
    return int(left[row]), int(gaps.route[gap]), int(gaps.index[gap])
