"""The month's rules as a plan check: each rule once where it holds and once where it breaks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from routing.checker import check_plan
from routing.cli import main
from routing.errors import InputError
from routing.plan import DayPlan, Plan, RetailerVisits, Stop, Unplanned, write_plan
from routing.readers import write_retailers_csv
from routing.retailers import Area, Retailer
from routing.rules import load_rules
from routing.timeofday import parse_clock as t
from territory.check import check_month_plan

# A toy January 2027 of six working days: the 1st is New Year's Day, the 9th and 10th a
# weekend. Forecast days (1-5) hold two of them, priority days (6-10) three.
JAN4, JAN5, JAN6, JAN7, JAN8, JAN11 = (date(2027, 1, d) for d in (4, 5, 6, 7, 8, 11))
SIX_DAYS = (JAN4, JAN5, JAN6, JAN7, JAN8, JAN11)
JAN9 = date(2027, 1, 9)  # a Saturday

Visits = Mapping[str, Sequence[date]]


def shop(rid: str, lon: float, **flags: bool) -> Retailer:
    return Retailer(
        id=rid,
        name=f"shop {rid}",
        lon=lon,
        lat=31.23,
        area=Area.URBAN,
        retailer_class="C",
        **flags,
    )


#: Two shops: F's orders fluctuate (owed days 6-10), S is a forecast sample (owed 1-5).
TWO_SHOPS = (shop("F", 121.470, fluctuating=True), shop("S", 121.473, forecast_sample=True))
#: F on a priority day and 3 working days later; S on a forecast day and 4 working days later.
GOOD_VISITS: Visits = {"F": (JAN6, JAN11), "S": (JAN4, JAN8)}


def day_plan(when: date, shops: Sequence[Retailer]) -> DayPlan:
    """A day the day checker accepts: 8-minute visits 13 minutes apart from 09:00."""
    stops = tuple(
        Stop(
            retailer_id=retailer.id,
            lon=retailer.lon,
            lat=retailer.lat,
            arrive_s=t("09:00") + 780 * index,
            start_s=t("09:00") + 780 * index,
            end_s=t("09:08") + 780 * index,
            travel_s=300,
            travel_m=1200,
        )
        for index, retailer in enumerate(shops)
    )
    return DayPlan(
        date=when,
        area="urban",
        depart_office_s=t("08:55"),
        return_office_s=(stops[-1].end_s if stops else t("08:55")) + 300,
        lunch=None,
        stops=stops,
        travel_back_s=300,
        travel_back_m=1200,
        quota=30,
        shortfall_reason="a toy month of two shops",
    )


def month_plan(
    visits: Visits,
    *,
    shops: Sequence[Retailer] = TWO_SHOPS,
    days: Sequence[date] = SIX_DAYS,
    calendar: Sequence[date] | None = SIX_DAYS,
    month: Any = "2027-01",
    obligations: Mapping[str, list[str]] | None = None,
    unplanned: tuple[Unplanned, ...] = (),
) -> Plan:
    """A month plan with a day for each of ``days`` (and each visit date) and these visits."""
    dates = sorted(set(days) | {d for visited in visits.values() for d in visited})
    extra: dict[str, Any] = {"month": month, "planning": "lines"}
    if calendar is not None:
        extra["calendar"] = {"working_days": [d.isoformat() for d in calendar], "warnings": []}
    if obligations is not None:
        extra["obligations"] = obligations
    return Plan(
        manager="m",
        mode="ebike",
        office_lon=121.46,
        office_lat=31.23,
        days=tuple(day_plan(d, [r for r in shops if d in visits.get(r.id, ())]) for d in dates),
        retailers=tuple(
            RetailerVisits(
                id=r.id,
                required_visits=len(visits.get(r.id, ())),
                dates=tuple(sorted(visits.get(r.id, ()))),
            )
            for r in shops
        ),
        unplanned=unplanned,
        extra=extra,
    )


def broken(
    plan: Plan, shops: Sequence[Retailer] = TWO_SHOPS, rules: Path | None = None
) -> set[tuple[str, str | None]]:
    return {(v.rule, v.retailer_id) for v in check_month_plan(plan, shops, rules)}


def test_the_good_month_holds_every_rule() -> None:
    plan = month_plan(GOOD_VISITS)

    assert check_month_plan(plan, TWO_SHOPS, None) == ()
    assert check_plan(plan, TWO_SHOPS, load_rules()) == ()  # also a valid plan day by day


def test_a_day_plan_is_not_checked() -> None:
    plan = month_plan({"F": (JAN11,), "S": (JAN11,)}, days=(JAN11,))
    assert check_month_plan(replace(plan, extra={}), TWO_SHOPS, None) == ()


# --- spacing -------------------------------------------------------------------------------


def test_spacing_breaks_and_names_the_dates_and_figures() -> None:
    plan = month_plan({**GOOD_VISITS, "S": (JAN4, JAN5)})

    (violation,) = check_month_plan(plan, TWO_SHOPS, None)

    assert (violation.rule, violation.retailer_id, violation.date) == ("spacing", "S", JAN5)
    assert violation.message == (
        "visits on 2027-01-04 and 2027-01-05 are 1 working day apart, the rules ask for at least 3"
    )


def test_spacing_counts_working_days_not_calendar_days() -> None:
    # Friday and the next Monday are three calendar days but one working day apart.
    plan = month_plan({**GOOD_VISITS, "F": (JAN6, JAN8, JAN11)})

    assert broken(plan) == {("spacing", "F")}


@pytest.mark.parametrize(
    ("calendar", "expected"),
    [
        (SIX_DAYS, set()),  # the calendar's days count: S 4 and F 3 working days apart
        (None, {("spacing", "S"), ("spacing", "F")}),  # only 4, 6, 8, 11 count: 2 apart
    ],
)
def test_spacing_without_a_calendar_counts_the_plans_days(calendar, expected) -> None:
    plan = month_plan(GOOD_VISITS, days=(JAN4, JAN6, JAN8, JAN11), calendar=calendar)

    assert broken(plan) == expected


@pytest.mark.parametrize(("min_gap", "expected"), [(1, set()), (2, {("spacing", "S")})])
def test_spacing_follows_the_rules_file(tmp_path: Path, min_gap: int, expected) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(f"[month]\nmin_gap_working_days = {min_gap}\n", encoding="utf-8")
    plan = month_plan({**GOOD_VISITS, "S": (JAN4, JAN5)})

    assert broken(plan, rules=rules) == expected


# --- priority_days and forecast_days -------------------------------------------------------


@pytest.mark.parametrize(
    ("visits", "expected"),
    [
        ({"F": (JAN7,)}, set()),
        ({"F": (JAN11,)}, {("priority_days", "F")}),
        ({"S": (JAN5,)}, set()),
        ({"S": (JAN6,)}, {("forecast_days", "S")}),
    ],
)
def test_flagged_shops_are_visited_in_their_window(visits: Visits, expected) -> None:
    assert broken(month_plan({**GOOD_VISITS, **visits})) == expected


def test_a_missed_window_names_why_and_the_days_it_had() -> None:
    plan = month_plan({**GOOD_VISITS, "F": (JAN4, JAN11)})

    (violation,) = check_month_plan(plan, TWO_SHOPS, None)

    assert violation.date is None
    assert violation.message == (
        "fluctuating (波动大), so owed a visit on a working day dated 6–10 "
        "([2027-01-06, 2027-01-07, 2027-01-08]), but visited on [2027-01-04, 2027-01-11]; "
        "visit it then or list it as unplanned with a reason"
    )


@pytest.mark.parametrize("visited", [(JAN8,), (JAN11,)], ids=["holds", "broken"])
def test_an_enterprise_level_shop_is_owed_days_6_to_10(visited: tuple[date, ...]) -> None:
    shops = (*TWO_SHOPS, shop("E", 121.476, enterprise=True))
    plan = month_plan({**GOOD_VISITS, "E": visited}, shops=shops)

    assert broken(plan, shops) == ({("priority_days", "E")} if JAN11 in visited else set())


@pytest.mark.parametrize(
    ("owed", "visited", "expected"),
    [
        ("priority_days", JAN7, set()),
        ("priority_days", JAN11, {("priority_days", "P")}),
        ("forecast_days", JAN5, set()),
        ("forecast_days", JAN11, {("forecast_days", "P")}),
    ],
)
def test_the_plans_obligations_owe_a_window_to_an_unflagged_shop(owed, visited, expected) -> None:
    shops = (*TWO_SHOPS, shop("P", 121.476))
    plan = month_plan({**GOOD_VISITS, "P": (visited,)}, shops=shops, obligations={"P": [owed]})

    assert broken(plan, shops) == expected


def test_a_visit_on_a_weekend_in_the_window_does_not_count() -> None:
    plan = month_plan({**GOOD_VISITS, "F": (JAN9,)})

    assert broken(plan) == {("working_day", None), ("priority_days", "F")}


@pytest.mark.parametrize(
    ("when", "reason", "expected"),
    [
        (None, "closed for renovation until 2027-01-11", set()),
        (JAN7, "closed for renovation until 2027-01-11", set()),
        (None, "  ", {("priority_days", "F")}),
        (date(2027, 1, 20), "no room that day", {("priority_days", "F")}),
    ],
    ids=["undated", "dated-in-window", "no-reason", "dated-elsewhere"],
)
def test_an_unplanned_entry_with_a_reason_excuses_the_window(when, reason, expected) -> None:
    unplanned = (Unplanned(retailer_id="F", date=when, reason=reason),)
    plan = month_plan({**GOOD_VISITS, "F": (JAN11,)}, unplanned=unplanned)

    assert broken(plan) == expected


def test_a_window_without_working_days_is_waived(caplog: pytest.LogCaptureFixture) -> None:
    # February 2027: Spring Festival leaves no working day on days 6-10.
    feb = tuple(date(2027, 2, d) for d in (1, 2, 3, 4, 11, 12))
    plan = month_plan(
        {"F": (feb[0], feb[4]), "S": (feb[1], feb[5])}, days=feb, calendar=feb, month="2027-02"
    )

    with caplog.at_level("INFO", logger="territory.check"):
        assert check_month_plan(plan, TWO_SHOPS, None) == ()
    assert "priority_days waived" in caplog.text


# --- working_day ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra_day", "message"),
    [
        (JAN9, "2027-01-09 (Sat) is not one of the 6 working days"),
        (date(2027, 2, 1), "2027-02-01 lies outside the plan's month 2027-01"),
    ],
)
def test_every_day_is_a_working_day_of_the_month(extra_day: date, message: str) -> None:
    plan = month_plan(GOOD_VISITS, days=(*SIX_DAYS, extra_day))

    (violation,) = check_month_plan(plan, TWO_SHOPS, None)

    assert (violation.rule, violation.date) == ("working_day", extra_day)
    assert violation.message.startswith(message)


def test_without_a_calendar_only_the_month_is_checked() -> None:
    plan = month_plan(GOOD_VISITS, days=(*SIX_DAYS, JAN9), calendar=None)

    assert broken(plan) == set()


# --- malformed month fields ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"month": "2027-13"}, ["month"]),
        ({"month": "January"}, ["month"]),
        ({"calendar": ["2027-01-04"]}, ["calendar"]),
        ({"calendar": {"working_days": ["2027-01-32"]}}, ["calendar"]),
        ({"obligations": {"F": ["weekly"]}}, ["obligations"]),
        ({"month": 202701, "obligations": {"F": "priority_days"}}, ["month", "obligations"]),
    ],
)
def test_malformed_month_fields_are_input_errors(changes: dict[str, Any], fields) -> None:
    plan = month_plan(GOOD_VISITS)
    plan = replace(plan, extra={**plan.extra, **changes})

    with pytest.raises(InputError) as caught:
        check_month_plan(plan, TWO_SHOPS, None)

    assert [problem.field for problem in caught.value.problems] == fields


# --- through the command line --------------------------------------------------------------


@pytest.mark.parametrize(
    ("visits", "code", "printed"),
    [
        (GOOD_VISITS, 0, "every rule holds"),
        ({"F": (JAN4, JAN11), "S": (JAN4, JAN5)}, 4, "priority_days"),
    ],
    ids=["good", "broken"],
)
def test_visitplan_check_runs_the_month_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], visits: Visits, code: int, printed: str
) -> None:
    plan, retailers = tmp_path / "month.json", tmp_path / "retailers.csv"
    write_plan(month_plan(visits), plan)
    write_retailers_csv(TWO_SHOPS, retailers)

    assert main(["check", str(plan), "--retailers", str(retailers)]) == code
    out = capsys.readouterr().out
    assert printed in out
    if code:
        assert "spacing" in out
        assert "[F] priority_days" in out


def test_the_toy_month_is_worked_monday_to_friday() -> None:
    assert [d.weekday() for d in SIX_DAYS] == [0, 1, 2, 3, 4, 0]
    assert JAN9.weekday() == 5
