"""Tours of one day, without OR-Tools: cut to fit, ranked, measured.

The day solver (:mod:`routing.solver`) seeds its search with a travel-only tour cut down
by :func:`fitting_tour`, and compares runs by :func:`route_travel` plus
:func:`dropped_penalty`. Kept here, apart from the OR-Tools model, so they can be read
and tested on their own.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from routing.priorities import MUST_VISIT_PENALTY
from routing.problem import DayProblem
from routing.schedule import build_timeline


def windows_bind(problem: DayProblem) -> bool:
    """Return whether some retailer's opening hours shut it during the field day.

    A retailer open from the first-visit deadline until its last possible start (field
    end less its service) in one window can be visited at any time of the usual day.
    """
    return any(
        windows
        and not any(
            lo <= problem.first_visit_by_s and hi >= problem.field_end_s - service
            for lo, hi in windows
        )
        for windows, service in zip(problem.windows, problem.service_s, strict=True)
    )


def fitting_tour(problem: DayProblem, tour: tuple[int, ...]) -> tuple[int, ...]:
    """Return ``tour`` less the fewest, lowest-priority stops that make it fit the day.

    Stops go cheapest penalty first (must-visits last); among equals, the one whose removal
    saves the most travel.
    """
    kept = list(tour)
    cap = problem.max_visits if problem.max_visits is not None else len(kept)
    while kept and (len(kept) > cap or build_timeline(problem, tuple(kept)) is None):
        victim = min(
            range(len(kept)),
            key=lambda k: (drop_rank(problem, kept[k]), -_removal_saving(problem, kept, k)),
        )
        del kept[victim]
    return tuple(kept)


def drop_rank(problem: DayProblem, position: int) -> int:
    """Return what leaving the retailer at ``position`` out costs (must-visits the most)."""
    penalty = problem.drop_penalty[position]
    return MUST_VISIT_PENALTY if penalty is None else penalty


def dropped_penalty(problem: DayProblem, tour: Sequence[int]) -> int:
    """Return the summed :func:`drop_rank` of every retailer ``tour`` leaves out."""
    kept = set(tour)
    return sum(drop_rank(problem, i) for i in range(problem.size) if i not in kept)


def route_travel(problem: DayProblem, order: Sequence[int]) -> int:
    """Return the travel seconds of the office, ``order`` (0-based positions), office."""
    nodes = [0, *(position + 1 for position in order), 0]
    return int(sum(problem.durations_s[a, b] for a, b in itertools.pairwise(nodes)))


def _removal_saving(problem: DayProblem, tour: list[int], k: int) -> int:
    nodes = [0, *(position + 1 for position in tour), 0]
    before, here, after = nodes[k], nodes[k + 1], nodes[k + 2]
    durations = problem.durations_s
    return int(durations[before, here] + durations[here, after] - durations[before, after])
