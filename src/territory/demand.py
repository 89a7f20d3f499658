"""What next month asks for each retailer: how many visits, and which of them are special.

The visit count comes from the retailer's own ``visits_per_month`` or else its class.
A retailer's orders fluctuate strongly (波动大) when its file says so or when its order
history's coefficient of variation exceeds the month rules' threshold; each demand keeps
the reasons in words, so that a plan can be explained to the market manager.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from routing.errors import InputError, Problem
from routing.retailers import Retailer
from routing.rules import Rules
from territory.month_rules import MonthRules
from territory.orders import (
    MIN_FLUCTUATION_WEEKS,
    OrderHistory,
    fluctuation,
    measured_weeks,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class VisitDemand:
    """One retailer's demand for next month.

    Parameters
    ----------
    retailer_id
        The retailer's id.
    visits
        Visits wanted in the month (0 or more).
    fluctuating
        Whether its orders fluctuate strongly (flag or order history).
    fluctuation_cv
        The order history's coefficient of variation, or ``None`` without a measure
        (no history given, or too short a record).
    enterprise
        Enterprise-level account (企业级客户).
    forecast_sample
        Demand-forecast sample (需求预测样本客户).
    must_visit
        A visit that must not be dropped.
    reasons
        Why: where the visit count and each flag come from, in words.
    """

    retailer_id: str
    visits: int
    fluctuating: bool
    fluctuation_cv: float | None
    enterprise: bool
    forecast_sample: bool
    must_visit: bool
    reasons: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.retailer_id:
            msg = "Expected a non-empty retailer id."
            raise ValueError(msg)
        if self.visits < 0:
            msg = f"Expected visits >= 0 for retailer {self.retailer_id!r}."
            raise ValueError(msg)
        if self.fluctuation_cv is not None and not self.fluctuation_cv >= 0:
            msg = f"Expected fluctuation_cv >= 0 for retailer {self.retailer_id!r}."
            raise ValueError(msg)

    @property
    def priority(self) -> bool:
        """Whether the retailer is one of the days-6-to-10 groups (fluctuating, enterprise)."""
        return self.fluctuating or self.enterprise


def visit_demand(
    retailers: Sequence[Retailer],
    rules: Rules,
    month_rules: MonthRules,
    *,
    history: OrderHistory | None = None,
    month_start: dt.date,
) -> tuple[VisitDemand, ...]:
    """Return each retailer's demand for the month starting at ``month_start``, in input order.

    Parameters
    ----------
    retailers
        The retailers to plan.
    rules
        Give the visits per month of each class.
    month_rules
        Give the fluctuation window and threshold and the special days of the month.
    history
        Order history; its fluctuation is measured over the whole weeks before
        ``month_start``. Without it only the retailers' flags count.
    month_start
        The first day of the planned month.

    Raises
    ------
    ValueError
        If ``month_start`` is not the first day of a month.
    InputError
        Naming every retailer whose class the rules do not define.
    """
    if month_start.day != 1:
        msg = f"Expected month_start on the first day of a month, got {month_start}."
        raise ValueError(msg)
    _check_classes(retailers, rules)
    measures = _measures(retailers, history, month_start, month_rules.fluctuation_weeks)
    return tuple(
        _demand(retailer, rules, month_rules, measures.get(retailer.id)) for retailer in retailers
    )


def unknown_history_ids(history: OrderHistory, retailers: Sequence[Retailer]) -> tuple[str, ...]:
    """Return the ids with orders in ``history`` but not among ``retailers``, sorted."""
    known = {retailer.id for retailer in retailers}
    return tuple(sorted(set(history.retailer_ids) - known))


class _Measure(NamedTuple):
    """A retailer's fluctuation measure: the CV (``None`` if not measured) and its weeks."""

    cv: float | None
    weeks: int


