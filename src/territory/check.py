"""The month's rules (月度工作要点) as a check of a month plan, run by ``visitplan check``.

:func:`check_month_plan` is registered under the ``visitplan.checks`` entry-point group, so
``routing`` runs it without importing ``territory``. A plan is a month plan when its extra
fields hold ``"month": "YYYY-MM"``; any other plan (a day plan) passes untouched. The rules:

``spacing``
    Two visits of one retailer at least ``min_gap_working_days`` working days apart
    (two visits on one day are ``duplicate_visit``, reported by the day checker).
``priority_days``
    Every fluctuating (波动大) or enterprise-level (企业级) retailer, and every retailer the
    plan's ``obligations`` owe ``"priority_days"``, visited on a working day dated 6-10.
``forecast_days``
    Every demand-forecast sample, and every retailer owed ``"forecast_days"``, visited on
    a working day dated 1-5.
``working_day``
    Every day of the plan a working day of the recorded calendar, inside the plan's month.

Working days are the plan's recorded ``calendar.working_days``, or else its own days. A
missing window visit is excused by an ``unplanned`` entry for the retailer with a reason,
undated or dated inside the window. A window with no working day at all (days 6-10 of a
Spring Festival month) cannot be kept, so its rule is waived and the waiver logged.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any, TypeVar

from routing.checker import Violation
from routing.errors import InputError, Problem
from routing.plan import Plan, Unplanned
from routing.retailers import Retailer
from territory.month_rules import MonthRules, load_month_rules

__all__ = ["MonthFacts", "check_month_plan", "month_facts"]

logger = logging.getLogger(__name__)

_SOURCE = "plan file"
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True, kw_only=True)
class MonthFacts:
    """What a month plan records about its month, parsed from the plan's extra fields.

    Parameters
    ----------
    year, month
        The planned month.
    working_days
        The recorded calendar's working days, or the plan's own days when none is recorded;
        sorted.
    calendar_recorded
        Whether the plan records a calendar (``calendar.working_days``).
    obligations
        Retailer id to the windows (``"priority_days"``, ``"forecast_days"``) the planner
        owed it a visit in.
    """

    year: int
    month: int
    working_days: tuple[date, ...]
    calendar_recorded: bool
    obligations: Mapping[str, frozenset[str]]

    def working_days_between(self, first: date, last: date) -> int:
        """Return the working days after ``first`` up to and including ``last``."""
        days = self.working_days
        return bisect.bisect_right(days, last) - bisect.bisect_right(days, first)

    def label(self) -> str:
        """Return the month as ``YYYY-MM``."""
        return f"{self.year}-{self.month:02d}"


@dataclass(frozen=True, slots=True, kw_only=True)
class _Window:
    """A rule that owes some retailers a visit on a working day dated ``first``-``last``."""

    rule: str
    first: int
    last: int
    flags: Mapping[str, Callable[[Retailer], bool]]

    def holds(self, day: date) -> bool:
        return self.first <= day.day <= self.last

    def span(self) -> str:
        return f"{self.first}–{self.last}"


_PRIORITY_FLAGS: Mapping[str, Callable[[Retailer], bool]] = {
    "fluctuating (波动大)": lambda retailer: retailer.fluctuating,
    "enterprise-level (企业级)": lambda retailer: retailer.enterprise,
}
_FORECAST_FLAGS: Mapping[str, Callable[[Retailer], bool]] = {
    "forecast sample (预测样本)": lambda retailer: retailer.forecast_sample,
}
_WINDOW_RULES = ("priority_days", "forecast_days")


def check_month_plan(
    plan: Plan, retailers: Sequence[Retailer], rules_path: Path | None
) -> tuple[Violation, ...]:
    """Return every violation of the month's rules in ``plan``; ``()`` for a day plan.

    Parameters
    ----------
    plan
        Any plan; only a month plan (``"month"`` in its extra fields) is checked.
    retailers
        The retailer file the plan was made from (its flags say who is owed which window).
    rules_path
        The user's rules TOML, or ``None`` for the defaults (section ``[month]``).

    Raises
    ------
    InputError
        If the rules file is wrong, or the plan's ``month``, ``calendar`` or
        ``obligations`` fields are malformed.
    """
    facts = month_facts(plan)
    if facts is None:
        return ()
    rules = load_month_rules(rules_path)
    visits = _visits(plan)
    found = [*_working_day(plan, facts), *_spacing(visits, facts, rules)]
    for window in _windows(rules):
        found += _window(window, plan, retailers, visits, facts)
    return tuple(found)


def _windows(rules: MonthRules) -> tuple[_Window, ...]:
    (forecast_first, forecast_last), (priority_first, priority_last) = (
        rules.forecast_days,
        rules.priority_days,
    )
    return (
        _Window(
            rule="forecast_days", first=forecast_first, last=forecast_last, flags=_FORECAST_FLAGS
        ),
        _Window(
            rule="priority_days", first=priority_first, last=priority_last, flags=_PRIORITY_FLAGS
        ),
    )


def month_facts(plan: Plan) -> MonthFacts | None:
    """Return the month facts recorded in ``plan``, or ``None`` if it is not a month plan.

    Raises
    ------
    InputError
        Naming every malformed field among ``month``, ``calendar`` and ``obligations``.
    """
    extra = plan.extra
    if "month" not in extra:
        return None
    problems: list[Problem] = []
    year, month = _parsed(_month, extra["month"], (1, 1), "month", problems)
    calendar = _parsed(_calendar, extra.get("calendar"), None, "calendar", problems)
    obligations: dict[str, frozenset[str]] = _parsed(
        _obligations, extra.get("obligations"), {}, "obligations", problems
    )
    if problems:
        raise InputError(problems)
    return MonthFacts(
        year=year,
        month=month,
        working_days=calendar if calendar is not None else _plan_days(plan),
        calendar_recorded=calendar is not None,
        obligations=obligations,
    )


def _parsed(
    parse: Callable[[Any], _T], value: Any, default: _T, field: str, problems: list[Problem]
) -> _T:
    """Return ``parse(value)``; on a bad value note the problem and return ``default``."""
    try:
        return parse(value)
    except (TypeError, ValueError) as error:
        problems.append(Problem(source=_SOURCE, field=field, message=str(error)))
        return default


def _month(value: Any) -> tuple[int, int]:
    match = _MONTH.fullmatch(value) if isinstance(value, str) else None
    if match is None or not 1 <= int(match[2]) <= 12:
        msg = f'{value!r} is not a month; write "YYYY-MM", e.g. "2027-01"'
        raise ValueError(msg)
    return int(match[1]), int(match[2])


def _calendar(value: Any) -> tuple[date, ...] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        msg = f'{value!r} is not a table; write {{"working_days": ["2027-01-04", ...]}}'
        raise TypeError(msg)
    days = value.get("working_days")
    if days is None:
        return None
    if not isinstance(days, list | tuple):
        msg = f'working_days {days!r} is not a list of dates; write ["2027-01-04", ...]'
        raise TypeError(msg)
    return tuple(sorted({_date(day) for day in days}))


def _date(value: Any) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    msg = f'working day {value!r} is not a date; write "YYYY-MM-DD"'
    raise ValueError(msg)


def _obligations(value: Any) -> dict[str, frozenset[str]]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        msg = f'{value!r} is not a table; write {{"retailer id": ["priority_days"]}}'
        raise TypeError(msg)
    owed: dict[str, frozenset[str]] = {}
    for retailer_id, windows in value.items():
        if not isinstance(windows, list | tuple) or not set(windows) <= set(_WINDOW_RULES):
            msg = f"{retailer_id}: {windows!r} must list some of {list(_WINDOW_RULES)}"
            raise ValueError(msg)
        owed[str(retailer_id)] = frozenset(windows)
    return owed


def _plan_days(plan: Plan) -> tuple[date, ...]:
    return tuple(sorted({day.date for day in plan.days}))


def _visits(plan: Plan) -> dict[str, tuple[date, ...]]:
    """Return each visited retailer's distinct visit dates, sorted."""
    dates: dict[str, set[date]] = {}
    for day in plan.days:
        for stop in day.stops:
            dates.setdefault(stop.retailer_id, set()).add(day.date)
    return {retailer_id: tuple(sorted(days)) for retailer_id, days in dates.items()}


