"""Tours without OR-Tools: which days' opening hours bind, and cutting a tour to fit."""

from __future__ import annotations

from conftest import street
from routing.day_tours import dropped_penalty, fitting_tour, route_travel, windows_bind
from routing.schedule import build_timeline
from routing.timeofday import parse_clock as t


def test_opening_hours_covering_the_field_day_do_not_bind():
    all_day = ((t("07:00"), t("21:00")),)
    assert not windows_bind(street(3, windows=(all_day, (), all_day)))


def test_a_shop_shut_over_lunch_binds():
    shut_at_noon = ((t("07:00"), t("11:30")), (t("13:30"), t("21:00")))
    assert windows_bind(street(3, windows=((), shut_at_noon, ())))


def test_a_tour_that_fits_the_day_is_kept_whole():
    problem = street(5)
    assert fitting_tour(problem, (0, 1, 2, 3, 4)) == (0, 1, 2, 3, 4)


def test_a_tour_too_long_for_the_day_loses_its_lowest_priority_stops_first():
    # 45 shops x 8 min cannot fit 08:30-15:00 with lunch.
    penalties = tuple(100_000 if i % 3 else 900_000 for i in range(45))
    problem = street(45, leg_s=30, drop_penalty=penalties)
    kept = fitting_tour(problem, tuple(range(45)))
    assert build_timeline(problem, kept) is not None
    dropped = set(range(45)) - set(kept)
    assert dropped
    assert all(penalties[i] == 100_000 for i in dropped)
    assert dropped_penalty(problem, kept) == 100_000 * len(dropped)


def test_a_must_visit_stop_is_cut_last():
    # The far end saves the most travel when cut; as a must-visit it stays all the same.
    problem = street(45, leg_s=30, drop_penalty=(*(100_000,) * 44, None))
    assert 44 in fitting_tour(problem, tuple(range(45)))
    anyone = street(45, leg_s=30)
    assert 44 not in fitting_tour(anyone, tuple(range(45)))


def test_the_visit_cap_cuts_a_tour_that_otherwise_fits():
    problem = street(5, max_visits=3)
    assert len(fitting_tour(problem, (0, 1, 2, 3, 4))) == 3


def test_route_travel_counts_the_ride_out_and_home():
    assert route_travel(street(5), (0, 1, 2, 3, 4)) == 2 * 5 * 120
    assert route_travel(street(5), ()) == 0
