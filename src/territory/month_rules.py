"""The month plan's rules: the ``[month]`` section of the rules file, checked once.

The figures live beside the day's rules in ``routing/rules.toml`` (a user's ``--rules``
file overrides any of them), so that every rule stays in one file.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from routing.errors import InputError, Problem
from routing.rules import load_config
from territory.orders import MIN_FLUCTUATION_WEEKS

_SECTION = "month"
_DEFAULTS = "routing/rules.toml"
_DAY_RANGES = ("forecast_days", "priority_days")


@dataclass(frozen=True, slots=True, kw_only=True)
class MonthRules:
    """The figures the month planner obeys.

    Parameters
    ----------
    min_gap_working_days
        At least this many working days between two visits of one retailer (1 allows
        visits on consecutive working days, never two on one day).
    fluctuation_weeks
        Weeks of order history over which fluctuation is measured (at least
        :data:`~territory.orders.MIN_FLUCTUATION_WEEKS`).
    fluctuation_cv
        Coefficient of variation of weekly orders above which a retailer's orders
        fluctuate strongly (波动大).
    forecast_days
        First and last day of the month (inclusive) for demand-forecast samples.
    priority_days
        First and last day of the month (inclusive) for fluctuating and enterprise-level
        retailers.
    """

    min_gap_working_days: int
    fluctuation_weeks: int
    fluctuation_cv: float
    forecast_days: tuple[int, int]
    priority_days: tuple[int, int]

    def __post_init__(self) -> None:
        problems = _value_problems(asdict(self))
        if problems:
            msg = "; ".join(f"{key}: {message}" for key, message in problems)
            raise ValueError(msg)


def load_month_rules(path: Path | None = None) -> MonthRules:
    """Return the month rules: the defaults, overridden by the TOML file at ``path``.

    Raises
    ------
    InputError
        Naming the rules file and every bad key, if the file cannot be read or a value
        is of the wrong kind or out of range.
    """
    config = load_config(path)
    source = _DEFAULTS if path is None else str(path)
    section = config.get(_SECTION)
    if not isinstance(section, Mapping):
        msg = f"[{_SECTION}] must be a table of keys; compare with the defaults in {_DEFAULTS}"
        raise InputError([Problem(source=source, field=_SECTION, message=msg)])
    values, problems = _parse(section)
    problems += _value_problems(values) if not problems else []
    if problems:
        raise InputError(
            [
                Problem(source=source, field=f"{_SECTION}.{key}", message=message)
                for key, message in problems
            ]
        )
    return MonthRules(**values)


def _parse(section: Mapping[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Return the typed values of ``section`` and ``(key, message)`` for each bad one."""
    parsers = {
        "min_gap_working_days": _integer,
        "fluctuation_weeks": _integer,
        "fluctuation_cv": _number,
        **dict.fromkeys(_DAY_RANGES, _day_range),
    }
    values: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for key, parser in parsers.items():
        if key not in section:
            problems.append((key, f"missing; add it (see the defaults in {_DEFAULTS})"))
            continue
        try:
            values[key] = parser(section[key])
        except TypeError as error:
            problems.append((key, str(error)))
    return values, problems


def _integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"{value!r} is not a whole number; write e.g. 3"
        raise TypeError(msg)
    return value


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"{value!r} is not a number; write e.g. 0.5"
        raise TypeError(msg)
    return float(value)


def _day_range(value: Any) -> tuple[int, int]:
    if not isinstance(value, list | tuple) or len(value) != 2:
        msg = f"{value!r} is not a pair of days; write [first, last], e.g. [6, 10]"
        raise TypeError(msg)
    first, last = (_integer(day) for day in value)
    return first, last


def _value_problems(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Return ``(key, message)`` for each value out of range."""
    problems = []
    if values["min_gap_working_days"] < 1:
        msg = "must be at least 1 (1 allows visits on consecutive working days)"
        problems.append(("min_gap_working_days", msg))
    if values["fluctuation_weeks"] < MIN_FLUCTUATION_WEEKS:
        msg = (
            f"must be at least {MIN_FLUCTUATION_WEEKS}: a shorter history gives no "
            "fluctuation measure, e.g. 8"
        )
        problems.append(("fluctuation_weeks", msg))
    cv = values["fluctuation_cv"]
    if not (math.isfinite(cv) and cv > 0):
        problems.append(("fluctuation_cv", "must be a positive number, e.g. 0.5"))
    for key in _DAY_RANGES:
        first, last = values[key]
        if not 1 <= first <= last <= 31:
            msg = f"[{first}, {last}] must be days of a month with first <= last, e.g. [1, 5]"
            problems.append((key, msg))
    return problems