def _working_day(plan: Plan, facts: MonthFacts) -> Iterator[Violation]:
    working = set(facts.working_days)
    for day in plan.days:
        when = day.date
        if (when.year, when.month) != (facts.year, facts.month):
            message = f"{when} lies outside the plan's month {facts.label()}"
        elif facts.calendar_recorded and when not in working:
            count = len(facts.working_days)
            message = (
                f"{when} ({when:%a}) is not one of the {count} working days the plan's "
                f"calendar records for {facts.label()}"
            )
        else:
            continue
        yield Violation(rule="working_day", message=message, date=when)


def _spacing(
    visits: Mapping[str, tuple[date, ...]], facts: MonthFacts, rules: MonthRules
) -> Iterator[Violation]:
    need = rules.min_gap_working_days
    for retailer_id, dates in visits.items():
        for first, second in pairwise(dates):
            gap = facts.working_days_between(first, second)
            if gap < need:
                days = "day" if gap == 1 else "days"
                message = (
                    f"visits on {first} and {second} are {gap} working {days} apart, "
                    f"the rules ask for at least {need}"
                )
                yield Violation(
                    rule="spacing", message=message, date=second, retailer_id=retailer_id
                )


def _window(
    window: _Window,
    plan: Plan,
    retailers: Sequence[Retailer],
    visits: Mapping[str, tuple[date, ...]],
    facts: MonthFacts,
) -> Iterator[Violation]:
    owed = _owed(window, retailers, facts.obligations)
    open_days = [day for day in facts.working_days if window.holds(day)]
    if owed and not open_days:
        logger.info(
            "%s: no working day falls on days %s; %s waived for %d retailer(s)",
            facts.label(),
            window.span(),
            window.rule,
            len(owed),
        )
        return
    working = set(facts.working_days)
    for retailer_id, reasons in owed.items():
        dates = visits.get(retailer_id, ())
        if any(window.holds(day) and day in working for day in dates):
            continue
        if _excused(retailer_id, window, plan.unplanned):
            continue
        message = (
            f"{' and '.join(reasons)}, so owed a visit on a working day dated "
            f"{window.span()} ({_listed(open_days)}), but visited on {_listed(dates)}; "
            "visit it then or list it as unplanned with a reason"
        )
        yield Violation(rule=window.rule, message=message, retailer_id=retailer_id)


def _owed(
    window: _Window, retailers: Sequence[Retailer], obligations: Mapping[str, frozenset[str]]
) -> dict[str, list[str]]:
    """Return the retailers ``window`` owes a visit, each with why, in file order."""
    owed: dict[str, list[str]] = {}
    for retailer in retailers:
        reasons = [name for name, flag in window.flags.items() if flag(retailer)]
        if reasons:
            owed[retailer.id] = reasons
    for retailer_id in sorted(obligations):
        if window.rule in obligations[retailer_id]:
            owed.setdefault(retailer_id, []).append("owed by the plan's obligations")
    return owed


def _excused(retailer_id: str, window: _Window, unplanned: Sequence[Unplanned]) -> bool:
    """Return whether an unplanned entry explains the missing window visit."""
    return any(
        item.retailer_id == retailer_id
        and item.reason.strip()
        and (item.date is None or window.holds(item.date))
        for item in unplanned
    )


def _listed(dates: Sequence[date]) -> str:
    return "[" + ", ".join(day.isoformat() for day in dates) + "]" if dates else "no day"
