"""Shift what a map draws from WGS-84 to the coordinates of its tiles (GCJ-02 for AMap).

Plans and retailers stay WGS-84 everywhere in visitplan. Only a map drawn on Chinese tiles
converts, as it draws: each point and every shape point of a road moves with
:func:`routing.coords.from_wgs84`, so stops sit on the AMap street they are on. The offset
changes slowly (a few metres per kilometre), so lines keep their shape.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from routing.coords import from_wgs84, parse_crs
from routing.plan import DayPlan, Plan
from routing.retailers import Retailer

LonLat = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Shift:
    """Moves WGS-84 ``(lon, lat)`` points into ``crs`` (``wgs84`` leaves them unchanged)."""

    crs: str = "wgs84"

    def __post_init__(self) -> None:
        parse_crs(self.crs, source="crs")

    @property
    def identity(self) -> bool:
        """Whether nothing moves."""
        return parse_crs(self.crs) == "wgs84"

    def point(self, lon: float, lat: float) -> LonLat:
        """Return the shifted ``(lon, lat)``."""
        if self.identity:
            return lon, lat
        return from_wgs84(lon, lat, self.crs)

    def line(self, points: Sequence[LonLat]) -> list[LonLat]:
        """Return a shifted polyline of ``(lon, lat)`` points."""
        return [self.point(lon, lat) for lon, lat in points]

    def lines(self, lines: Sequence[Sequence[LonLat]]) -> list[list[LonLat]]:
        """Return shifted polylines."""
        return [self.line(line) for line in lines]

    def plan(self, plan: Plan) -> Plan:
        """Return ``plan`` with its office and every stop shifted."""
        if self.identity:
            return plan
        lon, lat = self.point(plan.office_lon, plan.office_lat)
        days = tuple(self._day(day) for day in plan.days)
        return replace(plan, office_lon=lon, office_lat=lat, days=days)

    def retailers(self, retailers: Mapping[str, Retailer]) -> dict[str, Retailer]:
        """Return the retailer records with shifted positions."""
        if self.identity:
            return dict(retailers)
        moved = {}
        for key, retailer in retailers.items():
            lon, lat = self.point(retailer.lon, retailer.lat)
            moved[key] = replace(retailer, lon=lon, lat=lat)
        return moved

    def _day(self, day: DayPlan) -> DayPlan:
        stops = []
        for stop in day.stops:
            lon, lat = self.point(stop.lon, stop.lat)
            stops.append(replace(stop, lon=lon, lat=lat))
        return replace(day, stops=tuple(stops))
