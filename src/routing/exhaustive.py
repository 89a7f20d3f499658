"""Exact routes for tiny days by enumeration.

With a handful of retailers the local search cannot find enough distinct solutions to
reach its step limit and would run to the time cap; trying every order is exact and, for
up to six retailers (1,957 orders), takes milliseconds.
"""

from __future__ import annotations

from itertools import combinations, pairwise, permutations

from routing.priorities import MUST_VISIT_PENALTY
from routing.problem import DayProblem
from routing.schedule import build_timeline

#: Largest day solved by enumeration.
MAX_EXHAUSTIVE = 6


def best_small_route(problem: DayProblem) -> tuple[int, ...]:
    """Return the visiting order of least (dropped penalties + travel) that fits the day.

    Raises
    ------
    ValueError
        If the day has more than :data:`MAX_EXHAUSTIVE` retailers.
    """
    if problem.size > MAX_EXHAUSTIVE:
        msg = f"Expected at most {MAX_EXHAUSTIVE} retailers to enumerate, got {problem.size}."
        raise ValueError(msg)
    everyone = range(problem.size)
    cap = problem.size if problem.max_visits is None else min(problem.size, problem.max_visits)
    best: tuple[int, tuple[int, ...]] = (_cost(problem, ()), ())
    for count in range(1, cap + 1):
        for chosen in combinations(everyone, count):
            for order in permutations(chosen):
                cost = _cost(problem, order)
                if cost < best[0] and build_timeline(problem, order) is not None:
                    best = (cost, order)
    return best[1]


def _cost(problem: DayProblem, order: tuple[int, ...]) -> int:
    visited = set(order)
    dropped = sum(
        MUST_VISIT_PENALTY if penalty is None else penalty
        for position, penalty in enumerate(problem.drop_penalty)
        if position not in visited
    )
    nodes = [0, *(position + 1 for position in order), 0]
    travel = sum(int(problem.durations_s[a, b]) for a, b in pairwise(nodes))
    return dropped + travel
