"""Arrowheads along a route, so the direction of travel reads at a glance.

No Leaflet plugin: Python places the arrows (one per leg at least, one every
``spacing_m`` on long legs) and a few lines of JavaScript draw each as a small rotated SVG
in a pane between the routes and the stop markers. Web Mercator keeps angles, so the
compass bearing of the road at an arrow is also its angle on screen.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Sequence

import folium
from branca.element import MacroElement
from folium.template import Template

LatLon = tuple[float, float]
Arrow = tuple[float, float, int]
"""``(lat, lon, bearing)``: where an arrow sits and where it points, degrees from north."""

ARROWS_PANE = "vp-arrows"
ARROW_COLOUR = "#0d47a1"
_METRES_PER_DEGREE = 111_320.0


def leg_arrows(leg: Sequence[LatLon], *, spacing_m: float = 400.0) -> list[Arrow]:
    """Return the arrows of one leg: ``n`` evenly spaced, ``n = max(1, round(length / spacing))``.

    A leg of no length (two stops at one place) gets none.
    """
    steps = _steps(leg)
    length = sum(metres for metres, _ in steps)
    if length <= 0:
        return []
    count = max(1, round(length / spacing_m))
    return [_arrow_at(leg, steps, length * (k + 0.5) / count) for k in range(count)]


def _steps(leg: Sequence[LatLon]) -> list[tuple[float, float]]:
    """Return each segment's length in metres and bearing in degrees."""
    steps = []
    for (lat0, lon0), (lat1, lon1) in itertools.pairwise(leg):
        north = (lat1 - lat0) * _METRES_PER_DEGREE
        east = (lon1 - lon0) * _METRES_PER_DEGREE * math.cos(math.radians((lat0 + lat1) / 2))
        steps.append((math.hypot(north, east), math.degrees(math.atan2(east, north)) % 360))
    return steps


def _arrow_at(leg: Sequence[LatLon], steps: Sequence[tuple[float, float]], at: float) -> Arrow:
    for k, (metres, bearing) in enumerate(steps):
        if metres > 0 and (at <= metres or k == len(steps) - 1):
            t = min(at / metres, 1.0)
            (lat0, lon0), (lat1, lon1) = leg[k], leg[k + 1]
            lat, lon = lat0 + t * (lat1 - lat0), lon0 + t * (lon1 - lon0)
            return round(lat, 6), round(lon, 6), round(bearing) % 360
        at -= metres
    msg = "Expected a leg with some length."  # unreachable: callers check the length
    raise ValueError(msg)


class ArrowHeads(MacroElement):
    """Arrowheads added to the parent layer (a feature group), drawn in their own pane."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this.arrows }}.forEach(function (a) {
                L.marker([a[0], a[1]], {
                    pane: {{ this.pane }}, interactive: false, keyboard: false,
                    icon: L.divIcon({
                        className: "vp-arrow", iconSize: [14, 14], iconAnchor: [7, 7],
                        html: '<svg width="14" height="14" viewBox="0 0 14 14" '
                            + 'style="transform:rotate(' + a[2] + 'deg)">'
                            + '<path d="M7 1 13 13 7 9.5 1 13Z" fill="{{ this.colour }}" '
                            + 'stroke="#fff" stroke-width="1.2"/></svg>'
                    })
                }).addTo({{ this._parent.get_name() }});
            });
        {% endmacro %}
        """
    )

    def __init__(self, arrows: Sequence[Arrow], *, colour: str = ARROW_COLOUR) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "ArrowHeads"
        self.arrows = json.dumps([list(arrow) for arrow in arrows], separators=(",", ":"))
        self.pane = json.dumps(ARROWS_PANE)
        self.colour = colour


def add_arrows_pane(m: folium.Map) -> None:
    """Give ``m`` the pane arrows are drawn in: above routes, below markers, click-through."""
    if "vp_arrows_pane" not in m._children:
        m.add_child(folium.map.CustomPane(ARROWS_PANE, z_index=450), name="vp_arrows_pane")
