"""Visit patterns: the sets of working days on which a retailer's monthly visits may fall.

A pattern is a sorted tuple of working-day indices (0 = the month's first working day).
Patterns spread a retailer's visits evenly and keep the minimum gap; a retailer that owes
a visit on days 6-10 (fluctuating orders, enterprise-level) or days 1-5 (forecast sample)
only gets patterns that include such a day, when the month has one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations, pairwise

Pattern = tuple[int, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class PatternSpace:
    """The working days of a month and which of them carry an obligation.

    Parameters
    ----------
    weekdays
        Weekday (Monday = 0) of each working day, in date order.
    priority
        Indices of working days dated within the priority days (6-10).
    forecast
        Indices of working days dated within the forecast days (1-5).
    min_gap
        Fewest working days between two visits of one retailer.
    """

    weekdays: tuple[int, ...]
    priority: frozenset[int]
    forecast: frozenset[int]
    min_gap: int

    def __post_init__(self) -> None:
        if self.min_gap < 1:
            msg = "Expected min_gap >= 1."
            raise ValueError(msg)
        days = set(range(len(self.weekdays)))
        if not (self.priority <= days and self.forecast <= days):
            msg = "Expected obligation days among the working days."
            raise ValueError(msg)

    @property
    def size(self) -> int:
        """The number of working days."""
        return len(self.weekdays)

    @property
    def weeks(self) -> tuple[int, ...]:
        """The week number (0, 1, ...) of each working day.

        A new week starts on a day whose weekday is not later than the previous one's.
        """
        numbers: list[int] = []
        for k, weekday in enumerate(self.weekdays):
            new_week = k > 0 and weekday <= self.weekdays[k - 1]
            numbers.append((numbers[-1] + new_week) if numbers else 0)
        return tuple(numbers)


def even_patterns(space: PatternSpace, visits: int) -> list[Pattern]:
    """Return the evenly spread patterns of ``visits`` days, one per starting offset."""
    days = space.size
    if visits <= 0 or days == 0:
        return [()]
    visits = min(visits, days)
    step = days / visits
    if step < space.min_gap and (visits - 1) * space.min_gap <= days - 1:
        # Rounding a fractional step would break the gap; the gap itself still fits.
        slack = days - 1 - (visits - 1) * space.min_gap
        return [
            tuple(offset + k * space.min_gap for k in range(visits)) for offset in range(slack + 1)
        ]
    patterns = {
        tuple(sorted({min(days - 1, round(offset + k * step)) for k in range(visits)}))
        for offset in range(max(1, int(step)))
    }
    return sorted(p for p in patterns if len(p) == visits)


def line_patterns(space: PatternSpace, visits: int, weekday: int) -> list[Pattern]:
    """Return patterns on the line's weekday, topped up from the nearest days if too few."""
    if visits <= 0 or space.size == 0:
        return [()]
    own = [k for k, day in enumerate(space.weekdays) if day == weekday]
    if visits >= len(own):
        return [_top_up(space, tuple(own), visits)]
    # Weeks apart as evenly as the month allows: fortnightly = every other week, etc.
    weeks_apart = len(own) // visits
    picks = [c for c in combinations(range(len(own)), visits) if _smallest_gap(c) >= weeks_apart]
    exact = [c for c in picks if all(b - a == weeks_apart for a, b in pairwise(c))]
    return [tuple(own[i] for i in pick) for pick in exact or picks]


