"""One day of a plan on a folium map: numbered stops, office, lunch, route and totals."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from html import escape

import folium

from routing.labels import clock, label, marker_flags_text, minutes
from routing.maps.arrows import ArrowHeads, add_arrows_pane, leg_arrows
from routing.maps.elements import Bindings, InfoPanel, RawHtml
from routing.maps.offline import figure_of, make_offline
from routing.maps.panel import DayLimits, Legend, classes_of, panel_html
from routing.maps.roads import BaseRoads, Bounds, add_base_roads, bounds_of
from routing.maps.shift import Shift
from routing.maps.style import CSS, ROUTE_COLOUR, UNVISITED_COLOUR, box_icon_html, stop_icon_html
from routing.maps.tiles import add_layer_control, add_tile_layer, check_tiles, display_crs
from routing.plan import DayPlan, Lunch, Plan, Stop
from routing.reason_labels import reason_label
from routing.retailers import Retailer
from routing.rules import Rules, load_rules

LatLon = tuple[float, float]
LonLat = tuple[float, float]
Paths = Sequence[Sequence[LonLat]]


def day_map(
    plan: Plan,
    day_index: int,
    retailers: Mapping[str, Retailer],
    *,
    paths: Paths | None = None,
    roads: BaseRoads | None = None,
    tiles: str = "osm",
    rules: Rules | None = None,
    lang: str = "zh",
    m: folium.Map | None = None,
) -> folium.Map:
    """Draw day ``day_index`` of ``plan`` on a folium map.

    Parameters
    ----------
    plan
        The plan; its office is where the route starts and ends.
    day_index
        Which of ``plan.days`` to draw.
    retailers
        Retailer records by id, for names, classes and flags. Retailers in
        ``plan.unplanned`` (for this day or undated) that have a record here are drawn in grey.
    paths
        The road polyline of each leg as ``(lon, lat)`` pairs: leg 0 is office to stop 1,
        leg ``n`` the last stop back to the office. ``None`` draws straight lines and says
        so in the legend.
    roads
        The area's streets, drawn light under the route (clipped to the day with a margin)
        so the map reads offline; ``None`` draws none.
    tiles
        The online tile layer offered, switched off (see :mod:`routing.maps.tiles`):
        ``osm``, ``amap`` (draws everything in GCJ-02 to sit on AMap's streets) or ``none``.
    rules
        The rules whose first visit, field end and office return times the panel compares
        the day with; the default rules if ``None``.
    lang
        ``zh`` (default) or ``en`` labels.
    m
        A map to add this day's layers to (e.g. to show several days); a new one if ``None``.

    Returns
    -------
    folium.Map
        The map, with Leaflet set to be inlined when saved (see :func:`save_map`).

    Raises
    ------
    IndexError
        If ``day_index`` is not a day of the plan.
    ValueError
        If ``paths`` does not have one polyline per leg, or ``lang`` or ``tiles`` is unknown.
    """
    day = _day(plan, day_index)
    label("date", lang)  # fail early on an unknown language
    legs = _legs(plan, day, paths)
    unvisited = _unvisited(plan, day, retailers)
    shift = Shift(display_crs(check_tiles(tiles)))
    shown = _area(legs, unvisited.values())
    plan, retailers = shift.plan(plan), shift.retailers(retailers)
    day = plan.days[day_index]
    legs = [_shifted_leg(leg, shift) for leg in legs]
    unvisited = {key: (retailers[key], why) for key, (_, why) in unvisited.items()}
    if m is None:
        m = _new_map(plan, day)
    _prepare(m)
    if roads is not None:
        lines = shift.lines(roads.lines_within(shown))
        add_base_roads(m, lines, name=label("road_network", lang))
    _route_layer(day, legs, straight=paths is None, lang=lang).add_to(m)
    if unvisited:
        _unvisited_layer(day, unvisited, lang).add_to(m)
    _stops_layer(plan, day, retailers, lang).add_to(m)
    legend = Legend(
        classes=classes_of(
            [r.retailer_class for s in day.stops if (r := retailers.get(s.retailer_id))]
        ),
        unvisited=len(unvisited),
        straight=paths is None,
        roads="vp_base_roads" in m._children,
        lunch=day.lunch is not None,
    )
    limits = DayLimits.of(rules or load_rules())
    html = panel_html(day, manager=plan.manager, legend=legend, limits=limits, lang=lang)
    InfoPanel(html).add_to(m)
    add_tile_layer(m, tiles, lang)
    add_layer_control(m)
    m.fit_bounds(_bounds(legs), padding=(30, 30), max_zoom=17)
    return m


def _day(plan: Plan, day_index: int) -> DayPlan:
    if not 0 <= day_index < len(plan.days):
        msg = f"Expected day_index in [0, {len(plan.days)}), got {day_index}."
        raise IndexError(msg)
    return plan.days[day_index]


def _new_map(plan: Plan, day: DayPlan) -> folium.Map:
    # No tiles by default: offline they would only fail to load. The road base layer and
    # the switched-off tile layer (see routing.maps.tiles) stand in.
    m = folium.Map(
        location=(plan.office_lat, plan.office_lon),
        zoom_start=14,
        tiles=None,
        control_scale=True,
        zoom_snap=0.25,
    )
    figure_of(m).title = f"{day.date.isoformat()} {plan.manager}".strip()
    return m


def _prepare(m: folium.Map) -> None:
    """Inline Leaflet and the map CSS, and add the pane arrows are drawn in."""
    make_offline(m)
    figure_of(m).header.add_child(RawHtml(f"<style>{CSS}</style>"), name="vp_map_css")
    add_arrows_pane(m)


def _area(
    legs: Sequence[Sequence[LatLon]], unvisited: Iterable[tuple[Retailer, list[str]]]
) -> Bounds:
    """Return the WGS-84 bounds of what the day map shows: its route and who was left out."""
    points = [(lon, lat) for leg in legs for lat, lon in leg]
    points += [(retailer.lon, retailer.lat) for retailer, _ in unvisited]
    return bounds_of(points)


def _shifted_leg(leg: Sequence[LatLon], shift: Shift) -> list[LatLon]:
    if shift.identity:
        return list(leg)
    moved = shift.line([(lon, lat) for lat, lon in leg])
    return [(round(lat, 6), round(lon, 6)) for lon, lat in moved]


def _legs(plan: Plan, day: DayPlan, paths: Paths | None) -> list[list[LatLon]]:
    """Return each leg as ``(lat, lon)`` points, straight where no road path is given."""
    office = (plan.office_lat, plan.office_lon)
    places = [office, *((stop.lat, stop.lon) for stop in day.stops), office]
    straight = [[places[k], places[k + 1]] for k in range(len(places) - 1)]
    if paths is None:
        return straight
    if len(paths) != len(straight):
        msg = (
            f"Expected {len(straight)} paths (office, {len(day.stops)} stops, office) for "
            f"{day.date.isoformat()}, got {len(paths)}."
        )
        raise ValueError(msg)
    return [
        [(round(lat, 6), round(lon, 6)) for lon, lat in path] if len(path) >= 2 else line
        for path, line in zip(paths, straight, strict=True)
    ]


def _route_layer(
    day: DayPlan, legs: Sequence[Sequence[LatLon]], *, straight: bool, lang: str
) -> folium.FeatureGroup:
    """Return the route: a line per leg with its length in the tooltip, and arrowheads."""
    group = folium.FeatureGroup(name=f"{day.date.isoformat()} {label('route', lang)}")
    office = label("office", lang)
    ends = [office, *(str(number) for number in range(1, len(day.stops) + 1)), office]
    lengths = [(s.travel_m, s.travel_s) for s in day.stops]
    lengths.append((day.travel_back_m, day.travel_back_s))
    for k, leg in enumerate(legs):
        metres, seconds = lengths[k]
        tooltip = (
            f"{ends[k]} → {ends[k + 1]} · {metres} {label('unit_m', lang)} · "
            f"{minutes(seconds)} {label('unit_min', lang)}"
        )
        line = folium.PolyLine(  # type: ignore[no-untyped-call]
            leg,
            color=ROUTE_COLOUR,
            weight=3 if straight else 4,
            opacity=0.85,
            dash_array="6 8" if straight else None,
            class_name="vp-route",
        )
        Bindings(None, escape(tooltip)).add_to(line)
        line.add_to(group)
    arrows = [arrow for leg in legs for arrow in leg_arrows(leg)]
    if arrows:
        ArrowHeads(arrows).add_to(group)
    return group


def _stops_layer(
    plan: Plan, day: DayPlan, retailers: Mapping[str, Retailer], lang: str
) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=f"{day.date.isoformat()} {label('stops', lang)}")
    office_popup = (
        f"<b>{escape(label('office', lang))}</b><br>"
        f"{escape(label('depart_office', lang))} {clock(day.depart_office_s)} · "
        f"{escape(label('return_office', lang))} {clock(day.return_office_s)}"
    )
    _box_marker(
        (plan.office_lat, plan.office_lon), label("office", lang), office_popup, "vp-office"
    ).add_to(group)
    for number, stop in enumerate(day.stops, start=1):
        _stop_marker(number, stop, retailers.get(stop.retailer_id), lang).add_to(group)
    if day.lunch is not None:
        _lunch_marker(plan, day, day.lunch, lang).add_to(group)
    return group


def _lunch_marker(plan: Plan, day: DayPlan, lunch: Lunch, lang: str) -> folium.Marker:
    after = min(lunch.after_stop, len(day.stops))
    place = (day.stops[after - 1].lat, day.stops[after - 1].lon) if after else None
    text = f"{label('lunch', lang)} {clock(lunch.start_s)}–{clock(lunch.end_s)}"
    where = label("after_stop", lang).format(n=after) if after else label("office", lang)
    popup = f"<b>{escape(text)}</b><br>{escape(where)}"
    location = place or (plan.office_lat, plan.office_lon)
    return _box_marker(
        location, label("lunch", lang), popup, "vp-lunch", anchor=(-10, 30), tooltip=text
    )


def _times(stop: Stop, lang: str) -> str:
    return " · ".join(
        f"{label(key, lang)} {clock(seconds)}"
        for key, seconds in (
            ("arrive", stop.arrive_s),
            ("start", stop.start_s),
            ("end", stop.end_s),
        )
    )


def _stop_marker(number: int, stop: Stop, retailer: Retailer | None, lang: str) -> folium.Marker:
    name = retailer.name if retailer else stop.retailer_id
    flags = marker_flags_text(retailer, lang) if retailer is not None else ""
    title = f"{number}. {name}"
    if retailer is not None:
        title += f" ({retailer.retailer_class})"
    lines = [
        f"<b>{number}. {escape(name)}</b>",
        f"{escape(label('retailer_id', lang))}: {escape(stop.retailer_id)}",
    ]
    if retailer is not None:
        lines.append(f"{escape(label('retailer_class', lang))}: {escape(retailer.retailer_class)}")
    lines.append(escape(_times(stop, lang)))
    leg = (
        f"{label('leg', lang)}: {stop.travel_m} {label('unit_m', lang)} · "
        f"{minutes(stop.travel_s)} {label('unit_min', lang)}"
    )
    lines.append(escape(leg))
    if flags:
        lines.append(f"{escape(label('flags', lang))}: <b>{escape(flags)}</b>")
    if retailer is not None and retailer.address:
        lines.append(f"{escape(label('address', lang))}: {escape(retailer.address)}")
    icon = folium.DivIcon(
        html=stop_icon_html(number, retailer),
        icon_size=(26, 26),
        icon_anchor=(13, 13),
        class_name="vp-stop",
    )
    marker = folium.Marker(location=(stop.lat, stop.lon), icon=icon)
    tooltip = [f"<b>{escape(title)}</b>", escape(_times(stop, lang))]
    if flags:
        tooltip.append(escape(flags))
    Bindings("<br>".join(lines), "<br>".join(tooltip)).add_to(marker)
    return marker


def _box_marker(
    location: LatLon,
    text: str,
    popup: str,
    class_name: str,
    *,
    anchor: tuple[int, int] = (20, 10),
    tooltip: str | None = None,
) -> folium.Marker:
    icon = folium.DivIcon(html=box_icon_html(text), icon_anchor=anchor, class_name=class_name)
    marker = folium.Marker(location=location, icon=icon, z_index_offset=1000)
    Bindings(popup, escape(tooltip or text)).add_to(marker)
    return marker


def _unvisited(
    plan: Plan, day: DayPlan, retailers: Mapping[str, Retailer]
) -> dict[str, tuple[Retailer, list[str]]]:
    """Return the retailers not visited on ``day`` (dated that day or undated) with reasons."""
    visited = {stop.retailer_id for stop in day.stops}
    found: dict[str, tuple[Retailer, list[str]]] = {}
    for item in plan.unplanned:
        retailer = retailers.get(item.retailer_id)
        if retailer is None or item.retailer_id in visited:
            continue
        if item.date is not None and item.date != day.date:
            continue
        reasons = found.setdefault(item.retailer_id, (retailer, []))[1]
        if item.reason not in reasons:
            reasons.append(item.reason)
    return found


def _unvisited_layer(
    day: DayPlan, unvisited: Mapping[str, tuple[Retailer, list[str]]], lang: str
) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=f"{day.date.isoformat()} {label('not_visited', lang)}")
    for retailer_id, (retailer, reasons) in unvisited.items():
        reason = label("list_sep", lang).join(reason_label(r, lang) for r in reasons)
        popup = (
            f"<b>{escape(retailer.name)}</b><br>"
            f"{escape(label('retailer_id', lang))}: {escape(retailer_id)}<br>"
            f"{escape(label('retailer_class', lang))}: {escape(retailer.retailer_class)}<br>"
            f"{escape(label('reason', lang))}: {escape(reason)}"
        )
        marker = folium.CircleMarker(
            location=(retailer.lat, retailer.lon),
            radius=6,
            color=UNVISITED_COLOUR,
            weight=1,
            fill=True,
            fill_color="#bdbdbd",
            fill_opacity=0.9,
            dash_array="2 2",
            class_name="vp-unvisited",
        )
        Bindings(popup, f"{escape(retailer.name)}: {escape(reason)}").add_to(marker)
        marker.add_to(group)
    return group


def _bounds(legs: Sequence[Sequence[LatLon]]) -> list[list[float]]:
    lats = [lat for leg in legs for lat, _ in leg]
    lons = [lon for leg in legs for _, lon in leg]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]
