"""A territory on one map: every retailer coloured by its group, each group's outline and load.

Generic on purpose: it takes retailers and a mapping of retailer id to a group key (a line
index, a weekday, anything hashable) and knows nothing of how the groups were made, so
``routing`` draws what ``territory`` plans without importing it. Each group is a layer of
its own in the layer control, with its outline (a concave hull, or convex) and its workload
(retailers, visits a month, estimated minutes) in the name, the outline's tooltip and the
panel.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

import folium
import numpy as np
import shapely

from routing.geodesy import equirectangular
from routing.labels import label, marker_flags_text, month_day, weekday_label
from routing.maps.elements import Bindings, InfoPanel, RawHtml
from routing.maps.month import PALETTE
from routing.maps.offline import figure_of, make_offline
from routing.maps.panel import ATTRIBUTION
from routing.maps.roads import BaseRoads, add_base_roads, bounds_of
from routing.maps.shift import Shift
from routing.maps.style import CLASS_COLOURS, CSS, OTHER_CLASS_COLOUR, box_icon_html
from routing.maps.tiles import add_layer_control, add_tile_layer, check_tiles, display_crs
from routing.retailers import Retailer
from routing.rules import Rules, load_rules

LonLat = tuple[float, float]
COLOUR_BY = ("group", "class")
HULLS = ("concave", "convex")
NO_GROUP_COLOUR = "#607d8b"
_OUTLINE_MARGIN_M = 60.0
_CONCAVE_RATIO = 0.45


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupWorkload:
    """What one group asks of a month: its retailers, their visits and the minutes they take."""

    retailers: int
    visits: int
    minutes: int


@dataclass(frozen=True, slots=True, kw_only=True)
class _Group:
    key: Hashable | None
    name: str
    colour: str
    members: tuple[Retailer, ...]
    workload: GroupWorkload


def estimate_workloads(
    retailers: Iterable[Retailer], groups: Mapping[str, Hashable], rules: Rules
) -> dict[Hashable, GroupWorkload]:
    """Return each group's workload from its retailers' visits a month and service times.

    Visits come from each retailer's ``visits_per_month`` or its class; minutes are those
    visits times the service time (travel is not known without a route).
    """
    loads: dict[Hashable, list[int]] = {}
    for retailer in retailers:
        if retailer.id not in groups:
            continue
        visits = retailer.visits_per_month
        if visits is None:
            known = rules.classes.get(retailer.retailer_class)
            visits = known.visits_per_month if known else 0
        service = retailer.service_s or rules.service_s
        load = loads.setdefault(groups[retailer.id], [0, 0, 0])
        load[0] += 1
        load[1] += visits
        load[2] += visits * service
    return {
        key: GroupWorkload(retailers=n, visits=visits, minutes=round(seconds / 60))
        for key, (n, visits, seconds) in loads.items()
    }


def territory_map(
    retailers: Iterable[Retailer],
    groups: Mapping[str, Hashable],
    *,
    names: Mapping[Hashable, str] | None = None,
    workloads: Mapping[Hashable, GroupWorkload] | None = None,
    visit_dates: Mapping[str, Sequence[date]] | None = None,
    office: LonLat | None = None,
    colour_by: str = "group",
    hull: str = "concave",
    roads: BaseRoads | None = None,
    tiles: str = "osm",
    rules: Rules | None = None,
    lang: str = "zh",
    m: folium.Map | None = None,
) -> folium.Map:
    """Draw every retailer coloured by group (or class), each group's outline and workload.

    Parameters
    ----------
    retailers
        The retailers to draw.
    groups
        Each retailer id's group key (a line index, a weekday...). Retailers missing from
        it are drawn in grey, in a layer of their own without an outline.
    names
        The name of each group key in the layer control and panel; ``str(key)`` if absent.
    workloads
        Each group's workload; estimated from classes and service times (no travel) by
        :func:`estimate_workloads` if ``None``.
    visit_dates
        Each retailer's visit dates, listed in its popup; none listed if ``None``.
    office
        The office ``(lon, lat)``, drawn on top; none if ``None``.
    colour_by
        ``group``: a retailer takes its group's colour. ``class``: its class colour (档位);
        outlines keep the group colours either way.
    hull
        ``concave`` (hugs the retailers, default) or ``convex`` outlines.
    roads, tiles
        The road base layer and the online tile layer offered, as for
        :func:`~routing.maps.day_map`.
    rules
        For the default workloads; the default rules if ``None``.
    lang
        ``zh`` (default) or ``en`` labels.
    m
        A map to add the layers to; a new one if ``None``.

    Group ``k`` of integer key ``k`` takes ``PALETTE[k % len(PALETTE)]``, the colour of line
    ``k`` on the month map; other keys take the palette in their sorted order.

    Raises
    ------
    ValueError
        If there is no retailer, or ``colour_by``, ``hull``, ``tiles`` or ``lang`` is unknown.
    """
    label("date", lang)  # fail early on an unknown language
    shops = _checked(list(retailers), colour_by, hull)
    shift = Shift(display_crs(check_tiles(tiles)))
    shown = bounds_of([(r.lon, r.lat) for r in shops] + ([office] if office else []))
    loads = workloads or estimate_workloads(shops, groups, rules or load_rules())
    layers = _groups(shops, groups, names or {}, loads, lang)
    if m is None:
        m = _new_map(shops, lang)
    _prepare(m)
    if roads is not None:
        add_base_roads(m, shift.lines(roads.lines_within(shown)), name=label("road_network", lang))
    popups = _Popups(groups=groups, names=names or {}, dates=visit_dates or {}, lang=lang)
    for group in layers:
        _group_layer(group, shift, popups, colour_by=colour_by, hull=hull).add_to(m)
    if office is not None:
        # In a group of its own, so the marker never shows the default icon (see month.py).
        office_layer = folium.FeatureGroup(name=label("office", lang), control=False)
        _office_marker(shift.point(*office), lang).add_to(office_layer)
        office_layer.add_to(m)
    InfoPanel(_panel_html(layers, colour_by, shops, lang)).add_to(m)
    add_tile_layer(m, tiles, lang)
    add_layer_control(m)
    west, south, east, north = _shifted_bounds(shown, shift)
    m.fit_bounds([[south, west], [north, east]], padding=(20, 20), max_zoom=17)
    return m


def _checked(shops: list[Retailer], colour_by: str, hull: str) -> list[Retailer]:
    if not shops:
        msg = "Expected at least one retailer to draw a territory."
        raise ValueError(msg)
    if colour_by not in COLOUR_BY:
        msg = f"Expected colour_by in {COLOUR_BY}, got {colour_by!r}."
        raise ValueError(msg)
    if hull not in HULLS:
        msg = f"Expected hull in {HULLS}, got {hull!r}."
        raise ValueError(msg)
    return shops


def _groups(
    shops: Sequence[Retailer],
    groups: Mapping[str, Hashable],
    names: Mapping[Hashable, str],
    loads: Mapping[Hashable, GroupWorkload],
    lang: str,
) -> list[_Group]:
    """Return the groups in key order (integers first), then the retailers of no group."""
    members: dict[Hashable | None, list[Retailer]] = {}
    for shop in shops:
        members.setdefault(groups.get(shop.id), []).append(shop)
    keys = sorted((k for k in members if k is not None), key=_key_order)
    found = []
    for position, key in enumerate(keys):
        colour = PALETTE[(key if isinstance(key, int) else position) % len(PALETTE)]
        workload = loads.get(key, GroupWorkload(retailers=len(members[key]), visits=0, minutes=0))
        name = names.get(key, str(key))
        found.append(
            _Group(
                key=key, name=name, colour=colour, members=tuple(members[key]), workload=workload
            )
        )
    if None in members:
        alone = tuple(members[None])
        empty = GroupWorkload(retailers=len(alone), visits=0, minutes=0)
        found.append(
            _Group(
                key=None,
                name=label("no_group", lang),
                colour=NO_GROUP_COLOUR,
                members=alone,
                workload=empty,
            )
        )
    return found


def _key_order(key: Hashable) -> tuple[int, str]:
    if isinstance(key, int):
        return 0, f"{key:012d}"
    return 1, str(key)


def _new_map(shops: Sequence[Retailer], lang: str) -> folium.Map:
    lon = float(np.mean([r.lon for r in shops]))
    lat = float(np.mean([r.lat for r in shops]))
    m = folium.Map(
        location=(lat, lon), zoom_start=13, tiles=None, control_scale=True, zoom_snap=0.25
    )
    figure_of(m).title = label("territory_map", lang)
    return m


def _prepare(m: folium.Map) -> None:
    make_offline(m)
    figure_of(m).header.add_child(RawHtml(f"<style>{CSS}</style>"), name="vp_map_css")


def _shifted_bounds(
    bounds: tuple[float, float, float, float], shift: Shift
) -> tuple[float, float, float, float]:
    west, south = shift.point(bounds[0], bounds[1])
    east, north = shift.point(bounds[2], bounds[3])
    return west, south, east, north


def _workload_text(workload: GroupWorkload, lang: str) -> str:
    return " · ".join(
        (
            label("n_retailers", lang).format(n=workload.retailers),
            f"{workload.visits} {label('visits_month', lang)}",
            f"{workload.minutes} {label('est_minutes', lang)}",
        )
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class _Popups:
    """What a retailer's popup shows besides its own record."""

    groups: Mapping[str, Hashable]
    names: Mapping[Hashable, str]
    dates: Mapping[str, Sequence[date]]
    lang: str

    def html(self, retailer: Retailer, group: _Group) -> str:
        lang, sep = self.lang, label("list_sep", self.lang)
        rows = [
            (label("retailer_id", lang), retailer.id),
            (label("retailer_class", lang), retailer.retailer_class),
            (label("group", lang), group.name),
        ]
        if retailer.id in self.dates:
            days = sep.join(
                f"{month_day(d)} {weekday_label(d, lang)}" for d in sorted(self.dates[retailer.id])
            )
            rows.append((label("visit_dates", lang), days or "—"))
        if flags := marker_flags_text(retailer, lang):
            rows.append((label("flags", lang), flags))
        if retailer.address:
            rows.append((label("address", lang), retailer.address))
        body = "<br>".join(f"{escape(k)}: {escape(v)}" for k, v in rows)
        return f"<b>{escape(retailer.name)}</b><br>{body}"


