"""A visiting order becomes the earliest timeline that keeps the day's rules, or none."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from conftest import LUNCH, street
from routing.problem import DayProblem, Window
from routing.schedule import Timeline, build_timeline
from routing.timeofday import parse_clock as t


def opens(*spans: str) -> tuple[Window, ...]:
    """Start windows from ``"HH:MM-HH:MM"`` spans."""
    return tuple((t(span[:5]), t(span[6:])) for span in spans)


def timeline_of(problem: DayProblem, order: tuple[int, ...]) -> Timeline:
    timeline = build_timeline(problem, order)
    assert timeline is not None
    assert_keeps_the_rules(problem, order, timeline)
    return timeline


def assert_keeps_the_rules(problem: DayProblem, order: tuple[int, ...], tl: Timeline) -> None:
    """Every promise of a timeline, recomputed from the problem."""
    assert tuple(visit.position for visit in tl.visits) == order
    assert tl.depart_s >= problem.depart_after_s
    lunch = (
        None
        if tl.lunch_start_s is None
        else (tl.lunch_start_s, tl.lunch_start_s + LUNCH.duration_s)
    )
    nodes = [0, *(p + 1 for p in order), 0]
    free_at = tl.depart_s
    for leg, visit in enumerate(tl.visits):
        travel = int(problem.durations_s[nodes[leg], nodes[leg + 1]])
        extra = LUNCH.duration_s if lunch is not None and tl.lunch_after == leg else 0
        assert visit.arrive_s >= free_at + travel
        assert visit.start_s >= max(visit.arrive_s, free_at + travel + extra)
        assert visit.end_s == visit.start_s + problem.service_s[visit.position]
        windows = problem.windows[visit.position]
        assert not windows or any(lo <= visit.start_s <= hi for lo, hi in windows)
        assert visit.end_s <= problem.field_end_s
        free_at = visit.end_s
    if tl.visits:
        assert tl.visits[0].start_s <= problem.first_visit_by_s
    back = int(problem.durations_s[nodes[-2], 0])
    extra = LUNCH.duration_s if lunch is not None and tl.lunch_after == len(order) else 0
    assert tl.return_s >= free_at + back + extra
    assert tl.return_s <= problem.return_by_s
    if lunch is not None:
        assert LUNCH.earliest_start_s <= lunch[0] <= LUNCH.latest_start_s
        for visit in tl.visits:
            assert lunch[1] <= visit.start_s or visit.end_s <= lunch[0], "lunch during a visit"
        assert tl.lunch_after is not None
        assert 1 <= tl.lunch_after <= len(order)
        assert tl.visits[tl.lunch_after - 1].end_s <= lunch[0]
        if tl.lunch_after < len(order):
            assert lunch[1] <= tl.visits[tl.lunch_after].start_s


# --- the earliest timeline ------------------------------------------------------------------


def test_three_shops_are_visited_back_to_back_from_half_past_eight() -> None:
    timeline = timeline_of(street(3, lunch=None), (0, 1, 2))
    assert timeline.depart_s == t("08:30")
    spans = [(v.arrive_s, v.start_s, v.end_s) for v in timeline.visits]
    assert spans == [
        (t("08:32"), t("08:32"), t("08:40")),
        (t("08:42"), t("08:42"), t("08:50")),
        (t("08:52"), t("08:52"), t("09:00")),
    ]
    assert timeline.return_s == t("09:06")  # three legs of 2 min back along the street
    assert timeline.lunch_start_s is None


def test_the_order_given_is_the_order_visited() -> None:
    timeline = timeline_of(street(3, lunch=None), (2, 0, 1))
    assert [v.position for v in timeline.visits] == [2, 0, 1]
    assert timeline.visits[0].arrive_s == t("08:36")  # the far end first
    assert timeline.return_s == t("09:10")


def test_each_shop_gets_its_own_service_time() -> None:
    problem = dataclasses.replace(street(3, lunch=None), service_s=(480, 900, 300))
    timeline = timeline_of(problem, (0, 1, 2))
    assert [v.end_s - v.start_s for v in timeline.visits] == [480, 900, 300]


def test_no_visits_is_a_day_at_the_office() -> None:
    timeline = timeline_of(street(3), ())
    assert timeline.visits == ()
    assert timeline.depart_s == timeline.return_s == t("08:30")
    assert timeline.lunch_start_s is None


def test_the_manager_waits_for_a_shop_that_opens_later() -> None:
    problem = street(3, leg_s=600, lunch=None, windows=((), opens("10:00-12:00"), ()))
    first, second, third = timeline_of(problem, (0, 1, 2)).visits
    assert first.end_s == t("08:48")
    assert second.arrive_s == t("08:58")
    assert second.start_s == t("10:00")
    assert third.start_s == t("10:18")


def test_a_midday_break_moves_the_visit_to_the_afternoon() -> None:
    # S2 opens 08:30-09:00 and 14:00-15:00; the manager reaches it after nine.
    problem = street(3, leg_s=1200, windows=((), opens("08:30-09:00", "14:00-14:52"), ()))
    _, second, _ = timeline_of(problem, (0, 1, 2)).visits
    assert second.start_s == t("14:00")


def test_departure_waits_at_the_office_when_the_first_shop_opens_later() -> None:
    problem = street(3, leg_s=600, lunch=None, windows=(opens("09:15-12:00"), (), ()))
    timeline = timeline_of(problem, (0, 1, 2))
    first = timeline.visits[0]
    assert timeline.depart_s == t("09:05")  # not 08:30: no waiting outside a closed shop
    assert first.arrive_s == first.start_s == t("09:15")
    assert timeline.return_s == t("10:29")


# --- lunch on the way -----------------------------------------------------------------------


def test_a_full_day_eats_at_half_past_eleven_between_two_visits() -> None:
    timeline = timeline_of(street(30), tuple(range(30)))
    assert timeline.lunch_start_s == t("11:30")
    assert timeline.lunch_after == 18  # S18 ends at 11:30 on the dot
    assert timeline.visits[18].start_s == t("12:02")
    assert timeline.return_s == t("15:00")


def test_lunch_fills_the_wait_for_a_shop_that_opens_at_noon() -> None:
    problem = street(3, leg_s=600, windows=((), opens("12:00-14:00"), ()))
    timeline = timeline_of(problem, (0, 1, 2))
    assert timeline.lunch_after == 1
    assert timeline.lunch_start_s == t("11:30")
    assert timeline.visits[1].start_s == t("12:00")
    assert timeline.return_s == t("12:56")


@pytest.mark.parametrize("shops", [20, 25, 33])
@pytest.mark.parametrize("leg_s", [60, 240])
def test_lunch_starts_in_its_window_and_never_during_a_visit(shops: int, leg_s: int) -> None:
    problem = street(shops, leg_s=leg_s)
    order = tuple(range(shops))
    timeline = build_timeline(problem, order)
    if timeline is None:  # a long street may not fit; then the shorter half must
        order = order[: shops // 2]
        timeline = build_timeline(problem, order)
    assert timeline is not None
    assert timeline.lunch_start_s is not None
    assert_keeps_the_rules(problem, order, timeline)


def test_a_morning_only_day_is_back_before_lunch() -> None:
    timeline = timeline_of(street(3), (0, 1, 2))
    assert timeline.lunch_start_s is None
    assert timeline.return_s == t("09:06")


# --- orders that cannot be kept: each rule once held and once broken ------------------------


def back_home(seconds: int) -> DayProblem:
    """S1 next door; S2 opens for a visit starting only at 14:52, ``seconds`` from home."""
    durations = np.array([[0, 120, 600], [120, 0, 600], [seconds, 600, 0]], dtype=np.int64)
    return street(
        2,
        lunch=None,
        durations_s=durations,
        distances_m=durations,
        windows=((), opens("14:52-14:52")),
    )


def lunch_squeeze(last_start: str) -> DayProblem:
    """S0 early, then shops back to back every 8 min from 11:00 until ``last_start``."""
    starts = list(range(t("11:00"), t(last_start) + 1, 480))
    windows = (opens("08:30-09:30"), *(((s, s),) for s in starts))
    n = len(windows)
    zeros = np.zeros((n + 1, n + 1), dtype=np.int64)
    return street(n, durations_s=zeros, distances_m=zeros, windows=windows)


@pytest.mark.parametrize(
    ("case", "holds", "broken"),
    [
        (
            "field day ends at 15:00",
            (street(40, leg_s=60, lunch=None), 40),
            (street(45, leg_s=60, lunch=None), 45),
        ),
        (
            "first visit by 9:30",
            (street(1, leg_s=3600, lunch=None), 1),
            (street(1, leg_s=3601, lunch=None), 1),
        ),
        ("back at the office by 16:00", (back_home(3600), 2), (back_home(3601), 2)),
        ("lunch starts by 13:00", (lunch_squeeze("12:52"), None), (lunch_squeeze("13:00"), None)),
    ],
)
def test_a_rule_holds_at_its_limit_and_breaks_past_it(
    case: str, holds: tuple[DayProblem, int | None], broken: tuple[DayProblem, int | None]
) -> None:
    for (problem, n), feasible in ((holds, True), (broken, False)):
        order = tuple(range(n if n is not None else problem.size))
        timeline = build_timeline(problem, order)
        assert (timeline is not None) == feasible, case
        if timeline is not None:
            assert_keeps_the_rules(problem, order, timeline)


def test_the_lunch_squeeze_is_only_about_lunch() -> None:
    problem = dataclasses.replace(lunch_squeeze("13:00"), lunch=None)
    assert build_timeline(problem, tuple(range(problem.size))) is not None


@pytest.mark.parametrize(
    ("windows", "order", "feasible"),
    [
        ((opens("10:00-14:00"), (), ()), (0, 1, 2), False),  # first shop opens after 9:30
        ((opens("10:00-14:00"), (), ()), (1, 0, 2), True),
        (((), (), opens("08:30-08:45")), (0, 1, 2), False),  # reached at 08:52, too late
        (((), (), opens("08:30-08:45")), (2, 1, 0), True),
        (((), opens("08:30-08:41", "14:00-14:30"), ()), (0, 1, 2), True),  # misses one, not both
        (((), opens("14:55-15:00"), ()), (0, 1, 2), False),  # a visit would end after 15:00
    ],
)
def test_an_order_that_misses_a_window_has_no_timeline(
    windows: tuple[tuple[Window, ...], ...], order: tuple[int, ...], feasible: bool
) -> None:
    problem = street(3, windows=windows)
    timeline = build_timeline(problem, order)
    assert (timeline is not None) == feasible
    if timeline is not None:
        assert_keeps_the_rules(problem, order, timeline)
