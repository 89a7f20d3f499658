"""Turn a visiting order into a timeline: when to leave, arrive, visit, lunch and return.

The timeline is the earliest one for the order: visits start as soon as the manager arrives
and the shop is open; lunch goes into the gap that brings the manager back soonest, taken
either before riding on or on arrival before the next visit ("on the way").
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from routing.problem import DayProblem


@dataclass(frozen=True, slots=True, kw_only=True)
class Visit:
    """When one visit happens."""

    position: int
    arrive_s: int
    start_s: int
    end_s: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Timeline:
    """A feasible timeline for a day's order. ``lunch_after`` counts stops before lunch."""

    depart_s: int
    visits: tuple[Visit, ...]
    return_s: int
    lunch_start_s: int | None
    lunch_after: int | None


def build_timeline(problem: DayProblem, order: tuple[int, ...]) -> Timeline | None:
    """Return the earliest feasible timeline visiting ``order``, or ``None`` if none exists.

    ``order`` holds 0-based retailer positions of ``problem``.
    """
    if problem.lunch is None or not order:
        return _forward(problem, order, lunch_gap=None, before_travel=True)
    # A day back at the office before the lunch window opens needs no lunch on the way.
    short_day = _forward(problem, order, lunch_gap=None, before_travel=True)
    if short_day is not None and short_day.return_s <= problem.lunch.earliest_start_s:
        return short_day
    best: Timeline | None = None
    for gap in range(1, len(order) + 1):
        for before_travel in (True, False):
            timeline = _forward(problem, order, lunch_gap=gap, before_travel=before_travel)
            if timeline is not None and (best is None or timeline.return_s < best.return_s):
                best = timeline
    return best


def _forward(
    problem: DayProblem, order: tuple[int, ...], *, lunch_gap: int | None, before_travel: bool
) -> Timeline | None:
    nodes = [0, *(position + 1 for position in order), 0]
    clock = problem.depart_after_s
    visits: list[Visit] = []
    lunch_start: int | None = None
    for leg, (origin, target) in enumerate(itertools.pairwise(nodes)):
        travel = int(problem.durations_s[origin, target])
        if leg == lunch_gap:
            lunch_start, clock = _take_lunch(problem, clock, travel, before_travel)
            if lunch_start is None:
                return None
        else:
            clock += travel
        if target == 0:
            break
        visit = _visit(problem, target - 1, arrive=clock)
        if visit is None:
            return None
        visits.append(visit)
        clock = visit.end_s
    if not _meets_day_limits(problem, visits, clock):
        return None
    depart = _latest_departure(problem, visits, order)
    if visits and depart > problem.depart_after_s:
        first = visits[0]
        visits[0] = Visit(
            position=first.position,
            arrive_s=depart + int(problem.durations_s[0, order[0] + 1]),
            start_s=first.start_s,
            end_s=first.end_s,
        )
    return Timeline(
        depart_s=depart,
        visits=tuple(visits),
        return_s=clock,
        lunch_start_s=lunch_start,
        lunch_after=lunch_gap if lunch_start is not None else None,
    )


def _take_lunch(
    problem: DayProblem, clock: int, travel: int, before_travel: bool
) -> tuple[int | None, int]:
    """Return (lunch start, clock on arrival after lunch and travel) for one leg."""
    assert problem.lunch is not None
    lunch = problem.lunch
    ready = clock if before_travel else clock + travel
    start = max(ready, lunch.earliest_start_s)
    if start > lunch.latest_start_s:
        return None, clock
    finish = start + lunch.duration_s
    return start, finish + travel if before_travel else finish


def _visit(problem: DayProblem, position: int, *, arrive: int) -> Visit | None:
    service = problem.service_s[position]
    latest = problem.field_end_s - service
    start = arrive
    windows = problem.windows[position]
    if windows:
        fitting = [max(arrive, lo) for lo, hi in windows if max(arrive, lo) <= hi]
        if not fitting:
            return None
        start = min(fitting)
    if start > latest:
        return None
    return Visit(position=position, arrive_s=arrive, start_s=start, end_s=start + service)


def _meets_day_limits(problem: DayProblem, visits: list[Visit], back: int) -> bool:
    if back > problem.return_by_s:
        return False
    return not visits or visits[0].start_s <= problem.first_visit_by_s


def _latest_departure(problem: DayProblem, visits: list[Visit], order: tuple[int, ...]) -> int:
    # Wait at the office rather than outside the first shop before it opens.
    if not visits:
        return problem.depart_after_s
    first_leg = int(problem.durations_s[0, order[0] + 1])
    return max(problem.depart_after_s, visits[0].start_s - first_leg)