def _group_layer(
    group: _Group, shift: Shift, popups: _Popups, *, colour_by: str, hull: str
) -> folium.FeatureGroup:
    """Return a group's layer: its outline (none for the retailers of no group) and markers."""
    workload = _workload_text(group.workload, popups.lang)
    layer = folium.FeatureGroup(name=escape(f"{group.name} · {workload}"))
    if group.key is not None:
        _outline_polygon(group, shift, hull, f"{group.name}: {workload}").add_to(layer)
    for retailer in group.members:
        colour = group.colour
        if colour_by == "class":
            colour = CLASS_COLOURS.get(retailer.retailer_class, OTHER_CLASS_COLOUR)
        _retailer_marker(retailer, group, colour, shift, popups).add_to(layer)
    return layer


def _outline_polygon(group: _Group, shift: Shift, hull: str, tooltip: str) -> folium.Polygon:
    outline = _outline([(r.lon, r.lat) for r in group.members], hull=hull)
    polygon = folium.Polygon(
        [(lat, lon) for lon, lat in shift.line(outline)],
        color=group.colour,
        weight=2,
        fill=True,
        fill_color=group.colour,
        fill_opacity=0.08,
        class_name="vp-outline",
    )
    Bindings(None, escape(tooltip)).add_to(polygon)
    return polygon


