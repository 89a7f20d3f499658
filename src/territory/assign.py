"""Choose one visit pattern per retailer: the month stated as a periodic VRP and solved.

The office is the depot, every retailer a customer whose options are its visit patterns,
and each working day has one vehicle (the manager) whose route carries at most
``capacity`` visits. :func:`territory.periodic_search.solve_periodic` picks the patterns
and routes every day, so a pattern is chosen for what it adds to real routes through the
office, not to a day's centre; the daily engine then routes and times each day with every
rule. The same search solves Cordeau's PVRP benchmark with several vehicles a day.
Deterministic: an iteration bound, not the clock, ends the search.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from territory.patterns import Pattern
from territory.periodic import PeriodicProblem, PeriodicSettings
from territory.periodic_search import solve_periodic

#: The month's search effort, by measurement on the 250-retailer benchmark territory
#: (``visitplan bench month``, January 2027, lines): the search ends when 600
#: perturbations in a row found nothing shorter, or at 3 000 (about 4 ms each); 1 500 with
#: 300 left the month 2.4 % above a ten-minute search, 3 000 with 600 0.6 %, in 14 s
#: instead of 11 s. A time cap far above that, so counts, not the clock, end it. No
#: OR-Tools re-routing: the daily engine routes every day afterwards.
MONTH_ASSIGNMENT = PeriodicSettings(
    time_limit_s=120.0, iterations=3_000, stall=600, final_share=0.0, ruin_min=3, ruin_max=15
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Assignment:
    """The chosen pattern of each retailer and the retailers of each working day.

    Parameters
    ----------
    travel_s
        Travel time of the search's own routes over all days (the daily engine's routes,
        with opening hours and lunch, differ a little).
    within_capacity
        Whether every day holds at most ``capacity`` visits.
    """

    patterns: tuple[Pattern, ...]
    days: tuple[tuple[int, ...], ...]
    travel_s: int
    within_capacity: bool


def assign_patterns(
    options: Sequence[Sequence[Pattern]],
    travel_s: npt.NDArray[np.int64],
    *,
    days: int,
    capacity: int,
    settings: PeriodicSettings = MONTH_ASSIGNMENT,
    start: Sequence[Pattern | None] | None = None,
) -> Assignment:
    """Return a pattern per retailer from ``options`` that keeps the month's travel least.

    Parameters
    ----------
    options
        Candidate patterns of each retailer (at least one each; ``()`` for no visit).
    travel_s
        Travel times, office first (retailer ``i`` is row ``i + 1``); made symmetric.
    days
        Working days in the month.
    capacity
        Visits a field day holds.
    settings
        The periodic search's effort.
    start
        A pattern per retailer to begin from (``None`` or one not among its options: the
        cheapest).

    Raises
    ------
    ValueError
        If a retailer has no pattern or ``travel_s`` does not match ``options``.
    """
    if not options:
        return Assignment(patterns=(), days=((),) * days, travel_s=0, within_capacity=True)
    symmetric = ((travel_s + travel_s.T) // 2).astype(np.int64)
    count = len(options)
    problem = PeriodicProblem(
        distances=symmetric,
        durations=symmetric,
        service=(0,) * count,
        demands=(1,) * count,
        vehicles=1,
        capacities=(capacity,) * days,
        max_durations=(0,) * days,
        options=tuple(tuple(choices) for choices in options),
    )
    begin = None if start is None else [_index(o, p) for o, p in zip(options, start, strict=True)]
    result = solve_periodic(problem, settings, start=begin)
    patterns = tuple(
        problem.options[i][choice] for i, choice in enumerate(result.solution.choices)
    )
    members: list[list[int]] = [[] for _ in range(days)]
    for retailer, pattern in enumerate(patterns):
        for day in pattern:
            members[day].append(retailer)
    return Assignment(
        patterns=patterns,
        days=tuple(tuple(day) for day in members),
        travel_s=result.cost,
        within_capacity=result.feasible,
    )


def _index(options: Sequence[Pattern], pattern: Pattern | None) -> int | None:
    return next((k for k, option in enumerate(options) if option == pattern), None)
