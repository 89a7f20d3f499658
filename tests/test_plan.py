"""The plan file is a contract: its JSON round-trips, names its fields, and refuses junk."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from routing.errors import InputError
from routing.plan import (
    SCHEMA,
    DayPlan,
    Lunch,
    Plan,
    RetailerVisits,
    Stop,
    Unplanned,
    plan_from_dict,
    plan_to_dict,
    read_plan,
    write_plan,
)
from routing.timeofday import parse_clock as t

TUESDAY = date(2027, 1, 5)
WEDNESDAY = date(2027, 1, 6)


def stop(rid: str, lon: float, arrive: str, start: str, end: str, travel_s: int) -> Stop:
    return Stop(
        retailer_id=rid,
        lon=lon,
        lat=31.2301,
        arrive_s=t(arrive),
        start_s=t(start),
        end_s=t(end),
        travel_s=travel_s,
        travel_m=travel_s * 4,
    )


@pytest.fixture
def plan() -> Plan:
    """Two days: Tuesday has three stops and lunch after the second, Wednesday nothing."""
    tuesday = DayPlan(
        date=TUESDAY,
        area="urban",
        depart_office_s=t("08:50"),
        return_office_s=t("13:10"),
        lunch=Lunch(start_s=t("12:00"), end_s=t("12:30"), after_stop=2),
        stops=(
            stop("S1", 121.4711, "09:05:30", "09:05:30", "09:13:30", 930),
            stop("S2", 121.4722, "09:20", "10:00", "10:08", 390),
            stop("S3", 121.4733, "12:40", "12:40", "12:48", 600),
        ),
        travel_back_s=1320,
        travel_back_m=5280,
        quota=30,
        shortfall_reason="only 3 retailers were given for the day; the quota is 30",
    )
    wednesday = DayPlan(
        date=WEDNESDAY,
        area="rural",
        depart_office_s=t("08:30"),
        return_office_s=t("08:30"),
        lunch=None,
        stops=(),
        travel_back_s=0,
        travel_back_m=0,
        quota=25,
        shortfall_reason="no retailer could be visited",
    )
    return Plan(
        manager="张三",
        mode="ebike",
        office_lon=121.47,
        office_lat=31.23,
        days=(tuesday, wednesday),
        retailers=(
            RetailerVisits(id="S1", required_visits=1, dates=(TUESDAY,)),
            RetailerVisits(id="S2", required_visits=2, dates=(TUESDAY,)),
            RetailerVisits(id="S3", required_visits=1, dates=(TUESDAY,)),
            RetailerVisits(id="S4", required_visits=1, dates=()),
        ),
        unplanned=(
            Unplanned(retailer_id="S2", date=WEDNESDAY, reason="the field day is full"),
            Unplanned(retailer_id="S4", date=None, reason="closed for renovation"),
        ),
        extra={"travel_matrix": "straight line × 1.35", "solver": {"status": "SUCCESS"}},
    )


def test_a_plan_survives_the_dict_round_trip(plan: Plan) -> None:
    assert plan_from_dict(plan_to_dict(plan)) == plan


def test_a_plan_survives_the_file_round_trip(plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "out" / "plan.json"
    write_plan(plan, path)
    assert read_plan(path) == plan


def test_equal_plans_give_equal_readable_files(plan: Plan, tmp_path: Path) -> None:
    write_plan(plan, tmp_path / "a.json")
    write_plan(plan_from_dict(plan_to_dict(plan)), tmp_path / "b.json")
    text = (tmp_path / "a.json").read_text(encoding="utf-8")
    assert text == (tmp_path / "b.json").read_text(encoding="utf-8")
    assert "张三" in text  # Chinese stays readable, not \\u-escaped


def test_the_json_uses_the_contract_field_names(plan: Plan) -> None:
    data = json.loads(json.dumps(plan_to_dict(plan)))
    assert data["schema"] == SCHEMA == "visitplan/plan@1"
    assert {"manager", "mode", "office", "days", "retailers", "unplanned"} <= data.keys()
    assert (data["manager"], data["mode"]) == ("张三", "ebike")
    assert data["office"] == {"lon": 121.47, "lat": 31.23}
    tuesday, wednesday = data["days"]
    assert {
        "date",
        "area",
        "depart_office",
        "return_office",
        "lunch",
        "stops",
        "travel_back_s",
        "travel_back_m",
        "quota",
        "shortfall_reason",
    } <= tuesday.keys()
    assert (tuesday["date"], tuesday["area"], tuesday["quota"]) == ("2027-01-05", "urban", 30)
    assert (tuesday["depart_office"], tuesday["return_office"]) == ("08:50", "13:10")
    assert {"start": "12:00", "end": "12:30"}.items() <= tuesday["lunch"].items()
    assert (tuesday["travel_back_s"], tuesday["travel_back_m"]) == (1320, 5280)
    assert tuesday["shortfall_reason"].startswith("only 3 retailers")
    assert tuesday["stops"][0] == {
        "retailer_id": "S1",
        "lon": 121.4711,
        "lat": 31.2301,
        "arrive": "09:05:30",
        "start": "09:05:30",
        "end": "09:13:30",
        "travel_s": 930,
        "travel_m": 3720,
    }
    assert wednesday["lunch"] is None
    assert wednesday["stops"] == []
    assert data["retailers"][1] == {"id": "S2", "required_visits": 2, "dates": ["2027-01-05"]}
    assert data["unplanned"] == [
        {"retailer_id": "S2", "date": "2027-01-06", "reason": "the field day is full"},
        {"retailer_id": "S4", "date": None, "reason": "closed for renovation"},
    ]


def test_extra_information_is_kept_beside_the_contract(plan: Plan) -> None:
    data = plan_to_dict(plan)
    assert data["solver"] == {"status": "SUCCESS"}
    assert dict(plan_from_dict(data).extra) == dict(plan.extra)


def test_day_totals_add_up_legs_and_visits(plan: Plan) -> None:
    tuesday = plan.days[0]
    assert tuesday.travel_s == 930 + 390 + 600 + 1320
    assert tuesday.travel_m == 4 * (930 + 390 + 600) + 5280
    assert tuesday.service_s == 3 * 8 * 60
    totals = plan_to_dict(plan)["days"][0]["totals"]
    assert totals == {"visits": 3, "travel_s": 3240, "travel_m": 12960, "service_s": 1440}


# --- read_plan refuses what is not a plan, naming the file ---------------------------------

Edit = Callable[[dict[str, Any]], object]


def _set(*keys: str | int, value: object) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        target: Any = data
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return edit


def _delete(key: str) -> Edit:
    return lambda data: data.pop(key)


BROKEN_FIELDS: dict[str, Edit] = {
    "other schema": _set("schema", value="visitplan/plan@2"),
    "no schema": _delete("schema"),
    "no days": _delete("days"),
    "no retailers": _delete("retailers"),
    "office without lat": _set("office", value={"lon": 121.47}),
    "office as a list": _set("office", value=[121.47, 31.23]),
    "clock not a time": _set("days", 0, "stops", 0, "arrive", value="9h05"),
    "clock as a number": _set("days", 0, "depart_office", value=830),
    "day not a date": _set("days", 0, "date", value="2027-02-30"),
    "quota not a number": _set("days", 0, "quota", value="many"),
    "stop arrives after it starts": _set("days", 0, "stops", 1, "arrive", value="10:30"),
    "negative travel": _set("days", 0, "stops", 0, "travel_s", value=-5),
    "lunch ends before it starts": _set("days", 0, "lunch", "end", value="11:00"),
    "lunch as a clock": _set("days", 0, "lunch", value="12:00"),
    "stop without a retailer": lambda data: data["days"][0]["stops"][0].pop("retailer_id"),
    "retailer dates not dates": _set("retailers", 0, "dates", value=["Tuesday"]),
    "unplanned not a list of objects": _set("unplanned", value=["S4"]),
}


def _write_edited(plan: Plan, path: Path, edit: Edit) -> Path:
    data = copy.deepcopy(plan_to_dict(plan))
    edit(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _assert_names_file(error: pytest.ExceptionInfo[InputError], path: Path) -> None:
    assert str(path) in str(error.value)
    assert all(problem.source == str(path) for problem in error.value.problems)


@pytest.mark.parametrize("case", sorted(BROKEN_FIELDS))
def test_a_malformed_plan_is_an_input_error_naming_the_file(
    plan: Plan, tmp_path: Path, case: str
) -> None:
    path = _write_edited(plan, tmp_path / "plan.json", BROKEN_FIELDS[case])
    with pytest.raises(InputError) as error:
        read_plan(path)
    _assert_names_file(error, path)


@pytest.mark.parametrize(
    ("case", "content"),
    [
        ("not json", b"{this is not json"),
        ("empty", b""),
        ("a list", b"[]"),
        ("a csv", b"id,name,lon,lat\nS1,shop,121.47,31.23\n"),
        ("not utf-8", "计划".encode("gb18030")),
    ],
)
def test_a_file_that_is_no_plan_is_an_input_error_naming_it(
    tmp_path: Path, case: str, content: bytes
) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(content)
    with pytest.raises(InputError) as error:
        read_plan(path)
    _assert_names_file(error, path)


def test_a_missing_plan_file_is_an_input_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "plan.json"
    with pytest.raises(InputError) as error:
        read_plan(path)
    _assert_names_file(error, path)


def test_a_plan_of_another_schema_says_which_schema_is_expected(
    plan: Plan, tmp_path: Path
) -> None:
    path = _write_edited(plan, tmp_path / "plan.json", BROKEN_FIELDS["other schema"])
    with pytest.raises(InputError, match="visitplan/plan@1"):
        read_plan(path)


@pytest.mark.parametrize("entry", ["2027-01-05", 5, None])
def test_a_day_that_is_not_an_object_is_an_input_error(
    plan: Plan, tmp_path: Path, entry: object
) -> None:
    path = _write_edited(plan, tmp_path / "plan.json", _set("days", 0, value=entry))
    with pytest.raises(InputError) as error:
        read_plan(path)
    _assert_names_file(error, path)


# --- Stop and Lunch refuse impossible values ------------------------------------------------


@pytest.mark.parametrize(
    ("arrive", "start", "end", "travel_s", "travel_m"),
    [
        ("09:10", "09:00", "09:08", 60, 240),  # arrives after the visit started
        ("09:00", "09:10", "09:08", 60, 240),  # ends before it starts
        ("09:00", "09:00", "09:08", -1, 240),
        ("09:00", "09:00", "09:08", 60, -1),
    ],
)
def test_an_impossible_stop_is_refused(
    arrive: str, start: str, end: str, travel_s: int, travel_m: int
) -> None:
    with pytest.raises(ValueError, match="stop 'S1'"):
        Stop(
            retailer_id="S1",
            lon=121.47,
            lat=31.23,
            arrive_s=t(arrive),
            start_s=t(start),
            end_s=t(end),
            travel_s=travel_s,
            travel_m=travel_m,
        )


def test_a_stop_may_start_on_arrival_after_no_travel() -> None:
    same = Stop(
        retailer_id="S1",
        lon=121.47,
        lat=31.23,
        arrive_s=t("09:00"),
        start_s=t("09:00"),
        end_s=t("09:08"),
        travel_s=0,
        travel_m=0,
    )
    assert same.end_s - same.start_s == 480


@pytest.mark.parametrize(
    ("start", "end", "after_stop"),
    [("12:00", "12:00", 0), ("12:30", "12:00", 1), ("12:00", "12:30", -1)],
)
def test_an_impossible_lunch_is_refused(start: str, end: str, after_stop: int) -> None:
    with pytest.raises(ValueError, match="lunch"):
        Lunch(start_s=t(start), end_s=t(end), after_stop=after_stop)
