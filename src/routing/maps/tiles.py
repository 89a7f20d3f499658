"""Online tile layers, offered in the layer control but off until the user ticks them.

A map works offline on the road base layer (:mod:`routing.maps.roads`); with internet the
user may switch on OpenStreetMap tiles, or AMap (高德) tiles on a map drawn with
``tiles="amap"``. AMap's tiles are in GCJ-02 (火星坐标), so such a map draws every point
and line shifted from WGS-84 to GCJ-02 (see :mod:`routing.maps.shift`); OpenStreetMap
tiles are in WGS-84 and are not offered on it, nor AMap on a WGS-84 map, since either would
sit several hundred metres off the route.
"""

from __future__ import annotations

from dataclasses import dataclass

import folium

from routing.labels import label
from routing.maps.roads import OSM_ATTRIBUTION

TILE_CHOICES = ("osm", "amap", "none")
"""``osm``: OpenStreetMap tiles offered, WGS-84. ``amap``: AMap tiles, everything in GCJ-02.
``none``: no tile layer at all."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TileSource:
    """A tile server: its URL template, attribution and the coordinates its tiles use."""

    key: str
    label_key: str
    url: str
    attribution: str
    crs: str
    subdomains: str = "abc"
    max_zoom: int = 19


TILE_SOURCES = {
    "osm": TileSource(
        key="osm",
        label_key="tiles_osm",
        url="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        attribution=OSM_ATTRIBUTION,
        crs="wgs84",
    ),
    "amap": TileSource(
        key="amap",
        label_key="tiles_amap",
        url=(
            "https://webrd0{s}.is.autonavi.com/appmaptile?lang={lang}&size=1&scale=1"
            "&style=8&x={x}&y={y}&z={z}"
        ),
        attribution="© 高德地图 AutoNavi",
        crs="gcj02",
        subdomains="1234",
        max_zoom=18,
    ),
}

_AMAP_LANG = {"zh": "zh_cn", "en": "en"}


def check_tiles(tiles: str) -> str:
    """Return ``tiles`` if it is a known choice.

    Raises
    ------
    ValueError
        If ``tiles`` is not one of :data:`TILE_CHOICES`.
    """
    if tiles not in TILE_CHOICES:
        msg = f"Expected tiles in {TILE_CHOICES}, got {tiles!r}."
        raise ValueError(msg)
    return tiles


def display_crs(tiles: str) -> str:
    """Return the coordinate system a map with these ``tiles`` is drawn in."""
    source = TILE_SOURCES.get(check_tiles(tiles))
    return source.crs if source else "wgs84"


def add_tile_layer(m: folium.Map, tiles: str, lang: str) -> bool:
    """Offer the online tile layer of ``tiles`` on ``m``, switched off; return if added.

    Nothing is requested from the tile server until the user ticks the layer, so an
    offline page shows no failed loads. A map that already offers one is left alone.
    """
    source = TILE_SOURCES.get(check_tiles(tiles))
    if source is None or "vp_tiles" in m._children:
        return False
    layer = folium.TileLayer(
        source.url.replace("{lang}", _AMAP_LANG[lang]),
        attr=source.attribution,
        name=label(source.label_key, lang),
        overlay=True,
        control=True,
        show=False,
        subdomains=source.subdomains,
        max_zoom=source.max_zoom,
        max_native_zoom=source.max_zoom,
    )
    m.add_child(layer, name="vp_tiles")
    return True


def add_layer_control(m: folium.Map) -> None:
    """Give ``m`` one collapsed layer control, after all its layers.

    folium's control lists the layers it finds when the page is rendered, but its script
    runs where it sits among the map's children; moving it to the end makes every layer
    exist by then, however many times layers are added (``m=``).
    """
    m._children.pop("vp_layer_control", None)
    m.add_child(folium.LayerControl(position="topleft", collapsed=True), name="vp_layer_control")
