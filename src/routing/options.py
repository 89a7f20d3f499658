"""Parsing of command-line values into checked inputs (errors name the option)."""

from __future__ import annotations

from datetime import date

from routing.errors import InputError, Problem

#: Exit code of ``visitplan check`` when the plan breaks a rule.
EXIT_VIOLATIONS = 4


def parse_lon_lat(text: str, *, option: str = "--office") -> tuple[float, float]:
    """Return ``(lon, lat)`` from ``"LON,LAT"``.

    Raises
    ------
    InputError
        If the text is not two numbers in range.
    """
    parts = text.replace("，", ",").split(",")
    try:
        lon, lat = (float(part) for part in parts)
    except ValueError:
        msg = f"expected LON,LAT in WGS-84 (e.g. 121.4737,31.2304), got {text!r}"
        raise InputError([Problem(source=option, message=msg)]) from None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        msg = f"{text!r} is out of range: longitude first (-180..180), then latitude (-90..90)"
        raise InputError([Problem(source=option, message=msg)])
    return lon, lat


def parse_date(text: str | None, *, option: str = "--date") -> date:
    """Return the date of ``YYYY-MM-DD`` (today when ``None``)."""
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        msg = f"expected a date as YYYY-MM-DD, got {text!r}"
        raise InputError([Problem(source=option, message=msg)]) from None
