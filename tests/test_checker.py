"""Each rule the checker enforces, once where it holds and once where it is broken."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from routing.checker import check_plan
from routing.plan import DayPlan, Lunch, Plan, RetailerVisits, Stop, Unplanned
from routing.retailers import Area, Retailer, TimeWindow
from routing.rules import Rules, load_rules
from routing.timeofday import parse_clock as t

DAY = date(2027, 1, 5)


@pytest.fixture
def rules() -> Rules:
    # A quota of 3 lets a three-shop day be complete.
    return dataclasses.replace(load_rules(), min_visits_urban=3, min_visits_rural=2)


def shop(rid: str, lon: float, **fields: object) -> Retailer:
    values: dict[str, object] = {
        "id": rid,
        "name": f"shop {rid}",
        "lon": lon,
        "lat": 31.23,
        "area": Area.URBAN,
        "retailer_class": "C",
    }
    values.update(fields)
    return Retailer(**values)  # type: ignore[arg-type]


@pytest.fixture
def three_shops() -> tuple[Retailer, ...]:
    """Three shops on one street, 300 m apart; S3 opens at 10:00."""
    return (
        shop("S1", 121.470),
        shop("S2", 121.473),
        shop("S3", 121.476, opening=(TimeWindow(start_s=t("10:00"), end_s=t("20:00")),)),
    )


def stop(rid: str, lon: float, arrive: str, start: str, end: str, travel: int = 300) -> Stop:
    return Stop(
        retailer_id=rid,
        lon=lon,
        lat=31.23,
        arrive_s=t(arrive),
        start_s=t(start),
        end_s=t(end),
        travel_s=travel,
        travel_m=travel * 4,
    )


@pytest.fixture
def good_plan() -> Plan:
    """Visits 9:00, 9:13 and 12:05 around a 11:40 lunch; back 12:18."""
    day = DayPlan(
        date=DAY,
        area="urban",
        depart_office_s=t("08:55"),
        return_office_s=t("12:18"),
        lunch=Lunch(start_s=t("11:30"), end_s=t("12:00"), after_stop=2),
        stops=(
            stop("S1", 121.470, "09:00", "09:00", "09:08"),
            stop("S2", 121.473, "09:13", "09:13", "09:21"),
            stop("S3", 121.476, "12:05", "12:05", "12:13"),
        ),
        travel_back_s=300,
        travel_back_m=1200,
        quota=3,
    )
    return Plan(
        manager="m",
        mode="ebike",
        office_lon=121.46,
        office_lat=31.23,
        days=(day,),
        retailers=tuple(
            RetailerVisits(id=r, required_visits=1, dates=(DAY,)) for r in ("S1", "S2", "S3")
        ),
        unplanned=(),
    )


def with_day(plan: Plan, **changes: object) -> Plan:
    return dataclasses.replace(plan, days=(dataclasses.replace(plan.days[0], **changes),))


def with_stop(plan: Plan, index: int, **changes: object) -> Plan:
    stops = list(plan.days[0].stops)
    stops[index] = dataclasses.replace(stops[index], **changes)
    return with_day(plan, stops=tuple(stops))


def rules_broken(plan: Plan, shops: tuple[Retailer, ...], rules: Rules) -> set[str]:
    return {violation.rule for violation in check_plan(plan, shops, rules)}


def test_good_plan_holds_every_rule(good_plan, three_shops, rules):
    assert check_plan(good_plan, three_shops, rules) == ()


@pytest.mark.parametrize(
    ("rule", "breaker"),
    [
        ("quota", lambda p: with_day(p, quota=30)),
        ("area", lambda p: with_day(p, area="rural", quota=2)),
        ("depart_office", lambda p: with_day(p, depart_office_s=t("08:00"))),
        (
            "first_visit",
            lambda p: with_stop(p, 0, arrive_s=t("09:31"), start_s=t("09:31"), end_s=t("09:39")),
        ),
        ("field_end", lambda p: with_stop(p, 2, end_s=t("15:05"))),
        ("office_return", lambda p: with_day(p, return_office_s=t("16:10"))),
        (
            "timeline",
            lambda p: with_stop(p, 1, arrive_s=t("09:09"), start_s=t("09:10"), end_s=t("09:18")),
        ),
        ("service_time", lambda p: with_stop(p, 1, end_s=t("09:20"))),
        ("opening_hours", lambda p: with_stop(p, 1, lon=121.476, retailer_id="S3")),
        ("location", lambda p: with_stop(p, 0, lon=121.480)),
        ("lunch", lambda p: with_day(p, lunch=None)),
        (
            "lunch",
            lambda p: with_day(p, lunch=Lunch(start_s=t("13:30"), end_s=t("14:00"), after_stop=2)),
        ),
        (
            "lunch",
            lambda p: with_day(p, lunch=Lunch(start_s=t("11:30"), end_s=t("11:45"), after_stop=2)),
        ),
        (
            "lunch",
            lambda p: with_day(p, lunch=Lunch(start_s=t("11:30"), end_s=t("12:00"), after_stop=1)),
        ),
        ("unknown_retailer", lambda p: with_stop(p, 1, retailer_id="NOPE")),
        ("duplicate_visit", lambda p: with_stop(p, 1, retailer_id="S1", lon=121.470)),
    ],
)
def test_each_day_rule_is_caught_when_broken(rule, breaker, good_plan, three_shops, rules):
    assert rule in rules_broken(breaker(good_plan), three_shops, rules)


def test_shortfall_with_a_reason_is_not_a_violation(good_plan, three_shops, rules):
    strict = dataclasses.replace(rules, min_visits_urban=30)
    explained = with_day(good_plan, quota=30, shortfall_reason="only 3 retailers given")
    assert check_plan(explained, three_shops, strict) == ()
    assert "quota" in rules_broken(with_day(good_plan, quota=30), three_shops, strict)


def test_a_retailer_missing_from_the_plan_is_caught(good_plan, three_shops, rules):
    extra = (*three_shops, shop("S4", 121.479))
    assert "retailer_missing" in rules_broken(good_plan, extra, rules)


def test_a_required_visit_neither_planned_nor_explained_is_lost(good_plan, three_shops, rules):
    plan = dataclasses.replace(
        good_plan,
        retailers=(*good_plan.retailers, RetailerVisits(id="S4", required_visits=1, dates=())),
    )
    extra = (*three_shops, shop("S4", 121.479))
    assert "visit_lost" in rules_broken(plan, extra, rules)
    explained = dataclasses.replace(
        plan, unplanned=(Unplanned(retailer_id="S4", date=DAY, reason="too far"),)
    )
    assert rules_broken(explained, extra, rules) == set()


def test_dates_that_disagree_with_the_route_are_caught(good_plan, three_shops, rules):
    wrong = dataclasses.replace(
        good_plan,
        retailers=(RetailerVisits(id="S1", required_visits=1, dates=()), *good_plan.retailers[1:]),
    )
    assert "retailer_dates" in rules_broken(wrong, three_shops, rules)


def test_five_hours_of_visiting_holds_only_when_configured(good_plan, three_shops, rules):
    five_hours = dataclasses.replace(rules, min_field_s=5 * 3600)
    assert "min_field" in rules_broken(good_plan, three_shops, five_hours)
    assert "min_field" not in rules_broken(good_plan, three_shops, rules)


def test_a_violation_names_the_day_the_retailer_and_the_figures(good_plan, three_shops, rules):
    late = with_stop(good_plan, 2, end_s=t("15:05"))
    (violation,) = [v for v in check_plan(late, three_shops, rules) if v.rule == "field_end"]
    assert str(violation) == "2027-01-05 field_end: last visit ends 15:05, after 15:00"
