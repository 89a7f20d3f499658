"""The working rules in one place: defaults from ``rules.toml``, overridable by a user file.

Everything is converted once, here, to integers (seconds, metres) for the layers below.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from routing.errors import InputError, Problem
from routing.rules_file import rules_file_problems
from routing.timeofday import parse_clock

_DEFAULTS = "rules.toml"


@dataclass(frozen=True, slots=True, kw_only=True)
class LunchRule:
    """A lunch break taken on the way: it must start within a window and last a fixed time."""

    earliest_start_s: int
    latest_start_s: int
    duration_s: int

    def __post_init__(self) -> None:
        if not 0 <= self.earliest_start_s <= self.latest_start_s:
            msg = "Expected lunch earliest_start <= latest_start."
            raise ValueError(msg)
        if self.duration_s <= 0:
            msg = "Expected a positive lunch duration."
            raise ValueError(msg)


@dataclass(frozen=True, slots=True, kw_only=True)
class RetailerClass:
    """A retailer class (档位/级别): how often it is visited and how it ranks on a full day."""

    name: str
    visits_per_month: int
    priority: int

    def __post_init__(self) -> None:
        if self.visits_per_month < 0 or self.priority < 0:
            msg = f"Expected non-negative visits_per_month and priority for class {self.name!r}."
            raise ValueError(msg)


@dataclass(frozen=True, slots=True, kw_only=True)
class TravelMode:
    """How a customer manager moves: usable road classes and speeds.

    Parameters
    ----------
    name
        ``ebike``, ``motorcycle``, ``bicycle``, ``walk`` or ``car`` (or a user-defined one).
    label_zh
        Chinese label shown on schedules and maps.
    default_kph
        Speed on a road class that ``speeds_kph`` does not list.
    speeds_kph
        Speed per OSM ``highway`` class.
    excluded
        OSM ``highway`` classes this mode never uses.
    oneway
        Whether one-way streets bind this mode (walking ignores them).
    """

    name: str
    label_zh: str
    default_kph: float
    speeds_kph: Mapping[str, float]
    excluded: frozenset[str]
    oneway: bool = True

    def __post_init__(self) -> None:
        speeds = [self.default_kph, *self.speeds_kph.values()]
        if any(speed <= 0 for speed in speeds):
            msg = f"Expected positive speeds for travel mode {self.name!r}."
            raise ValueError(msg)

    def speed_kph(self, highway: str) -> float:
        """Return the speed on a road of OSM class ``highway``."""
        return float(self.speeds_kph.get(highway, self.default_kph))


@dataclass(frozen=True, slots=True, kw_only=True)
class Rules:
    """Every figure the planner and the checker obey. Times are seconds since midnight."""

    min_visits_urban: int
    min_visits_rural: int
    service_s: int
    depart_office_after_s: int
    first_visit_by_s: int
    field_end_s: int
    office_return_by_s: int
    min_field_s: int
    lunch: LunchRule | None
    max_snap_distance_m: int
    straight_line_detour: float
    classes: Mapping[str, RetailerClass]
    modes: Mapping[str, TravelMode] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        order = [self.depart_office_after_s, self.first_visit_by_s, self.field_end_s]
        if order != sorted(order) or self.field_end_s > self.office_return_by_s:
            msg = (
                "Expected depart_office_after <= first_visit_by <= field_end <= office_return_by."
            )
            raise ValueError(msg)
        if self.service_s <= 0:
            msg = "Expected a positive service time."
            raise ValueError(msg)
        if min(self.min_visits_urban, self.min_visits_rural) < 0:
            msg = "Expected non-negative daily visit quotas."
            raise ValueError(msg)
        if self.straight_line_detour < 1:
            msg = "Expected straight_line_detour >= 1."
            raise ValueError(msg)
        if not self.classes:
            msg = "Expected at least one retailer class."
            raise ValueError(msg)

    def quota(self, area: str) -> int:
        """Return the minimum number of visits on a day of ``area`` (``urban``/``rural``)."""
        return self.min_visits_rural if area == "rural" else self.min_visits_urban

    def mode(self, name: str) -> TravelMode:
        """Return the travel mode called ``name``.

        Raises
        ------
        InputError
            If no such mode is configured.
        """
        if name not in self.modes:
            known = ", ".join(sorted(self.modes))
            msg = f"unknown travel mode {name!r}; use one of: {known}"
            raise InputError([Problem(source="--mode", message=msg)])
        return self.modes[name]


def load_config(path: Path | None = None) -> dict[str, Any]:
    """Return the raw rules configuration: the defaults, overridden by the file at ``path``.

    Other layers (the month planner) read their own sections from it, so that every rule
    stays in one file.

    Raises
    ------
    InputError
        If the file cannot be read, is not valid TOML, or names a setting the defaults do
        not know, gives one a value of the wrong kind or adds a class or mode without
        every setting it needs (each named, with the default to compare).
    """
    text = resources.files("routing").joinpath(_DEFAULTS).read_text(encoding="utf-8")
    config = tomllib.loads(text)
    if path is None:
        return config
    try:
        user = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        msg = f"cannot read the rules file ({error}); fix the TOML syntax or the path"
        raise InputError([Problem(source=str(path), message=msg)]) from error
    problems = rules_file_problems(config, user, str(path))
    if problems:
        raise InputError(problems)
    return _merge(config, user)


def load_rules(path: Path | None = None) -> Rules:
    """Return the default rules, overridden by the TOML file at ``path`` if given.

    Raises
    ------
    InputError
        If the file cannot be read or a value is of the wrong kind.
    """
    config = load_config(path)
    source = _DEFAULTS if path is None else str(path)
    try:
        return _rules_from_config(config)
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        msg = f"invalid rules ({error}); compare with the defaults in routing/rules.toml"
        raise InputError([Problem(source=source, message=msg)]) from error


def _merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _rules_from_config(config: Mapping[str, Any]) -> Rules:
    day = config["day"]
    return Rules(
        min_visits_urban=int(day["min_visits_urban"]),
        min_visits_rural=int(day["min_visits_rural"]),
        service_s=round(float(day["service_min"]) * 60),
        depart_office_after_s=parse_clock(day["depart_office_after"]),
        first_visit_by_s=parse_clock(day["first_visit_by"]),
        field_end_s=parse_clock(day["field_end"]),
        office_return_by_s=parse_clock(day["office_return_by"]),
        min_field_s=round(float(day["min_field_min"]) * 60),
        lunch=_lunch_from_config(config["lunch"]),
        max_snap_distance_m=int(config["network"]["max_snap_distance_m"]),
        straight_line_detour=float(config["network"]["straight_line_detour"]),
        classes=MappingProxyType(
            {
                str(name): RetailerClass(
                    name=str(name),
                    visits_per_month=int(spec["visits_per_month"]),
                    priority=int(spec["priority"]),
                )
                for name, spec in config["classes"].items()
            }
        ),
        modes=MappingProxyType(
            {
                str(name): _mode_from_config(str(name), spec)
                for name, spec in config["modes"].items()
            }
        ),
    )


def _lunch_from_config(spec: Mapping[str, Any]) -> LunchRule | None:
    if not spec.get("enabled", True):
        return None
    return LunchRule(
        earliest_start_s=parse_clock(spec["earliest_start"]),
        latest_start_s=parse_clock(spec["latest_start"]),
        duration_s=round(float(spec["duration_min"]) * 60),
    )


def _mode_from_config(name: str, spec: Mapping[str, Any]) -> TravelMode:
    if not isinstance(spec["excluded"], list):
        # A lone string would become a set of letters and let the mode onto every road.
        msg = f'modes.{name}.excluded must be a list of road classes, e.g. ["motorway"]'
        raise TypeError(msg)
    return TravelMode(
        name=name,
        label_zh=str(spec.get("label_zh", name)),
        default_kph=float(spec["default_kph"]),
        speeds_kph=MappingProxyType({str(k): float(v) for k, v in spec["speeds_kph"].items()}),
        excluded=frozenset(str(h) for h in spec["excluded"]),
        oneway=bool(spec.get("oneway", True)),
    )