def _retailer_marker(
    retailer: Retailer, group: _Group, colour: str, shift: Shift, popups: _Popups
) -> folium.CircleMarker:
    lon, lat = shift.point(retailer.lon, retailer.lat)
    marker = folium.CircleMarker(
        location=(lat, lon),
        radius=5,
        color="#ffffff",
        weight=1,
        fill=True,
        fill_color=colour,
        fill_opacity=0.95,
        class_name="vp-retailer",
    )
    tooltip = f"{retailer.name} ({retailer.retailer_class}) · {group.name}"
    Bindings(popups.html(retailer, group), escape(tooltip)).add_to(marker)
    return marker


def _outline(points: Sequence[LonLat], *, hull: str) -> list[LonLat]:
    """Return the outline ring of ``points`` as ``(lon, lat)``: hull grown by a margin.

    Worked in local metres so the concave hull and the margin mean the same everywhere.
    """
    lons = np.array([p[0] for p in points], dtype=np.float64)
    lats = np.array([p[1] for p in points], dtype=np.float64)
    origin = (float(lons.mean()), float(lats.mean()))
    metres = equirectangular(lons, lats, origin)
    cloud = shapely.multipoints(metres)
    shape = (
        shapely.concave_hull(cloud, ratio=_CONCAVE_RATIO)
        if hull == "concave"
        else cloud.convex_hull
    )
    grown = shapely.buffer(shape, _OUTLINE_MARGIN_M, quad_segs=4)
    if isinstance(grown, shapely.MultiPolygon):
        grown = max(grown.geoms, key=lambda polygon: polygon.area)
    ring = np.asarray(shapely.get_exterior_ring(grown).coords)
    return _to_lon_lat(ring, origin)


