"""The working days of a month and its phases (月度工作要点).

A customer manager works Monday to Friday, except on Chinese public holidays, and also on
the official make-up working days (调休, often a Saturday or Sunday next to a holiday).
:func:`working_calendar` builds a month's :class:`WorkCalendar` from the packaged
arrangement (see :mod:`territory.holidays_cn`), then applies the user's calendar file
(:func:`read_calendar_overrides`), which wins over every package.

The month has three phases by calendar date (:class:`Phase`): days 1-5 gather the demand
forecast, days 6-10 give priority to fluctuating and enterprise-level retailers, and the
rest of the month is normal visiting. On the last working day the manager plans the next
month (:func:`plan_month_for`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from territory.calendar_overrides import CalendarOverrides, read_calendar_overrides
from territory.holidays_cn import is_weekend, month_days, package_month

__all__ = [
    "CalendarOverrides",
    "Phase",
    "WorkCalendar",
    "last_working_day",
    "next_month",
    "phase_of",
    "plan_month_for",
    "read_calendar_overrides",
    "working_calendar",
]

logger = logging.getLogger(__name__)

DEFAULT_FORECAST_DAYS = (1, 5)
DEFAULT_PRIORITY_DAYS = (6, 10)

_USER_OFF = "休息 / day off (calendar file)"
_USER_WORK = "上班 / extra working day (calendar file)"

Dated = tuple[tuple[date, str], ...]


class Phase(StrEnum):
    """The phase of the month a day belongs to, by its calendar date."""

    FORECAST = "forecast"
    """Days 1-5: normal visits, and information for the total demand forecast (总量预测)."""
    PRIORITY = "priority"
    """Days 6-10: priority to fluctuating (波动大) and enterprise-level (企业级) retailers."""
    NORMAL = "normal"
    """Day 11 to the month's end: normal visits."""

    @property
    def label_zh(self) -> str:
        """Return the phase's Chinese label."""
        return {"forecast": "总量预测", "priority": "个体预测调整", "normal": "正常拜访"}[
            self.value
        ]


def phase_of(
    day: date,
    *,
    forecast_days: tuple[int, int] = DEFAULT_FORECAST_DAYS,
    priority_days: tuple[int, int] = DEFAULT_PRIORITY_DAYS,
) -> Phase:
    """Return the phase of the month that ``day`` falls in, by its day of the month.

    Parameters
    ----------
    day
        Any date.
    forecast_days
        First and last day of the month (inclusive) of :attr:`Phase.FORECAST`.
    priority_days
        First and last day of the month (inclusive) of :attr:`Phase.PRIORITY`.

    Raises
    ------
    ValueError
        If a range is empty, outside 1-31, or the two ranges overlap.
    """
    _check_ranges(forecast_days, priority_days)
    if forecast_days[0] <= day.day <= forecast_days[1]:
        return Phase.FORECAST
    if priority_days[0] <= day.day <= priority_days[1]:
        return Phase.PRIORITY
    return Phase.NORMAL


def _check_ranges(forecast_days: tuple[int, int], priority_days: tuple[int, int]) -> None:
    for name, (first, last) in (("forecast", forecast_days), ("priority", priority_days)):
        if not 1 <= first <= last <= 31:
            msg = f"Expected 1 <= first <= last <= 31 for the {name} days, got {(first, last)}."
            raise ValueError(msg)
    if forecast_days[0] <= priority_days[1] and priority_days[0] <= forecast_days[1]:
        msg = f"Expected forecast days {forecast_days} and priority days {priority_days} apart."
        raise ValueError(msg)


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkCalendar:
    """The working days of one month, and why the others are not worked.

    Parameters
    ----------
    year, month
        The month.
    working_days
        Every day worked, sorted.
    days_off
        Days that would be worked by the weekday rule (or as make-up days) but are not:
        public holidays on Monday-Friday and the user's leave, each with its name
        (``"春节 / Spring Festival"``), sorted.
    extra_working_days
        Saturdays, Sundays and holidays that are worked: official make-up days (调休) and
        the user's extra working days, with their names, sorted.
    warnings
        What the user must check, for example make-up working days that no package knows.
    source
        Where the facts come from: a package and its version, plus the user file if any.
    """

    year: int
    month: int
    working_days: tuple[date, ...]
    days_off: Dated = ()
    extra_working_days: Dated = ()
    warnings: tuple[str, ...] = ()
    source: str = "weekdays"

    def __post_init__(self) -> None:
        days = set(month_days(self.year, self.month))  # checks year and month
        _check_dates("working_days", self.working_days, days)
        _check_dates("days_off", tuple(day for day, _ in self.days_off), days)
        _check_dates("extra_working_days", tuple(day for day, _ in self.extra_working_days), days)
        worked = set(self.working_days)
        if any(day in worked for day, _ in self.days_off):
            msg = "Expected no day both in working_days and days_off."
            raise ValueError(msg)
        if any(day not in worked for day, _ in self.extra_working_days):
            msg = "Expected every extra working day in working_days."
            raise ValueError(msg)

    def is_working(self, day: date) -> bool:
        """Return whether ``day`` is a working day of this month."""
        return day in self.working_days

    def days_in(
        self,
        phase: Phase,
        *,
        forecast_days: tuple[int, int] = DEFAULT_FORECAST_DAYS,
        priority_days: tuple[int, int] = DEFAULT_PRIORITY_DAYS,
    ) -> tuple[date, ...]:
        """Return the working days of ``phase`` (see :func:`phase_of` for the ranges)."""
        ranges = {"forecast_days": forecast_days, "priority_days": priority_days}
        return tuple(day for day in self.working_days if phase_of(day, **ranges) is phase)


