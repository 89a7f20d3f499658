"""An independent checker of VRPTW routes: it trusts no solver, only the problem.

It replays every route from the depot in integer time and reports every broken rule:
each customer served exactly once, no more routes than vehicles, each route's load within
capacity, every service start inside its window, every vehicle back by the depot's close.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence

from routing.vrptw import VrptwProblem


def check_routes(problem: VrptwProblem, routes: Sequence[Sequence[int]]) -> list[str]:
    """Return every rule ``routes`` (0-based customer positions) break; empty when feasible.

    Parameters
    ----------
    problem
        The instance the routes claim to solve.
    routes
        One visiting order per used vehicle.
    """
    violations = _coverage(problem, routes)
    used = [route for route in routes if route]
    if len(used) > problem.vehicles:
        violations.append(f"{len(used)} routes for {problem.vehicles} vehicles.")
    known = [route for route in used if all(0 <= p < problem.size for p in route)]
    for number, route in enumerate(known):
        violations += _load(problem, number, route)
        violations += _timeline(problem, number, route)
    return violations


def _coverage(problem: VrptwProblem, routes: Sequence[Sequence[int]]) -> list[str]:
    counts = Counter(itertools.chain.from_iterable(routes))
    unknown = sorted(p for p in counts if not 0 <= p < problem.size)
    twice = sorted(p for p, count in counts.items() if count > 1 and p not in unknown)
    missing = [p for p in range(problem.size) if p not in counts]
    violations = []
    if unknown:
        violations.append(f"unknown customers {unknown}.")
    if twice:
        violations.append(f"customers {twice} served more than once.")
    if missing:
        violations.append(f"customers {missing} not served.")
    return violations


def _load(problem: VrptwProblem, number: int, route: Sequence[int]) -> list[str]:
    load = sum(problem.demands[p] for p in route)
    if load > problem.capacity:
        return [f"route {number}: load {load} over capacity {problem.capacity}."]
    return []


def _timeline(problem: VrptwProblem, number: int, route: Sequence[int]) -> list[str]:
    # Leave as early as allowed and never wait longer than needed: if this earliest
    # timeline breaks a window or the depot's close, every timeline of the route does.
    violations = []
    clock, here = problem.depot_window[0], 0
    for position in route:
        node = position + 1
        lo, hi = problem.windows[position]
        clock = max(clock + int(problem.durations[here, node]), lo)
        if clock > hi:
            violations.append(
                f"route {number}: customer {position} starts at {clock}, after its window "
                f"closes at {hi}."
            )
        clock += problem.service[position]
        here = node
    back = clock + int(problem.durations[here, 0])
    if back > problem.depot_window[1]:
        violations.append(
            f"route {number}: back at the depot at {back}, after it closes at "
            f"{problem.depot_window[1]}."
        )
    return violations
