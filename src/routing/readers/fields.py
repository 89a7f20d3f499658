"""Parsers of one cell each: they return a value or raise :class:`FieldError` saying the fix."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable

from routing.retailers import Area, TimeWindow
from routing.timeofday import format_clock, parse_clock

_AREAS = {
    "urban": Area.URBAN,
    "城区": Area.URBAN,
    "rural": Area.RURAL,
    "农村": Area.RURAL,
    "乡村": Area.RURAL,
}
_TRUE = frozenset({"1", "true", "yes", "y", "是"})
_FALSE = frozenset({"", "0", "false", "no", "n", "否"})
_WINDOW_SEPARATORS = re.compile(r"[;；,，、\s]+")
_DASHES = "-–—~～至"
_AROUND_DASH = re.compile(rf"\s*([{_DASHES}])\s*")
_DASH = re.compile(rf"[{_DASHES}]")


class FieldError(ValueError):
    """A cell's value is wrong; the message says what and how to fix it."""


def text(raw: str) -> str:
    """Return the stripped text."""
    return raw.strip()


def required_text(raw: str, what: str, hint: str) -> str:
    """Return the stripped text, which must not be empty (else say ``hint``)."""
    value = raw.strip()
    if not value:
        msg = f"empty {what}; {hint}"
        raise FieldError(msg)
    return value


def number(raw: str, what: str, example: str) -> float:
    """Return a finite number.

    Raises
    ------
    FieldError
        If the cell is empty, ``NaN`` or not a number.
    """
    value = raw.strip()
    if not value or value.lower() in {"nan", "null", "none", "n/a", "na"}:
        msg = f"empty {what}; fill it in as a number, e.g. {example}"
        raise FieldError(msg)
    try:
        result = float(value)
    except ValueError:
        msg = f"{value!r} is not a number; give the {what} as a number, e.g. {example}"
        raise FieldError(msg) from None
    if not math.isfinite(result):
        msg = f"{value!r} is not a finite number; give the {what} as a number, e.g. {example}"
        raise FieldError(msg)
    return result


def coordinate_problems(lon: float, lat: float) -> list[tuple[str, str]]:
    """Return ``(column, message)`` for each thing wrong with a WGS-84-like lon/lat pair."""
    if lon == 0 and lat == 0:
        msg = "coordinates are (0, 0), which means they are missing; fill in the real lon/lat"
        return [("lon", msg)]
    if abs(lon) <= 90 < abs(lat) <= 180:
        msg = (
            f"latitude {lat} is out of range [-90, 90] and longitude {lon} looks like a "
            "latitude: lon and lat seem swapped; swap the two values (or the two columns)"
        )
        return [("lat", msg)]
    found = (("lon", longitude_problem(lon)), ("lat", latitude_problem(lat)))
    return [(column, message) for column, message in found if message is not None]


def longitude_problem(lon: float) -> str | None:
    """Return what is wrong with a longitude on its own, if anything."""
    if -180 <= lon <= 180:
        return None
    return f"longitude {lon} is out of range [-180, 180]; give decimal degrees, e.g. 121.4737"


def latitude_problem(lat: float) -> str | None:
    """Return what is wrong with a latitude on its own, if anything."""
    if -90 <= lat <= 90:
        return None
    return f"latitude {lat} is out of range [-90, 90]; give decimal degrees, e.g. 31.2304"


def area(raw: str) -> Area:
    """Return the market type of ``urban``/``rural``/``城区``/``农村``/``乡村``."""
    value = raw.strip()
    found = _AREAS.get(value.lower())
    if found is None:
        shown = repr(value) if value else "empty area"
        msg = f"unknown area {shown}; use urban or rural (城区 or 农村/乡村)"
        raise FieldError(msg)
    return found


def retailer_class(raw: str, known: Iterable[str]) -> str:
    """Return the class among ``known`` that ``raw`` names (case-insensitively if unique)."""
    value = raw.strip()
    names = list(known)
    if value in names:
        return value
    folded = [name for name in names if name.lower() == value.lower()]
    if len(folded) == 1:
        return folded[0]
    shown = f"unknown class {value!r}" if value else "empty class"
    msg = f"{shown}; use one of the classes in the rules: {', '.join(names)}"
    raise FieldError(msg + " (or define it in a --rules file)")


