"""Distances on the WGS-84 sphere, and a local metric projection for nearest-point work."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

EARTH_RADIUS_M = 6_371_008.8


def haversine_m(lon1: Any, lat1: Any, lon2: Any, lat2: Any) -> NDArray[np.float64] | np.float64:
    """Return the great-circle distance in metres (broadcasts over numpy arrays)."""
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    dphi = phi2 - phi1
    dlmb = np.radians(np.asarray(lon2) - np.asarray(lon1))
    h = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlmb / 2) ** 2
    result: NDArray[np.float64] = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
    return result


def equirectangular(
    lons: NDArray[np.float64], lats: NDArray[np.float64], origin: tuple[float, float]
) -> NDArray[np.float64]:
    """Return ``(n, 2)`` metres east and north of ``origin`` = ``(lon, lat)``."""
    # Within a city (tens of km) this is within a fraction of a percent of the
    # great-circle distance, which is plenty for a snapping limit of a few hundred metres.
    lon0, lat0 = origin
    x = np.radians(lons - lon0) * np.cos(np.radians(lat0)) * EARTH_RADIUS_M
    y = np.radians(lats - lat0) * EARTH_RADIUS_M
    return np.column_stack([x, y])
