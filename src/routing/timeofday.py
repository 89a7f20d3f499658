"""Times of day as integer seconds since midnight, the unit used everywhere inside."""

from __future__ import annotations

import re

_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$")
SECONDS_PER_DAY = 24 * 3600


def parse_clock(text: str) -> int:
    """Return the seconds since midnight of ``HH:MM`` or ``HH:MM:SS``.

    Raises
    ------
    ValueError
        If the text is not a clock time within one day.
    """
    match = _CLOCK.match(text)
    if match is None:
        msg = f"Expected a time of day as HH:MM or HH:MM:SS, got {text!r}."
        raise ValueError(msg)
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    if minutes > 59 or seconds > 59 or hours * 3600 + minutes * 60 + seconds > SECONDS_PER_DAY:
        msg = f"Expected a time of day between 00:00 and 24:00, got {text!r}."
        raise ValueError(msg)
    return hours * 3600 + minutes * 60 + seconds


def format_clock(seconds: int) -> str:
    """Return ``HH:MM:SS`` for seconds since midnight (``HH:MM`` when the seconds are 0)."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if secs:
        return f"{hours:02d}:{minutes:02d}:{secs:02d}"
    return f"{hours:02d}:{minutes:02d}"
