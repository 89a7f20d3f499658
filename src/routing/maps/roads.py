"""The area's road network as a light base layer, so a map reads with no tiles at all.

:class:`BaseRoads` holds the street segments of a road network; :meth:`BaseRoads.lines_within`
clips them to a map's bounds with a margin, merges them into long lines and simplifies
them, so a day map carries its neighbourhood's streets in a few tens of kilobytes.
:class:`RoadLines` draws them as one Leaflet polyline, coordinates delta-encoded as
integers (a decoder of a few lines is inlined once per page).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import folium
import numpy as np
import shapely
from folium.template import Template
from numpy.typing import NDArray

from routing.maps.elements import RawHtml
from routing.maps.offline import figure_of
from routing.network import RoadNetwork, street_segments

LonLat = tuple[float, float]
Bounds = tuple[float, float, float, float]
"""``(west, south, east, north)`` in degrees."""

ROAD_COLOUR = "#b8b8b8"
ROADS_PANE = "vp-roads"
OSM_ATTRIBUTION = "© OpenStreetMap contributors"
_METRES_PER_DEGREE = 111_320.0
_SCALE = 100_000  # 1e-5 degree steps: about a metre, plenty for a base layer
_DECODER = (
    "<script>function vpDecodeLines(lines){return lines.map(function(d){"
    "var lat=0,lon=0,out=[];for(var i=0;i<d.length;i+=2){lat+=d[i];lon+=d[i+1];"
    "out.push([lat/1e5,lon/1e5]);}return out;});}</script>"
)


@dataclass(frozen=True, slots=True, eq=False)
class BaseRoads:
    """The street segments of an area, to draw under routes.

    Parameters
    ----------
    segments
        ``(n, 2, 2)`` array: segment ``k`` runs from ``segments[k, 0]`` to
        ``segments[k, 1]``, each a WGS-84 ``(lon, lat)`` pair.
    """

    segments: NDArray[np.float64]

    def __post_init__(self) -> None:
        if self.segments.ndim != 3 or self.segments.shape[1:] != (2, 2):
            msg = f"Expected segments of shape (n, 2, 2), got {self.segments.shape}."
            raise ValueError(msg)

    @classmethod
    def from_segments(cls, segments: Iterable[tuple[LonLat, LonLat]]) -> BaseRoads:
        """Return the base roads of ``((lon, lat), (lon, lat))`` segments."""
        array = np.asarray(list(segments), dtype=np.float64).reshape(-1, 2, 2)
        return cls(array)

    @classmethod
    def from_network(cls, network: RoadNetwork) -> BaseRoads:
        """Return every street of ``network``, cut-off pieces included (they are streets too).

        The network's graphs are unsimplified (see :mod:`routing.network_sources`), so
        node-to-node segments follow the streets' shapes.
        """
        return cls.from_segments(street_segments(network, largest_component_only=False))

    def lines_within(
        self,
        bounds: Bounds,
        *,
        margin_m: float = 400.0,
        tolerance_m: float = 2.0,
        max_points: int = 30_000,
    ) -> list[list[LonLat]]:
        """Return the streets inside ``bounds`` grown by ``margin_m``, merged and simplified.

        Parameters
        ----------
        bounds
            ``(west, south, east, north)`` of what the map shows.
        margin_m
            How far around ``bounds`` streets are kept, so the edges of a route have context.
        tolerance_m
            Simplification tolerance: points closer than this to a line are dropped.
        max_points
            A cap on the points drawn; past it the tolerance doubles until the lines fit,
            which keeps a map of a dense city small.

        Returns
        -------
        list of list of (lon, lat)
            Polylines of two or more points.
        """
        box = _grown(bounds, margin_m)
        inside = self._segments_touching(box)
        if not len(inside):
            return []
        merged = shapely.line_merge(shapely.multilinestrings(inside))
        clipped = shapely.clip_by_rect(merged, *box)
        degrees = tolerance_m / _METRES_PER_DEGREE
        for _ in range(12):
            lines = _lines_of(shapely.simplify(clipped, degrees, preserve_topology=False))
            if sum(len(line) for line in lines) <= max_points:
                return lines
            degrees *= 2
        return lines

    def _segments_touching(self, box: Bounds) -> NDArray[np.float64]:
        west, south, east, north = box
        lons, lats = self.segments[:, :, 0], self.segments[:, :, 1]
        keep = (
            (lons.max(axis=1) >= west)
            & (lons.min(axis=1) <= east)
            & (lats.max(axis=1) >= south)
            & (lats.min(axis=1) <= north)
        )
        touching: NDArray[np.float64] = self.segments[keep]
        return touching


def _grown(bounds: Bounds, margin_m: float) -> Bounds:
    west, south, east, north = bounds
    dlat = margin_m / _METRES_PER_DEGREE
    cos = max(math.cos(math.radians((south + north) / 2)), 0.01)
    dlon = dlat / cos
    return west - dlon, south - dlat, east + dlon, north + dlat


def _lines_of(geometry: shapely.Geometry) -> list[list[LonLat]]:
    lines = []
    for part in shapely.get_parts(geometry):
        if isinstance(part, shapely.LineString) and len(part.coords) >= 2:
            lines.append([(float(x), float(y)) for x, y in part.coords])
    return lines


def bounds_of(points: Iterable[LonLat]) -> Bounds:
    """Return ``(west, south, east, north)`` of ``(lon, lat)`` points.

    Raises
    ------
    ValueError
        If there are no points.
    """
    array = np.asarray(list(points), dtype=np.float64).reshape(-1, 2)
    if not len(array):
        msg = "Expected at least one point to take the bounds of."
        raise ValueError(msg)
    west, south = array.min(axis=0)
    east, north = array.max(axis=0)
    return float(west), float(south), float(east), float(north)


def encode_lines(lines: Sequence[Sequence[LonLat]]) -> str:
    """Return ``lines`` as JSON: per line, ``lat, lon`` deltas in 1e-5 degree integers.

    The first pair of each line is absolute; :data:`_DECODER` (``vpDecodeLines``) undoes it.
    """
    encoded = []
    for line in lines:
        steps = np.rint(np.asarray(line, dtype=np.float64)[:, ::-1] * _SCALE).astype(np.int64)
        steps[1:] -= steps[:-1].copy()
        encoded.append(steps.ravel().tolist())
    return json.dumps(encoded, separators=(",", ":"))


class RoadLines(folium.map.Layer):
    """The base roads as one non-interactive polyline in their own pane, below every route."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.polyline(
                vpDecodeLines({{ this.data }}),
                {{ this.options|tojson }}
            );
        {% endmacro %}
        """
    )

    def __init__(self, lines: Sequence[Sequence[LonLat]], *, name: str) -> None:
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "RoadLines"
        self.data = encode_lines(lines)
        self.options: dict[str, Any] = {
            "pane": ROADS_PANE,
            "className": "vp-roads",
            "color": ROAD_COLOUR,
            "weight": 1.5,
            "opacity": 1,
            "interactive": False,
            "attribution": OSM_ATTRIBUTION,
        }


def add_base_roads(m: folium.Map, lines: Sequence[Sequence[LonLat]], *, name: str) -> bool:
    """Add ``lines`` to ``m`` as the road base layer, unless ``m`` has one; return if added."""
    if not lines or "vp_base_roads" in m._children:
        return False
    m.add_child(folium.map.CustomPane(ROADS_PANE, z_index=350), name="vp_roads_pane")
    figure_of(m).header.add_child(RawHtml(_DECODER), name="vp_decode_lines")
    m.add_child(RoadLines(lines, name=name), name="vp_base_roads")
    return True