def boolean(raw: str) -> bool:
    """Return the truth of ``1/0``, ``true/false``, ``yes/no``, ``是/否``, ``y/n``; empty = no."""
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    msg = f"{raw.strip()!r} is not a yes/no value; use 1/0, true/false, yes/no, 是/否 or y/n"
    raise FieldError(msg + " (empty means no)")


def visits_per_month(raw: str) -> int | None:
    """Return a whole number of visits per month >= 0, or ``None`` when empty."""
    if not raw.strip():
        return None
    value = number(raw, "visits per month", "4")
    if not value.is_integer():
        msg = f"{raw.strip()!r} is not a whole number; give visits per month as 0, 1, 2, 4..."
        raise FieldError(msg)
    if value < 0:
        msg = f"{raw.strip()!r} is negative; give visits per month as 0 or more (empty = class)"
        raise FieldError(msg)
    return int(value)


def service_s(raw: str, minimum_s: int) -> int | None:
    """Return a service time in seconds from minutes, at least ``minimum_s``; ``None`` if empty."""
    if not raw.strip():
        return None
    minutes = number(raw, "service time in minutes", f"{minimum_s / 60:g}")
    if round(minutes * 60) < minimum_s:
        msg = (
            f"service time {raw.strip()} min is below the rule minimum of "
            f"{minimum_s / 60:g} minutes per retailer; use at least {minimum_s / 60:g} "
            "or leave it empty for the default"
        )
        raise FieldError(msg)
    return round(minutes * 60)


def clock(raw: str) -> int:
    """Return seconds since midnight of ``HH:MM`` (a full-width colon is accepted)."""
    value = raw.strip().replace("：", ":")
    try:
        return parse_clock(value)
    except ValueError:
        msg = f"{raw.strip()!r} is not a time of day; write HH:MM between 00:00 and 24:00"
        raise FieldError(msg + ", e.g. 07:30") from None


def open_close(open_raw: str, close_raw: str) -> tuple[TimeWindow, ...]:
    """Return the one window of an ``open``/``close`` pair (both empty: open all day).

    The caller checks each time with :func:`clock` first, to report both cells.
    """
    if not open_raw.strip() and not close_raw.strip():
        return ()
    start, end = clock(open_raw), clock(close_raw)
    if end <= start:
        msg = (
            f"close {format_clock(end)} is not after open {format_clock(start)}; fix the "
            "times (for a shop open past midnight use close 24:00)"
        )
        raise FieldError(msg)
    return (TimeWindow(start_s=start, end_s=end),)


def windows(raw: str) -> tuple[TimeWindow, ...]:
    """Return the sorted windows of ``07:00-12:00;14:00-22:00`` (empty: open all day)."""
    value = _AROUND_DASH.sub(r"\1", raw.strip())
    parts = [part for part in _WINDOW_SEPARATORS.split(value) if part]
    result = sorted((_window(part) for part in parts), key=lambda window: window.start_s)
    for before, after in itertools.pairwise(result):
        if after.start_s < before.end_s:
            msg = (
                f"windows {_show(before)} and {_show(after)} overlap; "
                "merge them into one window or fix the times"
            )
            raise FieldError(msg)
    return tuple(result)


def _window(part: str) -> TimeWindow:
    times = _DASH.split(part)
    try:
        if len(times) != 2:
            raise FieldError(part)
        start, end = clock(times[0]), clock(times[1])
    except FieldError:
        msg = (
            f"{part!r} is not an opening window; write HH:MM-HH:MM, several separated by ';' "
            "(e.g. 07:00-12:00;14:00-22:00)"
        )
        raise FieldError(msg) from None
    if end <= start:
        msg = (
            f"window {part!r} ends before it starts; write start-end, e.g. 07:00-22:00 "
            "(for a shop open past midnight end at 24:00)"
        )
        raise FieldError(msg)
    return TimeWindow(start_s=start, end_s=end)


def _show(window: TimeWindow) -> str:
    return f"{format_clock(window.start_s)}-{format_clock(window.end_s)}"


def show_windows(opening: Iterable[TimeWindow]) -> str:
    """Return windows as written in a file: ``07:00-12:00;14:00-22:00``."""
    return ";".join(_show(window) for window in opening)
