"""Visit patterns: which working days of a month may carry a retailer's visits.

The months here are tiny and hand-made: ``FOUR_WEEKS`` is 20 working days Monday to
Friday; ``JANUARY_2027`` is the same shape with the month's obligation windows (the 4th
and 5th are dated 1-5, the 6th to 8th dated 6-10, so the two windows touch).
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations, pairwise

import pytest

from territory.patterns import (
    Pattern,
    PatternSpace,
    even_patterns,
    keep_obligations,
    line_patterns,
    spaced,
)

MIN_GAP = 3  # the default rules' min_gap_working_days
MON, TUE, WED, THU, FRI = range(5)
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri")


def space(
    weekdays: tuple[int, ...],
    *,
    priority: tuple[int, ...] = (),
    forecast: tuple[int, ...] = (),
    min_gap: int = MIN_GAP,
) -> PatternSpace:
    return PatternSpace(
        weekdays=weekdays,
        priority=frozenset(priority),
        forecast=frozenset(forecast),
        min_gap=min_gap,
    )


def weeks(count: int, *, lost_mondays: tuple[int, ...] = ()) -> tuple[tuple[int, int], ...]:
    """``(week, weekday)`` of each working day of ``count`` Monday-Friday weeks."""
    return tuple(
        (week, day)
        for week in range(count)
        for day in range(5)
        if not (day == MON and week in lost_mondays)
    )


def weekdays_of(days: tuple[tuple[int, int], ...]) -> tuple[int, ...]:
    return tuple(day for _, day in days)


FOUR_WEEKS = space(weekdays_of(weeks(4)))
#: January 2027: working days from Monday the 4th; 4-5 are forecast days, 6-8 priority days.
JANUARY_2027 = space(weekdays_of(weeks(4)), forecast=(0, 1), priority=(2, 3, 4))


def gaps(pattern: Pattern) -> list[int]:
    return [b - a for a, b in pairwise(pattern)]


def fits(days: int, visits: int, min_gap: int) -> bool:
    """Whether ``visits`` visits at least ``min_gap`` apart fit into ``days`` working days."""
    return (visits - 1) * min_gap < days


# --- PatternSpace -------------------------------------------------------------------------


def test_a_space_knows_its_size():
    assert FOUR_WEEKS.size == 20
    assert space(()).size == 0


def test_a_space_numbers_the_weeks_of_its_working_days():
    assert FOUR_WEEKS.weeks == tuple(k // 5 for k in range(20))
    no_monday = weeks(3, lost_mondays=(1,))
    assert space(weekdays_of(no_monday)).weeks == tuple(week for week, _ in no_monday)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"min_gap": 0}, "min_gap"),
        ({"priority": (20,)}, "obligation days"),
        ({"forecast": (-1,)}, "obligation days"),
    ],
)
def test_a_space_refuses_a_zero_gap_or_obligations_off_the_month(fields, message):
    with pytest.raises(ValueError, match=message):
        space(weekdays_of(weeks(4)), **fields)


@pytest.mark.parametrize(
    ("pattern", "min_gap", "expected"),
    [
        ((), 3, True),
        ((4,), 3, True),
        ((0, 3, 6), 3, True),
        ((0, 3, 5), 3, False),
        ((0, 5, 10, 15), 5, True),
        ((0, 1), 1, True),
        ((2, 2), 1, False),
    ],
)
def test_spaced_asks_for_at_least_min_gap_between_consecutive_visits(pattern, min_gap, expected):
    assert spaced(pattern, min_gap) is expected


# --- Free planning: even spreads ----------------------------------------------------------


def test_weekly_visits_fall_five_working_days_apart_one_pattern_per_start():
    assert even_patterns(FOUR_WEEKS, 4) == [(s, s + 5, s + 10, s + 15) for s in range(5)]


def test_fortnightly_visits_fall_ten_working_days_apart():
    assert even_patterns(FOUR_WEEKS, 2) == [(s, s + 10) for s in range(10)]


def test_a_monthly_visit_may_fall_on_any_working_day():
    assert even_patterns(FOUR_WEEKS, 1) == [(day,) for day in range(20)]


@pytest.mark.parametrize(
    ("days", "visits"),
    [
        (days, visits)
        for days in (12, 15, 16, 18, 19, 20, 22, 23)
        for visits in (1, 2, 3, 4, 5)
        if fits(days, visits, MIN_GAP)
    ],
)
def test_even_patterns_spread_visits_evenly_and_keep_the_gap(days, visits):
    month = space(tuple(i % 5 for i in range(days)))
    patterns = even_patterns(month, visits)
    assert patterns
    assert len(set(patterns)) == len(patterns)
    for pattern in patterns:
        assert len(pattern) == visits
        assert list(pattern) == sorted(set(pattern))
        assert all(0 <= day < days for day in pattern)
        assert spaced(pattern, MIN_GAP)
        if visits > 1:
            assert max(gaps(pattern)) - min(gaps(pattern)) <= 1  # even, not bunched


@pytest.mark.parametrize(
    ("days", "visits"), [(12, 4), (13, 4), (9, 3), (10, 4), (11, 4), (8, 3), (7, 3), (7, 4)]
)
def test_a_short_month_still_gets_spaced_patterns_when_they_fit(days, visits):
    # A leave in the calendar file can leave 7-11 working days; (0, 3, 6, 9) still fits 10.
    month = space(tuple(i % 5 for i in range(days)))
    patterns = even_patterns(month, visits)
    assert fits(days, visits, MIN_GAP) == any(spaced(p, MIN_GAP) for p in patterns)
    assert all(len(p) == visits for p in patterns)


def test_more_visits_than_working_days_gives_one_visit_a_day():
    assert even_patterns(space((MON, TUE, WED)), 5) == [(0, 1, 2)]


@pytest.mark.parametrize("month", [FOUR_WEEKS, space(())])
def test_no_visit_or_no_working_day_gives_the_empty_pattern(month):
    assert even_patterns(month, 0) == [()]
    assert even_patterns(space(()), 3) == [()]
    assert line_patterns(month, 0, MON) == [()]


# --- Lines: a fixed weekday --------------------------------------------------------------


@pytest.mark.parametrize("weekday", range(5))
def test_a_weekly_line_visits_its_weekday_every_week(weekday):
    assert line_patterns(FOUR_WEEKS, 4, weekday) == [tuple(weekday + 5 * w for w in range(4))]


@pytest.mark.parametrize("weekday", range(5))
def test_a_fortnightly_line_visits_every_other_week(weekday):
    patterns = line_patterns(FOUR_WEEKS, 2, weekday)
    assert sorted(patterns) == [(weekday, weekday + 10), (weekday + 5, weekday + 15)]


@pytest.mark.parametrize("weekday", range(5))
def test_a_monthly_line_visit_may_fall_on_any_of_its_weekdays(weekday):
    assert line_patterns(FOUR_WEEKS, 1, weekday) == [(weekday + 5 * w,) for w in range(4)]


def test_a_five_monday_month_keeps_weekly_visits_on_mondays_at_least_a_week_apart():
    month = space(weekdays_of(weeks(5)))
    patterns = line_patterns(month, 4, MON)
    assert patterns
    for pattern in patterns:
        assert len(pattern) == 4
        assert all(month.weekdays[day] == MON for day in pattern)
        assert min(gaps(pattern)) >= 5


@pytest.mark.parametrize("lost", range(4))
def test_a_holiday_monday_keeps_the_other_mondays_and_tops_up_to_four_spaced_visits(lost):
    days = weeks(4, lost_mondays=(lost,))
    month = space(weekdays_of(days))
    (pattern,) = line_patterns(month, 4, MON)
    mondays = [k for k, (_, day) in enumerate(days) if day == MON]
    assert len(pattern) == 4
    assert set(mondays) < set(pattern)
    assert spaced(pattern, MIN_GAP)


@pytest.mark.parametrize("lost", range(4))
def test_a_holiday_mondays_visit_moves_to_the_nearest_day_the_tuesday_after(lost):
    days = weeks(4, lost_mondays=(lost,))
    (pattern,) = line_patterns(space(weekdays_of(days)), 4, MON)
    tuesday = days.index((lost, TUE))
    assert tuesday in pattern
    assert Counter(days[k][0] for k in pattern) == dict.fromkeys(range(4), 1)  # once a week


# --- Obligations: days 6-10 and days 1-5 ------------------------------------------------

OWED = [
    pytest.param(True, False, id="fluctuating-or-enterprise"),
    pytest.param(False, True, id="forecast-sample"),
    pytest.param(True, True, id="both"),
]


def assert_meets(patterns: list[Pattern], visits: int, *, priority: bool, forecast: bool) -> None:
    month = JANUARY_2027
    assert patterns
    for pattern in patterns:
        if priority:
            assert set(pattern) & month.priority, pattern
        if forecast:
            assert set(pattern) & month.forecast, pattern
        assert len(pattern) == max(visits, priority + forecast), pattern
        assert spaced(pattern, MIN_GAP), pattern


@pytest.mark.parametrize(("priority", "forecast"), OWED)
@pytest.mark.parametrize("visits", [1, 2, 3, 4])
def test_free_patterns_include_the_owed_window_days_and_stay_spaced(visits, priority, forecast):
    patterns = keep_obligations(
        JANUARY_2027, even_patterns(JANUARY_2027, visits), priority=priority, forecast=forecast
    )
    assert_meets(patterns, visits, priority=priority, forecast=forecast)


@pytest.mark.parametrize(("priority", "forecast"), OWED)
@pytest.mark.parametrize("visits", [1, 2, 4])
@pytest.mark.parametrize("weekday", range(5), ids=DAY_NAMES)
def test_line_patterns_include_the_owed_window_days_and_stay_spaced(
    weekday, visits, priority, forecast
):
    patterns = keep_obligations(
        JANUARY_2027,
        line_patterns(JANUARY_2027, visits, weekday),
        priority=priority,
        forecast=forecast,
    )
    assert_meets(patterns, visits, priority=priority, forecast=forecast)


@pytest.mark.parametrize("weekday", range(5))
def test_a_line_moves_at_most_the_visits_an_obligation_needs(weekday):
    weekly = line_patterns(JANUARY_2027, 4, weekday)
    for pattern in keep_obligations(JANUARY_2027, weekly, priority=True, forecast=True):
        off_line = [day for day in pattern if JANUARY_2027.weekdays[day] != weekday]
        assert len(off_line) <= 2


def test_patterns_that_already_meet_the_obligation_are_kept_and_the_others_left_out():
    monthly = even_patterns(JANUARY_2027, 1)
    assert keep_obligations(JANUARY_2027, monthly, priority=True, forecast=False) == [
        (2,),
        (3,),
        (4,),
    ]
    assert keep_obligations(JANUARY_2027, monthly, priority=False, forecast=True) == [(0,), (1,)]


def test_nothing_owed_leaves_the_patterns_unchanged():
    weekly = even_patterns(JANUARY_2027, 4)
    assert keep_obligations(JANUARY_2027, weekly, priority=False, forecast=False) == weekly


@pytest.mark.parametrize(("priority", "forecast"), OWED)
def test_a_month_without_window_days_leaves_the_patterns_unchanged(priority, forecast):
    # A Spring Festival month: no working day is dated 1-5 or 6-10.
    month = space(weekdays_of(weeks(3)))
    for visits in (1, 2, 4):
        for patterns in (even_patterns(month, visits), line_patterns(month, visits, WED)):
            assert (
                keep_obligations(month, patterns, priority=priority, forecast=forecast) == patterns
            )


def test_a_window_without_working_days_is_ignored_while_the_other_still_binds():
    # Days 6-10 fell in a holiday; days 1-5 still have two working days.
    month = space(weekdays_of(weeks(4)), forecast=(0, 1))
    patterns = keep_obligations(month, even_patterns(month, 2), priority=True, forecast=True)
    assert patterns
    assert all(set(p) & {0, 1} and len(p) == 2 and spaced(p, MIN_GAP) for p in patterns)


def test_every_spaced_two_visit_pattern_of_the_adjacent_windows_is_reachable():
    # Both windows owed with only two visits: one visit in each, at least 3 days apart.
    patterns = keep_obligations(
        JANUARY_2027, even_patterns(JANUARY_2027, 2), priority=True, forecast=True
    )
    possible = {
        (a, b)
        for a, b in combinations(range(5), 2)
        if {a, b} & {0, 1} and {a, b} & {2, 3, 4} and b - a >= MIN_GAP
    }
    assert set(patterns) <= possible


@pytest.mark.parametrize("visits", [1, 2, 4])
def test_windows_too_close_for_the_gap_never_break_the_gap(visits):
    # January 2027 with leave from the 7th to the 11th: the 4th, 5th (forecast), 6th
    # (priority), then the 12th onwards.
    month = space(
        (MON, TUE, WED, TUE, WED, THU, FRI, MON, TUE, WED, THU), forecast=(0, 1), priority=(2,)
    )
    patterns = keep_obligations(month, even_patterns(month, visits), priority=True, forecast=True)
    assert patterns
    assert all(spaced(p, MIN_GAP) for p in patterns)
