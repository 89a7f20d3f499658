"""Visit demand: visits from the class or the retailer, fluctuation from the flag or orders."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from routing.errors import InputError
from routing.retailers import Area, Retailer
from routing.rules import Rules
from territory.demand import VisitDemand, unknown_history_ids, visit_demand
from territory.month_rules import MonthRules, load_month_rules
from territory.orders import OrderHistory

APRIL = dt.date(2024, 4, 1)  # a Monday


@pytest.fixture(scope="module")
def month_rules() -> MonthRules:
    """The default month rules: 8 weeks, CV threshold 0.5."""
    return load_month_rules()


def shop(retailer_id: str, retailer_class: str = "A", **flags: object) -> Retailer:
    return Retailer(
        id=retailer_id,
        name=f"shop {retailer_id}",
        lon=121.47,
        lat=31.23,
        area=Area.URBAN,
        retailer_class=retailer_class,
        **flags,  # type: ignore[arg-type]
    )


def weekly_history(series: dict[str, list[float]], *, end: dt.date = APRIL) -> OrderHistory:
    """One order per week (zero included), on the Wednesdays of the weeks before ``end``."""
    orders = []
    for retailer_id, totals in series.items():
        first_wednesday = end - dt.timedelta(weeks=len(totals)) + dt.timedelta(days=2)
        for week, total in enumerate(totals):
            orders.append((retailer_id, first_wednesday + dt.timedelta(weeks=week), total))
    return OrderHistory.from_orders(orders)


def demand_of(
    retailer: Retailer,
    rules: Rules,
    month_rules: MonthRules,
    history: OrderHistory | None = None,
) -> VisitDemand:
    (demand,) = visit_demand([retailer], rules, month_rules, history=history, month_start=APRIL)
    return demand


# --- how many visits --------------------------------------------------------------------------


@pytest.mark.parametrize(("klass", "visits"), [("A", 4), ("B", 4), ("C", 2), ("D", 1), ("E", 1)])
def test_visits_come_from_the_class_table(
    rules: Rules, month_rules: MonthRules, klass: str, visits: int
) -> None:
    demand = demand_of(shop("R1", klass), rules, month_rules)

    assert demand.visits == visits
    assert demand.reasons[0] == f"{visits} visits a month: class {klass}"


@pytest.mark.parametrize("own", [0, 2, 8])
def test_the_retailers_own_visits_per_month_override_its_class(
    rules: Rules, month_rules: MonthRules, own: int
) -> None:
    demand = demand_of(shop("R1", "A", visits_per_month=own), rules, month_rules)

    assert demand.visits == own
    assert "own visits_per_month (class A has 4)" in demand.reasons[0]


def test_a_changed_class_table_changes_the_visits(rules: Rules, month_rules: MonthRules) -> None:
    classes = {**rules.classes, "A": dataclasses.replace(rules.classes["A"], visits_per_month=6)}
    changed = dataclasses.replace(rules, classes=classes)

    assert demand_of(shop("R1", "A"), changed, month_rules).visits == 6


def test_a_class_the_rules_do_not_define_is_an_input_error(
    rules: Rules, month_rules: MonthRules
) -> None:
    retailers = [shop("R1", "A"), shop("R2", "Z"), shop("R3", "Y")]

    with pytest.raises(InputError) as caught:
        visit_demand(retailers, rules, month_rules, month_start=APRIL)

    messages = [problem.message for problem in caught.value.problems]
    assert len(messages) == 2
    assert "'R2' has class 'Z'" in messages[0]


# --- fluctuation: the flag or the order history -------------------------------------------------

STEADY = [10.0] * 8  # CV 0
SWINGING = [0.0, 20.0] * 4  # CV 1.0
AT_THRESHOLD = [5.0, 15.0] * 4  # CV 0.5: not above the threshold


@pytest.mark.parametrize(
    ("flag", "series", "fluctuating"),
    [
        (False, None, False),
        (True, None, True),
        (False, STEADY, False),
        (False, AT_THRESHOLD, False),
        (False, SWINGING, True),
        (True, STEADY, True),
        (True, SWINGING, True),
    ],
)
def test_orders_fluctuate_by_flag_or_by_history_above_the_threshold(
    rules: Rules,
    month_rules: MonthRules,
    flag: bool,
    series: list[float] | None,
    fluctuating: bool,
) -> None:
    history = None if series is None else weekly_history({"R1": series})

    demand = demand_of(shop("R1", fluctuating=flag), rules, month_rules, history)

    assert demand.fluctuating is fluctuating
    assert demand.priority is fluctuating


def test_the_reason_gives_the_measure(rules: Rules, month_rules: MonthRules) -> None:
    history = weekly_history({"R1": SWINGING})

    demand = demand_of(shop("R1"), rules, month_rules, history)

    assert demand.fluctuation_cv == pytest.approx(1.0)
    assert "orders fluctuate: CV 1.00 over 8 weeks > 0.5" in demand.reasons
    assert not any("flagged" in reason for reason in demand.reasons)


def test_a_flag_on_steady_orders_keeps_both_reasons(rules: Rules, month_rules: MonthRules) -> None:
    history = weekly_history({"R1": STEADY})

    demand = demand_of(shop("R1", fluctuating=True), rules, month_rules, history)

    assert demand.fluctuation_cv == 0.0
    assert "flagged fluctuating (波动大) in the retailer file" in demand.reasons
    assert "orders steady: CV 0.00 over 8 weeks <= 0.5" in demand.reasons


def test_the_threshold_comes_from_the_month_rules(rules: Rules, month_rules: MonthRules) -> None:
    history = weekly_history({"R1": SWINGING})
    lenient = dataclasses.replace(month_rules, fluctuation_cv=1.5)

    demand = demand_of(shop("R1"), rules, lenient, history)

    assert not demand.fluctuating
    assert "orders steady: CV 1.00 over 8 weeks <= 1.5" in demand.reasons


def test_only_the_weeks_before_the_month_are_measured(
    rules: Rules, month_rules: MonthRules
) -> None:
    # Swinging orders in the planned month itself do not count.
    history = weekly_history({"R1": [*STEADY, 0.0, 90.0]}, end=dt.date(2024, 4, 15))

    demand = demand_of(shop("R1"), rules, month_rules, history)

    assert demand.fluctuation_cv == 0.0
    assert not demand.fluctuating


def test_a_short_record_is_not_measured(rules: Rules, month_rules: MonthRules) -> None:
    history = weekly_history({"R1": [0.0, 40.0, 0.0]})

    demand = demand_of(shop("R1"), rules, month_rules, history)

    assert demand.fluctuation_cv is None
    assert not demand.fluctuating
    assert any("only 3 weeks" in reason for reason in demand.reasons)


def test_a_retailer_without_orders_is_not_measured(rules: Rules, month_rules: MonthRules) -> None:
    history = weekly_history({"other": STEADY})

    demand = demand_of(shop("R1"), rules, month_rules, history)

    assert demand.fluctuation_cv is None
    assert any("no orders" in reason for reason in demand.reasons)


# --- the other flags, order, and checks ---------------------------------------------------------


def test_flags_are_carried_with_the_days_they_ask_for(
    rules: Rules, month_rules: MonthRules
) -> None:
    retailer = shop("R1", enterprise=True, forecast_sample=True, must_visit=True)

    demand = demand_of(retailer, rules, month_rules)

    assert (demand.enterprise, demand.forecast_sample, demand.must_visit) == (True, True, True)
    assert not demand.fluctuating
    assert demand.priority
    assert "priority group: a visit on days 6-10" in demand.reasons
    assert "demand-forecast sample (需求预测样本): a visit on days 1-5" in demand.reasons


def test_a_plain_retailer_has_only_its_visits_as_reason(
    rules: Rules, month_rules: MonthRules
) -> None:
    demand = demand_of(shop("R1", "C"), rules, month_rules)

    assert demand.reasons == ("2 visits a month: class C",)
    assert (demand.enterprise, demand.forecast_sample, demand.must_visit) == (False,) * 3
    assert demand.fluctuation_cv is None


def test_demands_come_in_input_order(rules: Rules, month_rules: MonthRules) -> None:
    retailers = [shop("R3"), shop("R1"), shop("R2")]
    history = weekly_history({"R1": SWINGING, "R2": STEADY})

    demands = visit_demand(retailers, rules, month_rules, history=history, month_start=APRIL)

    assert [demand.retailer_id for demand in demands] == ["R3", "R1", "R2"]
    assert [demand.fluctuating for demand in demands] == [False, True, False]


def test_the_month_must_start_on_its_first_day(rules: Rules, month_rules: MonthRules) -> None:
    with pytest.raises(ValueError, match="first day of a month"):
        visit_demand([shop("R1")], rules, month_rules, month_start=dt.date(2024, 4, 2))


def test_no_retailers_give_no_demands(rules: Rules, month_rules: MonthRules) -> None:
    assert visit_demand([], rules, month_rules, month_start=APRIL) == ()


def test_history_ids_not_among_the_retailers_are_listed() -> None:
    history = weekly_history({"R9": STEADY, "R1": STEADY, "R0": STEADY})

    assert unknown_history_ids(history, [shop("R1"), shop("R2")]) == ("R0", "R9")


@pytest.mark.parametrize("change", [{"visits": -1}, {"retailer_id": ""}, {"fluctuation_cv": -0.1}])
def test_a_visit_demand_is_checked_on_construction(change: dict[str, object]) -> None:
    values: dict[str, object] = {
        "retailer_id": "R1",
        "visits": 4,
        "fluctuating": False,
        "fluctuation_cv": None,
        "enterprise": False,
        "forecast_sample": False,
        "must_visit": False,
        "reasons": (),
    }

    with pytest.raises(ValueError, match="Expected"):
        VisitDemand(**{**values, **change})  # type: ignore[arg-type]
