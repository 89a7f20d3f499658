"""Coordinate systems used on Chinese maps, converted to and from WGS-84 with ``prcoords``.

* ``wgs84``: GPS coordinates, used everywhere inside visitplan and by OpenStreetMap.
* ``gcj02`` (火星坐标): the legally required obfuscation of Chinese map providers
  (AMap/Gaode, Tencent, Google Maps China); 300-700 m off WGS-84.
* ``bd09``: Baidu's further offset of GCJ-02, about 1 km off WGS-84.

GCJ-02 is only defined inside China. Like ``prcoords`` itself, a point outside its rough box
for China (lat 0.83-55.83, lon 72.004-137.83) is left unchanged by the GCJ-02 step; the
BD-09 offset is removed or added everywhere. ``prcoords`` warns in that case; these
functions check the box first and only log, so no warning escapes to the caller.

Note that ``prcoords.Coords`` is ``(lat, lon)``; the functions here take and return
``(lon, lat)`` like the rest of visitplan.
"""

from __future__ import annotations

import logging
from enum import StrEnum

import prcoords

from routing.errors import InputError, Problem

logger = logging.getLogger(__name__)


class Crs(StrEnum):
    """A coordinate system a retailer file may use."""

    WGS84 = "wgs84"
    GCJ02 = "gcj02"
    BD09 = "bd09"


def parse_crs(name: str, *, source: str = "--crs") -> Crs:
    """Return the coordinate system called ``name`` (``WGS-84``, ``gcj_02``... are accepted).

    Raises
    ------
    InputError
        If the name is not one of ``wgs84``, ``gcj02``, ``bd09``.
    """
    key = str(name).strip().lower().replace("-", "").replace("_", "")
    try:
        return Crs(key)
    except ValueError:
        known = ", ".join(crs.value for crs in Crs)
        msg = (
            f"unknown coordinate system {name!r}; use one of: {known} "
            "(gcj02 for AMap/Gaode or Tencent coordinates, bd09 for Baidu)"
        )
        raise InputError([Problem(source=source, message=msg)]) from None


def in_china(lon: float, lat: float) -> bool:
    """Return whether ``prcoords`` applies the GCJ-02 offset at this point."""
    return bool(prcoords.sanity_in_china_p(prcoords.Coords(lat, lon)))


def to_wgs84(lon: float, lat: float, crs: str) -> tuple[float, float]:
    """Return the WGS-84 ``(lon, lat)`` of a point given in ``crs``.

    Uses the precise iterative inverses of ``prcoords`` (error well under a millimetre).

    Raises
    ------
    InputError
        If ``crs`` is unknown.
    """
    system = parse_crs(crs)
    point = prcoords.Coords(lat, lon)
    if system is Crs.BD09:
        point = prcoords.bd_gcj_bored(point)
    if system is not Crs.WGS84:
        point = _gcj_to_wgs(point)
    return float(point.lon), float(point.lat)


def from_wgs84(lon: float, lat: float, crs: str) -> tuple[float, float]:
    """Return the ``(lon, lat)`` in ``crs`` of a WGS-84 point (e.g. for Chinese map tiles).

    Raises
    ------
    InputError
        If ``crs`` is unknown.
    """
    system = parse_crs(crs)
    point = prcoords.Coords(lat, lon)
    if system is not Crs.WGS84:
        point = _wgs_to_gcj(point)
    if system is Crs.BD09:
        point = prcoords.gcj_bd(point)
    return float(point.lon), float(point.lat)


def _gcj_to_wgs(point: prcoords.Coords) -> prcoords.Coords:
    if not in_china(point.lon, point.lat):
        logger.debug("GCJ-02 point %s is outside China; left unchanged", point)
        return point
    return prcoords.gcj_wgs_bored(point)


def _wgs_to_gcj(point: prcoords.Coords) -> prcoords.Coords:
    if not in_china(point.lon, point.lat):
        logger.debug("WGS-84 point %s is outside China; left unchanged", point)
        return point
    return prcoords.wgs_gcj(point, check_china=False)
