"""A day planned end to end: every retailer visited or explained, and the plan checks clean.

The shops stand on the street block of ``conftest.TINY_OSM`` (office at node 1), so each
test runs both on straight lines (``network=None``) and on the block's roads.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

import pytest

from routing.checker import check_plan
from routing.day import DayRequest, DayResult, plan_day
from routing.errors import RoutingError
from routing.network import RoadNetwork, load_network
from routing.plan import Plan, read_plan, write_plan
from routing.priorities import visit_priority
from routing.retailers import Area, Retailer, TimeWindow
from routing.rules import Rules
from routing.solver import SolverSettings
from routing.timeofday import parse_clock as t

DAY = date(2027, 1, 5)
OFFICE = (121.4700, 31.2300)  # node 1 of the block
SETTINGS = SolverSettings(max_solutions=200)
#: Block nodes a shop may stand at (node 1 is the office's corner).
CORNERS = ((121.4710, 31.2300), (121.4720, 31.2300), (121.4710, 31.2310), (121.4700, 31.2310))
TWENTY_MIN = 20 * 60  # 18 such visits fill a field day, so two dozen shops overflow it


def shop(rid: str, spot: int = 0, *, klass: str = "C", **fields: object) -> Retailer:
    """A shop a metre or so off block corner ``spot % 4`` (distinct shops, distinct points)."""
    lon, lat = CORNERS[spot % 4]
    values: dict[str, object] = {
        "id": rid,
        "name": f"烟酒店{rid}",
        "lon": lon + 0.00001 * (spot // 4 % 10),
        "lat": lat + 0.00001 * (spot // 40),
        "area": Area.URBAN,
        "retailer_class": klass,
    }
    values.update(fields)
    return Retailer(**values)  # type: ignore[arg-type]


def crowd(count: int, *, prefix: str = "S", start: int = 0, **fields: object) -> list[Retailer]:
    return [shop(f"{prefix}{i:02d}", start + i, **fields) for i in range(count)]


def opening(*spans: str) -> tuple[TimeWindow, ...]:
    return tuple(TimeWindow(start_s=t(span[:5]), end_s=t(span[6:])) for span in spans)


@pytest.fixture(scope="module")
def block(tiny_osm: Path, rules: Rules) -> RoadNetwork:
    return load_network(tiny_osm, mode=rules.mode("ebike"))


@pytest.fixture(params=["straight lines", "roads"])
def network(request: pytest.FixtureRequest, block: RoadNetwork) -> RoadNetwork | None:
    return None if request.param == "straight lines" else block


def plan(
    retailers: Iterable[Retailer],
    rules: Rules,
    network: RoadNetwork | None,
    *,
    settings: SolverSettings = SETTINGS,
    **request: object,
) -> DayResult:
    """Plan the day and assert what every plan owes its user."""
    shops = tuple(retailers)
    result = plan_day(
        DayRequest(retailers=shops, office=OFFICE, date=DAY, **request),  # type: ignore[arg-type]
        rules=rules,
        network=network,
        settings=settings,
    )
    assert check_plan(result.plan, shops, rules) == ()
    assert_nothing_lost(result.plan, shops)
    return result


def assert_nothing_lost(plan: Plan, shops: Sequence[Retailer]) -> None:
    (day,) = plan.days
    visited = [stop.retailer_id for stop in day.stops]
    assert len(visited) == len(set(visited))
    assert [entry.id for entry in plan.retailers] == [r.id for r in shops]
    for entry in plan.retailers:
        assert entry.required_visits == 1
        assert entry.dates == ((DAY,) if entry.id in visited else ())
    unplanned = [item.retailer_id for item in plan.unplanned]
    assert sorted(unplanned) == sorted(r.id for r in shops if r.id not in visited)
    assert all(item.reason and item.date == DAY for item in plan.unplanned)


def visited_ids(result: DayResult) -> set[str]:
    return {stop.retailer_id for stop in result.plan.days[0].stops}


def reasons(result: DayResult) -> dict[str, str]:
    return {item.retailer_id: item.reason for item in result.plan.unplanned}


@pytest.fixture
def few(rules: Rules) -> Rules:
    """The rules with a quota a handful of shops can meet: urban 4, rural 3."""
    return dataclasses.replace(rules, min_visits_urban=4, min_visits_rural=3)


# --- every shop is visited or explained ------------------------------------------------------


def test_three_shops_on_one_street_are_all_visited(
    rules: Rules, network: RoadNetwork | None
) -> None:
    shops = [shop("S1", 0), shop("S2", 1), shop("S3", 5)]  # node 2, node 3, next to node 2
    result = plan(shops, rules, network, manager="王经理")
    day = result.plan.days[0]
    assert visited_ids(result) == {"S1", "S2", "S3"}
    assert result.plan.unplanned == ()
    assert (result.plan.manager, result.plan.mode) == ("王经理", "ebike")
    assert (result.plan.office_lon, result.plan.office_lat) == OFFICE
    assert day.stops[0].start_s <= rules.first_visit_by_s
    assert result.on_roads == (network is not None)


def test_the_block_reports_shops_its_roads_cannot_reach(rules: Rules, block: RoadNetwork) -> None:
    shops = [
        *crowd(4),
        shop("CUT", lat=31.2400, lon=121.4710),  # on the northern piece, no road to it
        shop("FAR", lat=31.2500, lon=121.4900),  # 2 km from any road
    ]
    result = plan(shops, rules, block)
    assert visited_ids(result) == {"S00", "S01", "S02", "S03"}
    assert "cut off" in reasons(result)["CUT"]
    assert "nearest road" in reasons(result)["FAR"]


@pytest.mark.parametrize(
    "hours",
    [
        ("16:00-22:00",),  # opens after the field day
        ("06:00-08:35",),  # closes five minutes into it
        ("15:00-21:00",),  # opens as visits end
        ("14:55-21:00",),  # five minutes is less than a visit
        ("06:00-08:00", "19:00-23:00"),  # a midday break that covers the whole field day
    ],
)
@pytest.mark.parametrize("must_visit", [False, True])
def test_a_shop_closed_all_field_day_is_unplanned_for_its_opening_hours(
    rules: Rules, network: RoadNetwork | None, hours: tuple[str, ...], must_visit: bool
) -> None:
    shops = [*crowd(3), shop("SHUT", 6, opening=opening(*hours), must_visit=must_visit)]
    result = plan(shops, rules, network)
    assert "SHUT" not in visited_ids(result)
    assert "opening hours" in reasons(result)["SHUT"]
    assert "SHUT" not in result.problem.retailer_ids  # never handed to the solver


def test_a_shop_open_one_afternoon_half_hour_is_visited_in_it(
    rules: Rules, network: RoadNetwork | None
) -> None:
    shops = [*crowd(3), shop("BRIEF", 6, opening=opening("14:00-14:30"))]
    result = plan(shops, rules, network)
    (stop,) = [s for s in result.plan.days[0].stops if s.retailer_id == "BRIEF"]
    assert t("14:00") <= stop.start_s <= stop.end_s <= t("14:30")


# --- a full day keeps what matters most -----------------------------------------------------


@pytest.mark.parametrize(
    ("high", "low"),
    [
        pytest.param({"klass": "A"}, {"klass": "E"}, id="class A over class E"),
        pytest.param({"fluctuating": True}, {}, id="fluctuating orders over plain"),
        pytest.param({"enterprise": True}, {}, id="enterprise-level over plain"),
    ],
)
def test_a_full_day_drops_the_lower_priority_shops(
    rules: Rules, network: RoadNetwork | None, high: dict[str, object], low: dict[str, object]
) -> None:
    # 20 important and 8 ordinary 20-min visits, interleaved; only 18 visits fit the day.
    shops = [
        shop(f"S{i:02d}", i, service_s=TWENTY_MIN, **(low if i % 4 == 3 else high))
        for i in range(28)
    ]
    result = plan(shops, rules, network)
    visited = [r for r in shops if r.id in visited_ids(result)]
    dropped = [r for r in shops if r.id not in visited_ids(result)]
    assert 15 <= len(visited) <= 18
    lowest_kept = min(visit_priority(r, rules) for r in visited)
    assert all(visit_priority(r, rules) <= lowest_kept for r in dropped)
    ordinary = [r for r in shops if int(r.id[1:]) % 4 == 3]
    assert all(r in dropped for r in ordinary)  # all 8 can go, so all 8 do
    for r in ordinary:
        assert "full" in reasons(result)[r.id]
        assert "lower priority" in reasons(result)[r.id]


def test_a_must_visit_shop_is_kept_on_a_full_day(
    rules: Rules, network: RoadNetwork | None
) -> None:
    shops = [
        *crowd(24, klass="A", service_s=TWENTY_MIN),
        shop("MUST", 3, klass="E", must_visit=True, service_s=TWENTY_MIN),
    ]
    result = plan(shops, rules, network)
    assert "MUST" in visited_ids(result)
    assert len(result.plan.unplanned) >= 6


def test_a_must_visit_too_far_to_reach_is_unplanned_with_the_reason(rules: Rules) -> None:
    # 60 km east: over five hours each way on an e-bike.
    shops = [*crowd(3), shop("FAR", lon=122.10, must_visit=True)]
    result = plan(shops, rules, None)
    assert visited_ids(result) == {"S00", "S01", "S02"}
    assert reasons(result)["FAR"].startswith("must-visit")


# --- area, quota and the reason for a shortfall ---------------------------------------------


@pytest.mark.parametrize(
    ("rural", "area", "quota"),
    [(0, "urban", 30), (2, "urban", 30), (3, "rural", 25), (5, "rural", 25)],
)
def test_a_rural_majority_makes_a_rural_day(
    rules: Rules, network: RoadNetwork | None, rural: int, area: str, quota: int
) -> None:
    shops = [shop(f"S{i}", i, area=Area.RURAL if i < rural else Area.URBAN) for i in range(5)]
    day = plan(shops, rules, network).plan.days[0]
    assert len(day.stops) == 5
    assert (day.area, day.quota) == (area, quota)
    assert day.shortfall_reason is not None
    assert f"only 5 retailers were given for the day; the quota is {quota}" in (
        day.shortfall_reason
    )


@pytest.mark.parametrize(("area", "count"), [(Area.URBAN, 4), (Area.RURAL, 3)])
def test_a_met_quota_has_no_shortfall_reason(
    few: Rules, network: RoadNetwork | None, area: Area, count: int
) -> None:
    day = plan(crowd(count, area=area), few, network).plan.days[0]
    assert (len(day.stops), day.quota) == (count, count)
    assert day.shortfall_reason is None


def test_thirty_urban_shops_meet_the_procedures_quota(rules: Rules) -> None:
    day = plan(crowd(31), rules, None).plan.days[0]
    assert len(day.stops) >= rules.min_visits_urban
    assert day.shortfall_reason is None


def test_too_few_routable_shops_says_how_many_cannot_be_routed(
    few: Rules, network: RoadNetwork | None
) -> None:
    closed = opening("18:00-22:00")
    shops = [*crowd(3), *crowd(3, prefix="X", start=3, opening=closed)]
    day = plan(shops, dataclasses.replace(few, min_visits_urban=5), network).plan.days[0]
    assert len(day.stops) == 3
    assert day.shortfall_reason is not None
    assert "3 of 6 retailers cannot be routed" in day.shortfall_reason


def test_a_full_field_day_says_how_many_visits_it_holds(
    rules: Rules, network: RoadNetwork | None
) -> None:
    strict = dataclasses.replace(rules, min_visits_urban=20)
    day = plan(crowd(24, service_s=TWENTY_MIN), strict, network).plan.days[0]
    assert day.shortfall_reason is not None
    assert f"holds only {len(day.stops)} of 24 visits" in day.shortfall_reason


def test_a_full_field_day_names_the_visit_length_it_used(rules: Rules) -> None:
    strict = dataclasses.replace(rules, min_visits_urban=20)
    day = plan(crowd(24, service_s=TWENTY_MIN), strict, None).plan.days[0]
    assert day.shortfall_reason is not None
    assert "8 min" not in day.shortfall_reason


def test_a_rural_day_without_visits_keeps_the_rural_quota(rules: Rules) -> None:
    shops = crowd(5, area=Area.RURAL, opening=opening("18:00-22:00"))
    day = plan(shops, rules, None).plan.days[0]
    assert (day.area, day.quota) == ("rural", 25)


# --- a cap on visits ------------------------------------------------------------------------


def test_the_visit_cap_is_kept_and_explained(few: Rules, network: RoadNetwork | None) -> None:
    result = plan(crowd(8), few, network, max_visits=3)
    day = result.plan.days[0]
    assert len(day.stops) == 3
    assert len(result.plan.unplanned) == 5
    assert all("cap of 3 visits" in reason for reason in reasons(result).values())
    assert day.shortfall_reason is not None
    assert "capped at 3 visits" in day.shortfall_reason


def test_a_cap_above_what_fits_changes_nothing(few: Rules) -> None:
    assert visited_ids(plan(crowd(5), few, None, max_visits=10)) == {r.id for r in crowd(5)}


@pytest.mark.parametrize("cap", [0, -1])
def test_a_cap_below_one_is_refused(cap: int) -> None:
    with pytest.raises(ValueError, match="max_visits"):
        DayRequest(retailers=(), office=OFFICE, date=DAY, max_visits=cap)


# --- legs, files and determinism ------------------------------------------------------------


def test_legs_lead_from_the_office_through_every_stop_and_back(
    rules: Rules, network: RoadNetwork | None
) -> None:
    result = plan(crowd(6), rules, network)
    stops = result.plan.days[0].stops
    assert len(result.legs) == len(stops) + 1
    points = [OFFICE, *((stop.lon, stop.lat) for stop in stops), OFFICE]
    for k, leg in enumerate(result.legs):
        assert len(leg) >= 2
        assert (leg[0], leg[-1]) == (points[k], points[k + 1])


def test_an_empty_day_is_a_plan_not_an_error(rules: Rules, network: RoadNetwork | None) -> None:
    result = plan([], rules, network)
    day = result.plan.days[0]
    assert day.stops == ()
    (leg,) = result.legs
    assert leg[0] == leg[-1] == OFFICE
    assert day.shortfall_reason is not None


def test_the_same_request_gives_the_same_plan(rules: Rules, network: RoadNetwork | None) -> None:
    shops = crowd(10, klass="B")
    assert plan(shops, rules, network).plan == plan(shops, rules, network).plan


def test_a_planned_day_survives_its_file_and_still_checks(
    rules: Rules, network: RoadNetwork | None, tmp_path: Path
) -> None:
    shops = [*crowd(5), shop("SHUT", 5, opening=opening("18:00-22:00"))]
    result = plan(shops, rules, network)
    write_plan(result.plan, tmp_path / "plan.json")
    again = read_plan(tmp_path / "plan.json")
    assert again == result.plan
    assert check_plan(again, shops, rules) == ()


def test_an_office_off_the_block_is_a_routing_error(rules: Rules, block: RoadNetwork) -> None:
    request = DayRequest(retailers=tuple(crowd(3)), office=(121.49, 31.25), date=DAY)
    with pytest.raises(RoutingError, match="office"):
        plan_day(request, rules=rules, network=block, settings=SETTINGS)


# --- shops that all open after 9:30 ---------------------------------------------------------

LATE = opening("10:00-21:00")
QUICK = SolverSettings(max_solutions=200, time_limit_s=1.0)


@pytest.fixture(scope="module")
def late_day(rules: Rules) -> DayResult:
    """Five shops that all open at 10:00: no first visit can start by 9:30."""
    return plan(crowd(5, opening=LATE), rules, None, settings=QUICK)


def test_no_shop_is_visited_when_none_can_be_first_by_half_past_nine(
    late_day: DayResult,
) -> None:
    assert late_day.plan.days[0].stops == ()
    assert len(late_day.plan.unplanned) == 5


def test_the_reason_names_the_first_visit_deadline_not_a_full_day(late_day: DayResult) -> None:
    for reason in reasons(late_day).values():
        assert "full" not in reason
        assert "9:30" in reason


def test_a_day_with_no_possible_first_visit_ends_by_the_solution_limit(
    late_day: DayResult,
) -> None:
    assert late_day.solution.stopped_by == "solution limit"


def test_a_full_day_leaves_out_optional_visits_before_required_ones(
    rules: Rules, network: RoadNetwork | None
) -> None:
    # 28 20-min visits of which 15-18 fit: the 14 class-E required visits all stay, and
    # only class-A top-ups go, though class A outranks class E.
    shops = [
        shop(f"S{i:02d}", i, klass="A" if i % 2 == 0 else "E", service_s=TWENTY_MIN)
        for i in range(28)
    ]
    top_ups = frozenset(r.id for r in shops if r.retailer_class == "A")
    result = plan(shops, rules, network, optional_ids=top_ups)
    dropped = {r.id for r in shops} - visited_ids(result)
    assert dropped
    assert dropped <= top_ups
    assert all("optional" in reasons(result)[rid] for rid in dropped)