def keep_obligations(
    space: PatternSpace, patterns: Sequence[Pattern], *, priority: bool, forecast: bool
) -> list[Pattern]:
    """Return the patterns that meet the obligations; repair them when none does."""
    wanted = [days for days, owed in ((space.priority, priority), (space.forecast, forecast))]
    wanted = [days for days, owed in zip(wanted, (priority, forecast), strict=True) if owed]
    wanted = [days for days in wanted if days]
    meeting = [p for p in patterns if all(set(p) & days for days in wanted)]
    if meeting or not wanted:
        return meeting or list(patterns)
    repaired = sorted({_repair(space, p, wanted) for p in patterns})
    found = [p for p in repaired if spaced(p, space.min_gap)] or _repair_twice(
        space, patterns, wanted
    )
    if found:
        return found
    # No spaced pattern meets every obligation (the windows lie too close together for
    # the gap): keep the gap and meet the first obligation that fits; the month planner
    # lists the unmet one as unplanned with its reason.
    for obligation in wanted:
        single = sorted({_repair(space, p, [obligation]) for p in patterns})
        single = [p for p in single if spaced(p, space.min_gap)]
        if single:
            return single
    return [p for p in patterns if spaced(p, space.min_gap)] or list(patterns)


def visits_that_fit(space: PatternSpace, visits: int) -> int:
    """Return how many visits the month holds at least ``min_gap`` working days apart."""
    if space.size == 0:
        return 0
    return min(visits, 1 + (space.size - 1) // space.min_gap)


def spaced(pattern: Pattern, min_gap: int) -> bool:
    """Whether consecutive visits of ``pattern`` are at least ``min_gap`` days apart."""
    return all(b - a >= min_gap for a, b in pairwise(pattern))


def _repair(space: PatternSpace, pattern: Pattern, wanted: list[frozenset[int]]) -> Pattern:
    """Move a free visit onto each unmet obligation (or add one), keeping visits far apart."""
    days = tuple(pattern)
    for obligation in wanted:
        if set(days) & obligation:
            continue
        serving = {d for d in days if any(d in other for other in wanted if other != obligation)}
        movable: list[int | None] = [d for d in days if d not in serving] or [None]
        options = [
            tuple(sorted({*(d for d in days if d != moved), target}))
            for moved in movable
            for target in sorted(obligation)
        ]
        days = max(options, key=lambda option: (len(option), _smallest_gap(option)))
    return days


def _repair_twice(
    space: PatternSpace, patterns: Sequence[Pattern], wanted: list[frozenset[int]]
) -> list[Pattern]:
    """Return spaced patterns that meet every obligation after moving up to two visits.

    Needed when the obligation days are adjacent (days 1-5 then 6-10): moving one visit
    onto each range can leave them too close, so both may have to move.
    """
    targets = sorted(set().union(*wanted))
    found: set[Pattern] = set()
    for pattern in patterns:
        # A pattern with fewer visits than obligations gets the missing visits added.
        base: list[int | None] = [*pattern, *[None] * max(0, len(wanted) - len(pattern))]
        for first, second in combinations(range(len(base)), 2):
            for a in targets:
                for b in targets:
                    days = list(base)
                    days[first], days[second] = a, b
                    option = tuple(sorted({d for d in days if d is not None}))
                    if all(set(option) & w for w in wanted) and spaced(option, space.min_gap):
                        found.add(option)
    return sorted(found, key=lambda p: (-len(p), -_smallest_gap(p), p))[:8]


def _top_up(space: PatternSpace, own: Pattern, visits: int) -> Pattern:
    """Fill weeks whose line day is a holiday with that week's nearest working day.

    The day after the holiday wins a tie; if still short, the days farthest from those
    chosen are added.
    """
    chosen = set(own)
    weeks = space.weeks
    weekday = space.weekdays[own[0]] if own else 0
    covered = {weeks[d] for d in chosen}
    for week in sorted(set(weeks) - covered):
        if len(chosen) >= visits:
            break
        days = [k for k in range(space.size) if weeks[k] == week]
        chosen.add(min(days, key=lambda k: (abs(space.weekdays[k] - weekday), -k)))
    while len(chosen) < min(visits, space.size):
        free = [k for k in range(space.size) if k not in chosen]
        chosen.add(max(free, key=lambda k: (min(abs(k - d) for d in chosen) if chosen else 0, -k)))
    return tuple(sorted(chosen))


def _smallest_gap(pattern: Pattern) -> int:
    gaps = [b - a for a, b in pairwise(pattern)]
    return min(gaps) if gaps else 10**6
