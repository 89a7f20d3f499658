"""Iterated local search for the VRPTW core: ruin, recreate, descend, accept.

Guided local search from one start circles around one local optimum. The loop here
leaves it several times a second: each step ruins the current routes
(:func:`routing.vrptw_ruin.ruin_and_recreate`: a random customer and a random number of
its nearest neighbours, put back where cheapest), lets the ``descend`` callback (OR-Tools'
greedy descent, passed in by :mod:`routing.solver`, so this module never imports it) go
down to the nearest local optimum, and accepts the result by record-to-record travel:
anything less than a threshold above the current routes, the threshold falling linearly
to zero at the deadline, so the walk can cross a ridge early and settles at the end.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from routing.vrptw import VrptwProblem, routes_cost
from routing.vrptw_construct import Routes
from routing.vrptw_ruin import ruin_and_recreate

#: ``descend(routes, seconds)``: a local optimum near ``routes`` found within ``seconds``.
Descend = Callable[[Routes, float], Routes]


@dataclass(frozen=True, slots=True, kw_only=True)
class IlsSettings:
    """How :func:`iterated_local_search` perturbs and accepts.

    Parameters
    ----------
    ruin_min, ruin_max
        Each step removes between these many customers (inclusive), drawn uniformly.
    threshold
        Record-to-record travel: at the start, a candidate up to this share longer than
        the current routes is accepted; the share falls linearly to zero at the deadline.
    seed
        Seed of the ruin's choices.
    max_steps
        End after this many steps (0: only the deadline ends the search). A search ended
        by the count repeats exactly; one ended by the clock may not.
    """

    ruin_min: int = 10
    ruin_max: int = 40
    threshold: float = 0.01
    seed: int = 0
    max_steps: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.ruin_min <= self.ruin_max:
            msg = f"Expected 1 <= ruin_min <= ruin_max, got {self.ruin_min}, {self.ruin_max}."
            raise ValueError(msg)
        if self.threshold < 0 or self.max_steps < 0:
            msg = "Expected threshold >= 0 and max_steps >= 0."
            raise ValueError(msg)


@dataclass(frozen=True, slots=True)
class IlsResult:
    """The best routes :func:`iterated_local_search` saw and how many steps it took."""

    routes: Routes
    steps: int


def iterated_local_search(
    problem: VrptwProblem,
    start: Routes,
    descend: Descend,
    settings: IlsSettings,
    *,
    deadline: float,
) -> IlsResult:
    """Return the shortest routes serving every customer found from ``start`` by ``deadline``.

    ``start`` must serve every customer; ``deadline`` is a :func:`time.perf_counter` value.
    A step whose ruin cannot put every customer back, or whose descent drops one, is
    discarded.
    """
    rng = np.random.default_rng(settings.seed)
    best = current = start
    best_cost = current_cost = routes_cost(problem.distances, start)
    span = max(deadline - time.perf_counter(), 1e-9)
    steps = 0
    while (left := deadline - time.perf_counter()) > 0.01:
        if settings.max_steps and steps >= settings.max_steps:
            break
        steps += 1
        size = int(rng.integers(settings.ruin_min, settings.ruin_max + 1))
        ruined = ruin_and_recreate(problem, current, rng, min(size, problem.size))
        if not ruined:
            continue
        candidate = descend(ruined, left)
        if sum(map(len, candidate)) != problem.size:
            continue
        cost = routes_cost(problem.distances, candidate)
        share = settings.threshold * max(deadline - time.perf_counter(), 0.0) / span
        if cost < current_cost * (1 + share):
            current, current_cost = candidate, cost
        if cost < best_cost:
            best, best_cost = candidate, cost
    return IlsResult(routes=best, steps=steps)