def _check_classes(retailers: Sequence[Retailer], rules: Rules) -> None:
    problems = [
        Problem(
            source="rules",
            field="class",
            message=(
                f"retailer {retailer.id!r} has class {retailer.retailer_class!r}, which the "
                f"rules do not define; use one of {', '.join(rules.classes)} or define it "
                "in a --rules file"
            ),
        )
        for retailer in retailers
        if retailer.retailer_class not in rules.classes
    ]
    if problems:
        raise InputError(problems)


def _measures(
    retailers: Sequence[Retailer], history: OrderHistory | None, end: dt.date, weeks: int
) -> dict[str, _Measure]:
    """Return each retailer's measure; empty without a history."""
    if history is None:
        return {}
    cvs = fluctuation(history, end=end, weeks=weeks)
    return {
        retailer.id: _Measure(
            cvs.get(retailer.id), measured_weeks(history, retailer.id, end=end, weeks=weeks)
        )
        for retailer in retailers
    }


def _demand(
    retailer: Retailer, rules: Rules, month_rules: MonthRules, measure: _Measure | None
) -> VisitDemand:
    cv = None if measure is None else measure.cv
    fluctuating = retailer.fluctuating or (cv is not None and cv > month_rules.fluctuation_cv)
    reasons = [
        _visits_reason(retailer, rules),
        *_fluctuation_reasons(retailer, month_rules, measure),
        *_day_reasons(retailer, month_rules, fluctuating=fluctuating),
    ]
    return VisitDemand(
        retailer_id=retailer.id,
        visits=_visits(retailer, rules),
        fluctuating=fluctuating,
        fluctuation_cv=cv,
        enterprise=retailer.enterprise,
        forecast_sample=retailer.forecast_sample,
        must_visit=retailer.must_visit,
        reasons=tuple(reasons),
    )


def _visits(retailer: Retailer, rules: Rules) -> int:
    if retailer.visits_per_month is not None:
        return retailer.visits_per_month
    return rules.classes[retailer.retailer_class].visits_per_month


def _visits_reason(retailer: Retailer, rules: Rules) -> str:
    klass = rules.classes[retailer.retailer_class]
    if retailer.visits_per_month is None:
        return f"{klass.visits_per_month} visits a month: class {klass.name}"
    return (
        f"{retailer.visits_per_month} visits a month: the retailer's own visits_per_month "
        f"(class {klass.name} has {klass.visits_per_month})"
    )


def _fluctuation_reasons(
    retailer: Retailer, month_rules: MonthRules, measure: _Measure | None
) -> list[str]:
    reasons = ["flagged fluctuating (波动大) in the retailer file"] if retailer.fluctuating else []
    if measure is None:
        return reasons
    if measure.cv is None:
        return [*reasons, _unmeasured(measure.weeks)]
    threshold = month_rules.fluctuation_cv
    above = measure.cv > threshold
    word, relation = ("fluctuate", ">") if above else ("steady", "<=")
    over = f"CV {measure.cv:.2f} over {measure.weeks} weeks {relation} {threshold:g}"
    return [*reasons, f"orders {word}: {over}"]


def _unmeasured(weeks: int) -> str:
    if weeks == 0:
        return "no orders in the history before the month; fluctuation not measured"
    return (
        f"orders over only {weeks} weeks (fewer than {MIN_FLUCTUATION_WEEKS}); "
        "fluctuation not measured"
    )


def _day_reasons(retailer: Retailer, month_rules: MonthRules, *, fluctuating: bool) -> list[str]:
    reasons = []
    if retailer.enterprise:
        reasons.append("enterprise-level account (企业级客户)")
    if fluctuating or retailer.enterprise:
        reasons.append(f"priority group: a visit on days {_days(month_rules.priority_days)}")
    if retailer.forecast_sample:
        days = _days(month_rules.forecast_days)
        reasons.append(f"demand-forecast sample (需求预测样本): a visit on days {days}")
    if retailer.must_visit:
        reasons.append("must visit: never dropped")
    return reasons


def _days(days: tuple[int, int]) -> str:
    return f"{days[0]}-{days[1]}"
