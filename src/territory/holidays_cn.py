"""Chinese public holidays and make-up working days (调休) for one month, from the packages.

Two sources, in this order:

1. ``chinesecalendar`` (module ``chinese_calendar``): the State Council's arrangement,
   holidays *and* make-up working days, for the years it packages (2004-2026 in 1.11). A
   year outside them raises ``NotImplementedError``, and the next source is used.
2. ``holidays.China``: holidays computed by rule (with "observed" days in lieu) for any
   year. It knows a year's make-up working days only once it packages that year's
   arrangement (its ``weekend_workdays``); otherwise they are unknown and a warning says so.

Only the facts a working calendar needs are kept: the weekdays (Monday-Friday) that are
not worked and the weekend days that are. A holiday on a Saturday or Sunday changes
nothing, as that day is not worked anyway.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from importlib.metadata import PackageNotFoundError, version

import chinese_calendar
import holidays

logger = logging.getLogger(__name__)

_SATURDAY = 5
_MAKE_UP = ("调休上班", "make-up working day")
_MAKE_UP_NAME = f"{_MAKE_UP[0]} / {_MAKE_UP[1]}"

UNKNOWN_MAKE_UP_DAYS = (
    "No official {year} holiday arrangement is packaged: public holidays are computed by "
    "rule ({package}); make-up working days (调休) are unknown — add them to a calendar file "
    "(--calendar)"
)
"""Warning for a month whose year has no packaged arrangement (``str.format``: year, package)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PackageMonth:
    """What the holiday packages say about one month.

    Parameters
    ----------
    days_off
        Weekdays (Monday-Friday) of the month that are not worked, with the holiday's name
        (``"春节 / Spring Festival"``), sorted.
    make_up_days
        Saturdays and Sundays of the month that are worked (调休), with the name of the
        holiday they make up for, sorted.
    source
        Package and version the facts come from.
    warnings
        What the user must know about these facts (for example, make-up days unknown).
    """

    days_off: tuple[tuple[date, str], ...]
    make_up_days: tuple[tuple[date, str], ...]
    source: str
    warnings: tuple[str, ...] = ()


def month_days(year: int, month: int) -> tuple[date, ...]:
    """Return every date of the month, in order.

    Raises
    ------
    ValueError
        If the year or month does not exist.
    """
    first = date(year, month, 1)
    days = (first + timedelta(days=offset) for offset in range(31))
    return tuple(day for day in days if day.month == month)


def is_weekend(day: date) -> bool:
    """Return whether ``day`` is a Saturday or a Sunday."""
    return day.weekday() >= _SATURDAY


def package_month(year: int, month: int) -> PackageMonth:
    """Return the month's holidays and make-up days from the best package that has them.

    ``chinesecalendar`` (official) for the years it packages, else ``holidays.China``.
    """
    official = official_month(year, month)
    return official if official is not None else rule_based_month(year, month)


def official_month(year: int, month: int) -> PackageMonth | None:
    """Return the official arrangement from ``chinesecalendar`` (``None`` if it lacks the year)."""
    days = month_days(year, month)
    try:
        chinese_calendar.is_workday(days[0])
    except NotImplementedError as error:
        logger.info("chinesecalendar has no data for %d: %s", year, error)
        return None
    days_off: list[tuple[date, str]] = []
    make_up: list[tuple[date, str]] = []
    for day in days:
        worked = bool(chinese_calendar.is_workday(day))
        if worked == is_weekend(day):
            name = _chinesecalendar_name(day)
            (make_up if worked else days_off).append((day, name))
    return PackageMonth(
        days_off=tuple(days_off),
        make_up_days=tuple(make_up),
        source=f"chinesecalendar {_version('chinesecalendar')}",
    )


def _chinesecalendar_name(day: date) -> str:
    _, english = chinese_calendar.get_holiday_detail(day)
    if english is None:
        return "休息日 / day off"
    try:
        chinese = str(chinese_calendar.Holiday(english).chinese)
    except ValueError:
        chinese = str(english)
    if chinese_calendar.is_workday(day):
        return f"{chinese}{_MAKE_UP[0]} / {english} {_MAKE_UP[1]}"
    return f"{chinese} / {english}"


def rule_based_month(year: int, month: int) -> PackageMonth:
    """Return the month from ``holidays.China``: rule-based holidays, known make-up days.

    A warning is added when the package knows no make-up working day in ``year``: then
    its arrangement for the year is the rule, not the State Council's notice.
    """
    years = {year - 1, year, year + 1}  # make-up days may lie in the neighbouring year
    chinese = holidays.country_holidays("CN", years=years, language="zh_CN")
    english = holidays.country_holidays("CN", years=years, language="en_US")
    days = month_days(year, month)
    days_off = tuple(
        (day, f"{chinese[day]} / {english[day]}")
        for day in days
        if day in english and not is_weekend(day)
    )
    make_up_all = {day for day in english.weekend_workdays if is_weekend(day)}
    make_up = tuple((day, _MAKE_UP_NAME) for day in days if day in make_up_all)
    package = f"holidays {_version('holidays')}"
    source = f"{package} (holidays.China)"
    warnings: tuple[str, ...] = ()
    if not any(day.year == year for day in make_up_all):
        source = f"{package} (holidays.China, rule-based)"
        warnings = (UNKNOWN_MAKE_UP_DAYS.format(year=year, package=f"{package}, holidays.China"),)
    return PackageMonth(days_off=days_off, make_up_days=make_up, source=source, warnings=warnings)


def _version(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "(version unknown)"