def _check_dates(name: str, dates: tuple[date, ...], month: set[date]) -> None:
    if list(dates) != sorted(set(dates)):
        msg = f"Expected {name} sorted and without repeats."
        raise ValueError(msg)
    if not month.issuperset(dates):
        msg = f"Expected every date of {name} in the calendar's month."
        raise ValueError(msg)


def working_calendar(
    year: int, month: int, *, overrides: CalendarOverrides | None = None
) -> WorkCalendar:
    """Return the working days of a month: Monday-Friday, less holidays, plus make-up days.

    Parameters
    ----------
    year, month
        The month.
    overrides
        The user's days off and extra working days (:func:`read_calendar_overrides`); they
        win over every package.

    Returns
    -------
    WorkCalendar
        With a warning when the year's make-up working days are unknown (the holidays are
        then computed by rule): the user should add them to a calendar file.
    """
    facts = package_month(year, month)
    days_off = dict(facts.days_off)
    extra = dict(facts.make_up_days)
    worked = {day for day in month_days(year, month) if not is_weekend(day)} - set(days_off)
    worked |= set(extra)
    source = facts.source
    if overrides is not None:
        _apply(overrides.in_month(year, month), worked, days_off, extra)
        source = f"{source} + user file {overrides.source}"
    for warning in facts.warnings:
        logger.info("%d-%02d: %s", year, month, warning)
    return WorkCalendar(
        year=year,
        month=month,
        working_days=tuple(sorted(worked)),
        days_off=tuple(sorted(days_off.items())),
        extra_working_days=tuple(sorted(extra.items())),
        warnings=facts.warnings,
        source=source,
    )


def _apply(
    overrides: CalendarOverrides,
    worked: set[date],
    days_off: dict[date, str],
    extra: dict[date, str],
) -> None:
    """Apply the user's days to the package's, in place: the user wins."""
    for day, note in overrides.off:
        if day not in worked:
            logger.debug("%s: %s is not a working day anyway", overrides.source, day)
            continue
        worked.discard(day)
        extra.pop(day, None)
        days_off[day] = note or _USER_OFF
    for day, note in overrides.work:
        if day in worked:
            logger.debug("%s: %s is a working day anyway", overrides.source, day)
            continue
        worked.add(day)
        days_off.pop(day, None)
        extra[day] = note or _USER_WORK


def last_working_day(calendar: WorkCalendar) -> date:
    """Return the month's last working day, when next month's visit plan is filled in.

    Raises
    ------
    ValueError
        If the month has no working day.
    """
    if not calendar.working_days:
        msg = f"{calendar.year}-{calendar.month:02d} has no working day; check the calendar file."
        raise ValueError(msg)
    return calendar.working_days[-1]


def next_month(today: date) -> tuple[int, int]:
    """Return ``(year, month)`` of the calendar month after ``today``."""
    if today.month == 12:
        return today.year + 1, 1
    return today.year, today.month + 1


def plan_month_for(today: date, *, overrides: CalendarOverrides | None = None) -> WorkCalendar:
    """Return the calendar of the month to plan on ``today``: the month after it.

    The plan is filled in on the last working day of a month for the next calendar month;
    planning earlier (or later in the month) still plans the month after ``today``.
    """
    year, month = next_month(today)
    return working_calendar(year, month, overrides=overrides)
