"""Tiny days are solved exactly by enumeration, and agree with the rules."""

from __future__ import annotations

import dataclasses

import pytest

from conftest import street
from routing.exhaustive import MAX_EXHAUSTIVE, best_small_route
from routing.schedule import build_timeline
from routing.timeofday import parse_clock as t


def test_a_street_of_shops_is_ridden_out_and_back():
    assert best_small_route(street(4)) in {(0, 1, 2, 3), (3, 2, 1, 0)}


def test_the_cheapest_retailer_is_left_out_of_a_day_too_short_for_all():
    # Three 3-hour visits cannot fit 08:30-15:00; the one with the lowest penalty goes.
    problem = street(3, service_s=3 * 3600, drop_penalty=(300_000, 100_000, 200_000))
    order = best_small_route(problem)
    assert 1 not in order
    assert build_timeline(problem, order) is not None


def test_a_shop_that_opens_late_is_not_visited_first():
    problem = street(2, windows=(((t("10:00"), t("14:00")),), ()))
    assert best_small_route(problem)[0] == 1


def test_the_cap_on_visits_holds():
    assert len(best_small_route(street(5, max_visits=2))) == 2


def test_more_retailers_than_it_enumerates_are_refused():
    with pytest.raises(ValueError, match="at most"):
        best_small_route(street(MAX_EXHAUSTIVE + 1))


def test_a_must_visit_is_kept_over_two_others():
    problem = street(3, service_s=3 * 3600)
    must = dataclasses.replace(problem, drop_penalty=(100_000, 100_000, None))
    assert 2 in best_small_route(must)