def _to_lon_lat(metres: np.ndarray, origin: LonLat) -> list[LonLat]:
    """Invert :func:`routing.geodesy.equirectangular` for ``(n, 2)`` local metres."""
    probe = equirectangular(np.array([origin[0] + 1.0]), np.array([origin[1] + 1.0]), origin)[0]
    lons = origin[0] + metres[:, 0] / probe[0]
    lats = origin[1] + metres[:, 1] / probe[1]
    return [(round(float(x), 6), round(float(y), 6)) for x, y in zip(lons, lats, strict=True)]


def _office_marker(office: LonLat, lang: str) -> folium.Marker:
    text = label("office", lang)
    icon = folium.DivIcon(html=box_icon_html(text), icon_anchor=(20, 10), class_name="vp-office")
    marker = folium.Marker(location=(office[1], office[0]), icon=icon, z_index_offset=1000)
    Bindings(f"<b>{escape(text)}</b>", escape(text)).add_to(marker)
    return marker


def _panel_html(
    groups: Sequence[_Group], colour_by: str, shops: Sequence[Retailer], lang: str
) -> str:
    head = "".join(
        f"<th>{escape(label(key, lang))}</th>"
        for key in ("group", "retailers_n", "visits_month", "est_minutes")
    )
    rows = "".join(
        f'<tr><td><span class="vp-dot" style="background:{g.colour}"></span>{escape(g.name)}</td>'
        f"<td>{g.workload.retailers}</td><td>{g.workload.visits}</td><td>{g.workload.minutes}</td></tr>"
        for g in groups
    )
    total = (
        f"<tr><td><b>{escape(label('total', lang))}</b></td>"
        f"<td><b>{sum(g.workload.retailers for g in groups)}</b></td>"
        f"<td><b>{sum(g.workload.visits for g in groups)}</b></td>"
        f"<td><b>{sum(g.workload.minutes for g in groups)}</b></td></tr>"
    )
    legend = ""
    if colour_by == "class":
        classes = sorted({r.retailer_class for r in shops})
        dots = "".join(
            f'<span class="vp-dot" style="background:{CLASS_COLOURS.get(c, OTHER_CLASS_COLOUR)}">'
            f"</span>{escape(c)}"
            for c in classes
        )
        legend = f'<div class="vp-legend">{escape(label("retailer_class", lang))}:{dots}</div>'
    title = label("territory_map", lang)
    return (
        f'<details open><summary class="vp-title">{escape(title)}</summary>'
        f'<table class="vp-groups"><tr>{head}</tr>{rows}{total}</table>{legend}</details>'
        f'<div class="vp-attr">{ATTRIBUTION}</div>'
    )
