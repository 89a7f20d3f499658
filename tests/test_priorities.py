"""On a full day the solver keeps must-visits, then flagged retailers, then higher classes."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

import pytest

from routing.priorities import BASE_PENALTY, drop_penalty, visit_priority
from routing.retailers import Area, Retailer
from routing.rules import RetailerClass, Rules


def shop(klass: str = "C", **flags: bool) -> Retailer:
    return Retailer(
        id="S1",
        name="金叶烟酒店",
        lon=121.47,
        lat=31.23,
        area=Area.URBAN,
        retailer_class=klass,
        **flags,
    )


def penalty(retailer: Retailer, rules: Rules) -> int:
    value = drop_penalty(retailer, rules)
    assert value is not None
    return value


@pytest.mark.parametrize("klass", ["A", "E"])
@pytest.mark.parametrize("flags", [{}, {"fluctuating": True, "enterprise": True}])
def test_a_must_visit_has_no_price(rules: Rules, klass: str, flags: dict[str, bool]) -> None:
    assert drop_penalty(shop(klass, must_visit=True, **flags), rules) is None


@pytest.mark.parametrize(("higher", "lower"), [("A", "B"), ("B", "C"), ("C", "D"), ("D", "E")])
def test_a_higher_class_costs_more_to_drop(rules: Rules, higher: str, lower: str) -> None:
    assert visit_priority(shop(higher), rules) > visit_priority(shop(lower), rules)
    assert penalty(shop(higher), rules) > penalty(shop(lower), rules)


@pytest.mark.parametrize("flag", ["fluctuating", "enterprise"])
@pytest.mark.parametrize("klass", ["A", "C", "E"])
def test_a_priority_group_flag_raises_the_price(rules: Rules, flag: str, klass: str) -> None:
    plain, flagged = shop(klass), shop(klass, **{flag: True})
    assert visit_priority(flagged, rules) > visit_priority(plain, rules)
    assert penalty(flagged, rules) > penalty(plain, rules)


def test_both_flags_count_more_than_one(rules: Rules) -> None:
    both = shop("C", fluctuating=True, enterprise=True)
    assert visit_priority(both, rules) > visit_priority(shop("C", fluctuating=True), rules)


@pytest.mark.parametrize("klass", ["A", "C", "E"])
def test_a_key_brand_target_ranks_above_its_class_but_below_a_priority_group(
    rules: Rules, klass: str
) -> None:
    brand = shop(klass, brand_target=True)
    assert visit_priority(brand, rules) > visit_priority(shop(klass), rules)
    assert penalty(brand, rules) > penalty(shop(klass), rules)
    assert visit_priority(shop(klass, fluctuating=True), rules) > visit_priority(brand, rules)


def test_a_forecast_sample_flag_does_not_change_the_price(rules: Rules) -> None:
    # Forecast samples are scheduled by date (days 1-5), not ranked on a full day.
    assert penalty(shop("C", forecast_sample=True), rules) == penalty(shop("C"), rules)


def test_the_class_ranking_comes_from_the_rules(rules: Rules) -> None:
    reversed_classes = MappingProxyType(
        {
            name: RetailerClass(name=name, visits_per_month=1, priority=rank)
            for rank, name in enumerate("ABCDE")
        }
    )
    upside_down = dataclasses.replace(rules, classes=reversed_classes)
    assert penalty(shop("E"), upside_down) > penalty(shop("A"), upside_down)


@pytest.mark.parametrize("klass", ["A", "B", "C", "D", "E"])
def test_dropping_any_visit_costs_more_than_a_whole_days_travel(rules: Rules, klass: str) -> None:
    # Penalties are in travel seconds; the longest day is 08:30-16:00.
    whole_day_s = rules.office_return_by_s - rules.depart_office_after_s
    assert penalty(shop(klass), rules) > whole_day_s
    assert penalty(shop(klass), rules) >= BASE_PENALTY


def test_one_class_step_outweighs_a_whole_days_travel(rules: Rules) -> None:
    # Keeping a class-D shop instead of a class-E one must never be traded for a shorter ride.
    whole_day_s = rules.office_return_by_s - rules.depart_office_after_s
    assert penalty(shop("D"), rules) - penalty(shop("E"), rules) > whole_day_s


def test_an_optional_visit_ranks_below_every_required_one(rules: Rules) -> None:
    top_up = drop_penalty(shop("A", fluctuating=True, enterprise=True), rules, optional=True)
    assert top_up is not None
    assert top_up < penalty(shop("E"), rules)


def test_an_optional_must_visit_retailer_may_still_be_left_out(rules: Rules) -> None:
    assert drop_penalty(shop("E", must_visit=True), rules, optional=True) is not None
