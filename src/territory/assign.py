"""Choose one visit pattern per retailer so that each working day is compact and fits.

Cluster first, route second, as periodic-VRP heuristics do: every day has a centre (the
medoid of its retailers); a retailer's cost on a day is its travel time to that centre.
Local search switches retailers' patterns while that lowers the month's cost (day spread
plus overload beyond what a field day holds), then recentres the days; it stops when no
switch helps. Deterministic: retailers and patterns are visited in a fixed order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from territory.patterns import Pattern

#: Cost of one visit beyond a day's capacity, in seconds of spread: high enough that the
#: search fills other days first, low enough that an unavoidable overload still assigns.
OVERLOAD_COST = 3_600


@dataclass(frozen=True, slots=True, kw_only=True)
class Assignment:
    """The chosen pattern of each retailer and the retailers of each working day."""

    patterns: tuple[Pattern, ...]
    days: tuple[tuple[int, ...], ...]
    cost: int


def assign_patterns(
    options: Sequence[Sequence[Pattern]],
    spread_s: npt.NDArray[np.int64],
    *,
    days: int,
    capacity: int,
    max_passes: int = 12,
) -> Assignment:
    """Return a pattern per retailer from ``options`` that keeps days compact and within capacity.

    Parameters
    ----------
    options
        Candidate patterns of each retailer (at least one each; ``()`` for no visit).
    spread_s
        Symmetric travel times between retailers (retailer ``i`` is row ``i``).
    days
        Working days in the month.
    capacity
        Visits a field day holds.
    max_passes
        Bound on the improvement passes.
    """
    if any(not choices for choices in options):
        msg = "Expected at least one pattern per retailer."
        raise ValueError(msg)
    chosen = _balanced_start(options, days)
    members = _members(chosen, days)
    centres = _centres(members, spread_s)
    for _ in range(max_passes):
        improved = _improve(
            options,
            chosen,
            members=members,
            centres=centres,
            spread_s=spread_s,
            capacity=capacity,
        ) or _swap(options, chosen, members=members, spread_s=spread_s)
        new_centres = _centres(members, spread_s)
        if not improved and new_centres == centres:
            break
        centres = new_centres
    day_members = tuple(tuple(sorted(day)) for day in members)
    cost = _month_cost(day_members, centres, spread_s, capacity)
    return Assignment(patterns=tuple(chosen), days=day_members, cost=cost)


def _balanced_start(options: Sequence[Sequence[Pattern]], days: int) -> list[Pattern]:
    """Give every retailer, most-visited first, the pattern on the least loaded days."""
    load = [0] * days
    chosen: list[Pattern] = [()] * len(options)
    order = sorted(range(len(options)), key=lambda i: (-len(options[i][0]), len(options[i]), i))
    for retailer in order:
        best = min(options[retailer], key=lambda p: (sum(load[d] for d in p), p))
        chosen[retailer] = best
        for day in best:
            load[day] += 1
    return chosen


def _members(chosen: Sequence[Pattern], days: int) -> list[set[int]]:
    members: list[set[int]] = [set() for _ in range(days)]
    for retailer, pattern in enumerate(chosen):
        for day in pattern:
            members[day].add(retailer)
    return members


def _centres(members: Sequence[set[int]], spread_s: npt.NDArray[np.int64]) -> list[int | None]:
    centres: list[int | None] = []
    for day in members:
        if not day:
            centres.append(None)
            continue
        ids = np.array(sorted(day))
        within = spread_s[np.ix_(ids, ids)].sum(axis=1)
        centres.append(int(ids[int(within.argmin())]))
    return centres


def _improve(
    options: Sequence[Sequence[Pattern]],
    chosen: list[Pattern],
    *,
    members: list[set[int]],
    centres: Sequence[int | None],
    spread_s: npt.NDArray[np.int64],
    capacity: int,
) -> bool:
    improved = False
    for retailer, choices in enumerate(options):
        if len(choices) < 2:
            continue
        current = chosen[retailer]
        for day in current:
            members[day].discard(retailer)
        best = min(
            choices,
            key=lambda p: (
                _pattern_cost(
                    retailer,
                    p,
                    members=members,
                    centres=centres,
                    spread_s=spread_s,
                    capacity=capacity,
                ),
                p,
            ),
        )
        for day in best:
            members[day].add(retailer)
        if best != current:
            chosen[retailer] = best
            improved = True
    return improved


def _swap(
    options: Sequence[Sequence[Pattern]],
    chosen: list[Pattern],
    *,
    members: list[set[int]],
    spread_s: npt.NDArray[np.int64],
) -> bool:
    """Exchange the patterns of two retailers where that brings each nearer its day's mates.

    When every day is full, moving one retailer overloads another day; exchanging two
    keeps the loads. The cost is the summed travel time to the other retailers of the day
    (a day's medoid can sit in the wrong cluster of a mixed day, so it cannot judge this).
    """
    to_day = _time_to_days(members, spread_s)
    allowed = [set(choices) for choices in options]
    improved = False
    for a in range(len(chosen)):
        for b in range(a + 1, len(chosen)):
            pa, pb = chosen[a], chosen[b]
            if pa == pb or pb not in allowed[a] or pa not in allowed[b]:
                continue
            mutual = int(spread_s[a, b])
            now = sum(int(to_day[a, d]) for d in pa) + sum(int(to_day[b, d]) for d in pb)
            then = sum(int(to_day[a, d]) - mutual for d in pb) + sum(
                int(to_day[b, d]) - mutual for d in pa
            )
            if then < now:
                _exchange(a, b, chosen=chosen, members=members, to_day=to_day, spread_s=spread_s)
                improved = True
    return improved


def _time_to_days(
    members: Sequence[set[int]], spread_s: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Return each retailer's summed travel time to the retailers of each day."""
    on_day = np.zeros((len(spread_s), len(members)), dtype=np.int64)
    for day, retailers in enumerate(members):
        on_day[sorted(retailers), day] = 1
    return spread_s @ on_day


def _exchange(
    a: int,
    b: int,
    *,
    chosen: list[Pattern],
    members: list[set[int]],
    to_day: npt.NDArray[np.int64],
    spread_s: npt.NDArray[np.int64],
) -> None:
    pa, pb = chosen[a], chosen[b]
    for day in pa:
        members[day].discard(a)
        members[day].add(b)
        to_day[:, day] += spread_s[:, b] - spread_s[:, a]
    for day in pb:
        members[day].discard(b)
        members[day].add(a)
        to_day[:, day] += spread_s[:, a] - spread_s[:, b]
    chosen[a], chosen[b] = pb, pa


def _pattern_cost(
    retailer: int,
    pattern: Pattern,
    *,
    members: Sequence[set[int]],
    centres: Sequence[int | None],
    spread_s: npt.NDArray[np.int64],
    capacity: int,
) -> int:
    cost = 0
    for day in pattern:
        centre = centres[day]
        cost += 0 if centre is None else int(spread_s[retailer, centre])
        if len(members[day]) >= capacity:
            cost += OVERLOAD_COST
    return cost


def _month_cost(
    members: Sequence[Sequence[int]],
    centres: Sequence[int | None],
    spread_s: npt.NDArray[np.int64],
    capacity: int,
) -> int:
    cost = 0
    for day, centre in zip(members, centres, strict=True):
        if centre is not None:
            cost += int(spread_s[list(day), centre].sum())
        cost += OVERLOAD_COST * max(0, len(day) - capacity)
    return cost
