"""The retailers (零售户) a customer manager serves, as validated, frozen records."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Area(StrEnum):
    """Market type of a retailer; it sets the daily quota (urban 30, rural 25)."""

    URBAN = "urban"
    RURAL = "rural"


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeWindow:
    """An opening window, in seconds since midnight, ``start < end``."""

    start_s: int
    end_s: int

    def __post_init__(self) -> None:
        if not 0 <= self.start_s < self.end_s:
            msg = "Expected 0 <= start < end for an opening window."
            raise ValueError(msg)


@dataclass(frozen=True, slots=True, kw_only=True)
class Retailer:
    """One licensed retailer, with coordinates in WGS-84.

    Parameters
    ----------
    id
        Licence number or any unique key.
    name
        Shop name (shown on schedules and maps).
    lon, lat
        WGS-84 coordinates (converted from GCJ-02/BD-09 on reading if needed).
    area
        Urban or rural market.
    retailer_class
        A class named in the rules (e.g. ``A`` .. ``E``); sets frequency and priority.
    service_s
        This retailer's service time, or ``None`` for the rules' default.
    opening
        Opening windows; empty means open all day.
    fluctuating, enterprise, must_visit, forecast_sample, brand_target
        Flags from the procedure: strongly fluctuating orders (波动大), enterprise-level
        account (企业级客户), a visit that must not be dropped, a demand-forecast sample, a
        target of this month's key-brand cultivation (重点品牌培育).
    visits_per_month
        Overrides the class frequency when given.
    address
        Free text shown on schedules.
    """

    id: str
    name: str
    lon: float
    lat: float
    area: Area
    retailer_class: str
    service_s: int | None = None
    opening: tuple[TimeWindow, ...] = ()
    fluctuating: bool = False
    enterprise: bool = False
    must_visit: bool = False
    forecast_sample: bool = False
    brand_target: bool = False
    visits_per_month: int | None = None
    address: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            msg = "Expected a non-empty retailer id."
            raise ValueError(msg)
        if not (-180 <= self.lon <= 180 and -90 <= self.lat <= 90):
            msg = f"Expected lon in [-180, 180] and lat in [-90, 90] for retailer {self.id!r}."
            raise ValueError(msg)
        if self.service_s is not None and self.service_s <= 0:
            msg = f"Expected a positive service time for retailer {self.id!r}."
            raise ValueError(msg)
        if self.visits_per_month is not None and self.visits_per_month < 0:
            msg = f"Expected visits_per_month >= 0 for retailer {self.id!r}."
            raise ValueError(msg)
        ends = [window.end_s for window in self.opening]
        starts = [window.start_s for window in self.opening]
        if any(start < end for start, end in zip(starts[1:], ends[:-1], strict=False)):
            msg = f"Expected sorted, non-overlapping opening windows for retailer {self.id!r}."
            raise ValueError(msg)
