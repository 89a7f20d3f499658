"""What is wrong with a user's rules file, checked against the defaults before anything is read.

A typo or a value of the wrong kind in a rules file must never be ignored or turned into a
surprise: ``min_visit_urban = 40`` would leave the quota at 30, and ``min_visits_urban =
30.5`` would silently become 30. Each problem names the setting and shows the default.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from routing.errors import Problem

#: Tables whose keys are names a user may add (a class, a mode, a road class's speed).
OPEN_TABLES = frozenset({"classes", "modes", "speeds_kph"})

#: Settings that count things, so a fraction is a mistake rather than a finer figure.
WHOLE_NUMBERS = frozenset(
    {
        "min_visits_urban",
        "min_visits_rural",
        "visits_per_month",
        "priority",
        "min_gap_working_days",
        "fluctuation_weeks",
    }
)

#: Settings a new class or mode may leave out: the code has a default for them.
OPTIONAL_IN_NEW = frozenset({"label_zh", "oneway", "enabled"})

_KINDS: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (bool, "true or false"),
    ((int, float), "a number"),
    (str, "text in quotes"),
    (list, "a list"),
    (Mapping, "a table"),
)

_HINT = "compare with the defaults in routing/rules.toml"


def rules_file_problems(
    defaults: Mapping[str, Any], user: Mapping[str, Any], source: str
) -> list[Problem]:
    """Return every unknown setting and every value of the wrong kind in ``user``.

    Parameters
    ----------
    defaults
        The default configuration (``routing/rules.toml``), the reference for names and kinds.
    user
        The parsed user file.
    source
        The user file's name, for the problems.
    """
    return _problems(defaults, defaults, user, source, at="")


def _problems(
    root: Mapping[str, Any],
    defaults: Mapping[str, Any],
    user: Mapping[str, Any],
    source: str,
    at: str,
) -> list[Problem]:
    problems: list[Problem] = []
    table = at.rstrip(".").rpartition(".")[2]
    for key, value in user.items():
        dotted = f"{at}{key}"
        if key in defaults:
            template = defaults[key]
        elif table in OPEN_TABLES:
            # A new class, mode or speed takes the shape of the names already there.
            template = next(iter(defaults.values()), None)
            if template is None:
                continue
        else:
            problems.append(_unknown(root, source, dotted))
            continue
        problem = _wrong_kind(template, value, source, dotted)
        if problem is not None:
            problems.append(problem)
            continue
        if key not in defaults and isinstance(value, Mapping):
            problems += _missing(template, value, source, dotted)
        if isinstance(value, Mapping):
            problems += _problems(root, template, value, source, f"{dotted}.")
    return problems


def _missing(
    template: Mapping[str, Any], new: Mapping[str, Any], source: str, dotted: str
) -> list[Problem]:
    """Return a problem for each setting a new class or mode leaves out but needs."""
    return [
        Problem(
            source=source,
            field=f"{dotted}.{key}",
            message=(
                f"missing: a new [{dotted}] needs it like the others "
                f"(e.g. {_toml(template[key])}); {_HINT}"
            ),
        )
        for key in template
        if key not in new and key not in OPTIONAL_IN_NEW
    ]


def _unknown(root: Mapping[str, Any], source: str, dotted: str) -> Problem:
    key = dotted.rpartition(".")[2]
    homes = [
        f"[{name}]" for name, table in root.items() if isinstance(table, Mapping) and key in table
    ]
    hint = f"put it under {' or '.join(homes)}" if homes else "check its spelling"
    return Problem(source=source, field=dotted, message=f"unknown setting; {hint} ({_HINT})")


def _wrong_kind(template: Any, value: Any, source: str, dotted: str) -> Problem | None:
    expected = _kind(template)
    if dotted.rpartition(".")[2] in WHOLE_NUMBERS and expected == "a number":
        expected = "a whole number"
    if _kind(value, whole=expected == "a whole number") == expected:
        return None
    example = "a [table]" if isinstance(template, Mapping) else f"e.g. {_toml(template)}"
    message = f"must be {expected} ({example}), not {_toml(value)}; {_HINT}"
    return Problem(source=source, field=dotted, message=message)


def _kind(value: Any, *, whole: bool = False) -> str:
    # bool before numbers: TOML's true is a Python int too.
    kind = next((name for types, name in _KINDS if isinstance(value, types)), "")
    if kind == "a number" and whole and float(value).is_integer():
        return "a whole number"
    return kind or type(value).__name__


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list):
        return f"[{_toml(value[0])}, ...]" if value else "[]"
    return repr(value)
