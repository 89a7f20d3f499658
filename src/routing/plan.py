"""The plan a user receives: days of timed stops, every retailer's visits, what was left out.

The JSON form is a contract other tools read (``schema: visitplan/plan@1``); field names
here match it. Times are seconds since midnight inside and ``HH:MM[:SS]`` in JSON.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from routing.errors import InputError, Problem
from routing.timeofday import format_clock, parse_clock

SCHEMA = "visitplan/plan@1"
CONTRACT_KEYS = frozenset(
    {"schema", "manager", "mode", "office", "days", "retailers", "unplanned"}
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Stop:
    """One visit: when the manager arrives, starts and ends, and the leg that led here."""

    retailer_id: str
    lon: float
    lat: float
    arrive_s: int
    start_s: int
    end_s: int
    travel_s: int
    travel_m: int

    def __post_init__(self) -> None:
        if not self.arrive_s <= self.start_s <= self.end_s:
            msg = f"Expected arrive <= start <= end at stop {self.retailer_id!r}."
            raise ValueError(msg)
        if self.travel_s < 0 or self.travel_m < 0:
            msg = f"Expected non-negative travel to stop {self.retailer_id!r}."
            raise ValueError(msg)


@dataclass(frozen=True, slots=True, kw_only=True)
class Lunch:
    """The lunch break, taken on the way right after stop ``after_stop`` (0 = before any)."""

    start_s: int
    end_s: int
    after_stop: int

    def __post_init__(self) -> None:
        if self.end_s <= self.start_s or self.after_stop < 0:
            msg = "Expected lunch start < end and after_stop >= 0."
            raise ValueError(msg)


@dataclass(frozen=True, slots=True, kw_only=True)
class DayPlan:
    """One working day's route from the office and back."""

    date: date
    area: str
    depart_office_s: int
    return_office_s: int
    lunch: Lunch | None
    stops: tuple[Stop, ...]
    travel_back_s: int
    travel_back_m: int
    quota: int
    shortfall_reason: str | None = None

    @property
    def travel_s(self) -> int:
        """Total travel time, office to office."""
        return sum(stop.travel_s for stop in self.stops) + self.travel_back_s

    @property
    def travel_m(self) -> int:
        """Total travel distance, office to office."""
        return sum(stop.travel_m for stop in self.stops) + self.travel_back_m

    @property
    def service_s(self) -> int:
        """Total time spent with retailers."""
        return sum(stop.end_s - stop.start_s for stop in self.stops)


@dataclass(frozen=True, slots=True, kw_only=True)
class RetailerVisits:
    """How many visits a retailer needed in the plan's period and the dates it got."""

    id: str
    required_visits: int
    dates: tuple[date, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Unplanned:
    """A retailer (or one of its required visits) left out, and why."""

    retailer_id: str
    date: date | None
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """A whole plan: one or more days, every input retailer, and everything left out."""

    manager: str
    mode: str
    office_lon: float
    office_lat: float
    days: tuple[DayPlan, ...]
    retailers: tuple[RetailerVisits, ...]
    unplanned: tuple[Unplanned, ...]
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        clashes = sorted(set(self.extra) & CONTRACT_KEYS)
        if clashes:
            msg = f"Extra plan fields may not reuse contract names: {clashes}."
            raise ValueError(msg)


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """Return the JSON-ready form of ``plan`` (schema ``visitplan/plan@1``)."""
    return {
        "schema": SCHEMA,
        "manager": plan.manager,
        "mode": plan.mode,
        "office": {"lon": plan.office_lon, "lat": plan.office_lat},
        "days": [_day_to_dict(day) for day in plan.days],
        "retailers": [
            {
                "id": entry.id,
                "required_visits": entry.required_visits,
                "dates": [d.isoformat() for d in entry.dates],
            }
            for entry in plan.retailers
        ],
        "unplanned": [
            {
                "retailer_id": item.retailer_id,
                "date": item.date.isoformat() if item.date else None,
                "reason": item.reason,
            }
            for item in plan.unplanned
        ],
        **dict(plan.extra),
    }


def _day_to_dict(day: DayPlan) -> dict[str, Any]:
    lunch = None
    if day.lunch is not None:
        lunch = {
            "start": format_clock(day.lunch.start_s),
            "end": format_clock(day.lunch.end_s),
            "after_stop": day.lunch.after_stop,
        }
    return {
        "date": day.date.isoformat(),
        "area": day.area,
        "depart_office": format_clock(day.depart_office_s),
        "return_office": format_clock(day.return_office_s),
        "lunch": lunch,
        "stops": [
            {
                "retailer_id": stop.retailer_id,
                "lon": stop.lon,
                "lat": stop.lat,
                "arrive": format_clock(stop.arrive_s),
                "start": format_clock(stop.start_s),
                "end": format_clock(stop.end_s),
                "travel_s": stop.travel_s,
                "travel_m": stop.travel_m,
            }
            for stop in day.stops
        ],
        "travel_back_s": day.travel_back_s,
        "travel_back_m": day.travel_back_m,
        "quota": day.quota,
        "shortfall_reason": day.shortfall_reason,
        "totals": {
            "visits": len(day.stops),
            "travel_s": day.travel_s,
            "travel_m": day.travel_m,
            "service_s": day.service_s,
        },
    }


def write_plan(plan: Plan, path: Path) -> None:
    """Write ``plan`` as UTF-8 JSON (stable key order, so equal plans give equal files)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(plan_to_dict(plan), ensure_ascii=False, indent=1)
    path.write_text(text + "\n", encoding="utf-8")


def read_plan(path: Path) -> Plan:
    """Read a plan JSON file.

    Raises
    ------
    InputError
        If the file is missing, not JSON, of another schema, or a field is malformed.
    """
    source = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        msg = f"cannot read the plan ({error}); pass a file written by 'visitplan day'"
        raise InputError([Problem(source=source, message=msg)]) from error
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        msg = f'not a plan file: expected "schema": "{SCHEMA}"'
        raise InputError([Problem(source=source, message=msg, field="schema")])
    try:
        return plan_from_dict(data)
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        msg = f"malformed plan ({error!r}); regenerate it with 'visitplan day'"
        raise InputError([Problem(source=source, message=msg)]) from error


def plan_from_dict(data: Mapping[str, Any]) -> Plan:
    """Return the :class:`Plan` of a JSON mapping (the inverse of :func:`plan_to_dict`)."""
    if not isinstance(data["manager"], str) or not isinstance(data["mode"], str):
        msg = "manager and mode must be text"
        raise TypeError(msg)
    return Plan(
        manager=data["manager"],
        mode=data["mode"],
        office_lon=float(data["office"]["lon"]),
        office_lat=float(data["office"]["lat"]),
        days=tuple(_day_from_dict(day) for day in data["days"]),
        retailers=tuple(
            RetailerVisits(
                id=str(entry["id"]),
                required_visits=int(entry["required_visits"]),
                dates=tuple(date.fromisoformat(d) for d in entry["dates"]),
            )
            for entry in data["retailers"]
        ),
        unplanned=tuple(
            Unplanned(
                retailer_id=str(item["retailer_id"]),
                date=date.fromisoformat(item["date"]) if item.get("date") else None,
                reason=str(item["reason"]),
            )
            for item in data["unplanned"]
        ),
        extra={key: value for key, value in data.items() if key not in CONTRACT_KEYS},
    )


def _day_from_dict(day: Mapping[str, Any]) -> DayPlan:
    lunch = day.get("lunch")
    return DayPlan(
        date=date.fromisoformat(day["date"]),
        area=str(day["area"]),
        depart_office_s=parse_clock(day["depart_office"]),
        return_office_s=parse_clock(day["return_office"]),
        lunch=None
        if lunch is None
        else Lunch(
            start_s=parse_clock(lunch["start"]),
            end_s=parse_clock(lunch["end"]),
            after_stop=int(lunch.get("after_stop", 0)),
        ),
        stops=tuple(
            Stop(
                retailer_id=str(stop["retailer_id"]),
                lon=float(stop["lon"]),
                lat=float(stop["lat"]),
                arrive_s=parse_clock(stop["arrive"]),
                start_s=parse_clock(stop["start"]),
                end_s=parse_clock(stop["end"]),
                travel_s=int(stop["travel_s"]),
                travel_m=int(stop["travel_m"]),
            )
            for stop in day["stops"]
        ),
        travel_back_s=int(day["travel_back_s"]),
        travel_back_m=int(day["travel_back_m"]),
        quota=int(day["quota"]),
        shortfall_reason=day.get("shortfall_reason"),
    )
