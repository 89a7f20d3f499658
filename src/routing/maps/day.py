"""One day of a plan on a folium map: numbered stops, office, lunch, route and totals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

import folium

from routing.labels import clock, flags_text, label, minutes
from routing.maps.elements import Bindings, InfoPanel, RawHtml
from routing.maps.offline import figure_of, make_offline
from routing.maps.panel import panel_html
from routing.maps.style import CSS, ROUTE_COLOUR, UNVISITED_COLOUR, box_icon_html, stop_icon_html
from routing.plan import DayPlan, Plan, Stop
from routing.retailers import Retailer

LatLon = tuple[float, float]


def day_map(
    plan: Plan,
    day_index: int,
    retailers: Mapping[str, Retailer],
    *,
    paths: Sequence[Sequence[tuple[float, float]]] | None = None,
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
        If ``paths`` does not have one polyline per leg, or ``lang`` is unknown.
    """
    day = _day(plan, day_index)
    label("date", lang)  # fail early on an unknown language
    legs = _legs(plan, day, paths)
    if m is None:
        m = _new_map(plan, day)
    make_offline(m)
    figure_of(m).header.add_child(RawHtml(f"<style>{CSS}</style>"), name="vp_map_css")
    unvisited = _unvisited(plan, day, retailers)
    _route_layer(day, legs, straight=paths is None, lang=lang).add_to(m)
    if unvisited:
        _unvisited_layer(day, unvisited, lang).add_to(m)
    _stops_layer(plan, day, retailers, lang).add_to(m)
    classes = sorted({r.retailer_class for s in day.stops if (r := retailers.get(s.retailer_id))})
    html = panel_html(
        day,
        manager=plan.manager,
        classes=classes,
        unvisited=len(unvisited),
        straight=paths is None,
        lang=lang,
    )
    InfoPanel(html).add_to(m)
    m.fit_bounds(_bounds(legs), padding=(30, 30), max_zoom=17)
    return m


def _day(plan: Plan, day_index: int) -> DayPlan:
    if not 0 <= day_index < len(plan.days):
        msg = f"Expected day_index in [0, {len(plan.days)}), got {day_index}."
        raise IndexError(msg)
    return plan.days[day_index]


def _new_map(plan: Plan, day: DayPlan) -> folium.Map:
    m = folium.Map(
        location=(plan.office_lat, plan.office_lon),
        zoom_start=14,
        tiles="OpenStreetMap",
        control_scale=True,
    )
    figure_of(m).title = f"{day.date.isoformat()} {plan.manager}".strip()
    return m


def _legs(
    plan: Plan, day: DayPlan, paths: Sequence[Sequence[tuple[float, float]]] | None
) -> list[list[LatLon]]:
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
        )
        Bindings(None, escape(tooltip)).add_to(line)
        line.add_to(group)
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
        after = min(day.lunch.after_stop, len(day.stops))
        place = (day.stops[after - 1].lat, day.stops[after - 1].lon) if after else None
        text = f"{label('lunch', lang)} {clock(day.lunch.start_s)}–{clock(day.lunch.end_s)}"
        where = label("after_stop", lang).format(n=after) if after else label("office", lang)
        popup = f"<b>{escape(text)}</b><br>{escape(where)}"
        location = place or (plan.office_lat, plan.office_lon)
        _box_marker(location, label("lunch", lang), popup, "vp-lunch", anchor=(-10, 30)).add_to(
            group
        )
    return group


def _stop_marker(number: int, stop: Stop, retailer: Retailer | None, lang: str) -> folium.Marker:
    name = retailer.name if retailer else stop.retailer_id
    lines = [
        f"<b>{number}. {escape(name)}</b>",
        f"{escape(label('retailer_id', lang))}: {escape(stop.retailer_id)}",
    ]
    if retailer is not None:
        lines.append(f"{escape(label('retailer_class', lang))}: {escape(retailer.retailer_class)}")
    lines.append(
        " · ".join(
            f"{escape(label(key, lang))} {clock(seconds)}"
            for key, seconds in (
                ("arrive", stop.arrive_s),
                ("start", stop.start_s),
                ("end", stop.end_s),
            )
        )
    )
    if retailer is not None and (flags := flags_text(retailer, lang)):
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
    tooltip = f"{number}. {escape(name)} {clock(stop.start_s)}"
    Bindings("<br>".join(lines), tooltip).add_to(marker)
    return marker


def _box_marker(
    location: LatLon,
    text: str,
    popup: str,
    class_name: str,
    *,
    anchor: tuple[int, int] = (20, 10),
) -> folium.Marker:
    icon = folium.DivIcon(html=box_icon_html(text), icon_anchor=anchor, class_name=class_name)
    marker = folium.Marker(location=location, icon=icon, z_index_offset=1000)
    Bindings(popup, escape(text)).add_to(marker)
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
        reason = label("list_sep", lang).join(reasons)
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
        )
        Bindings(popup, f"{escape(retailer.name)}: {escape(reason)}").add_to(marker)
        marker.add_to(group)
    return group


def _bounds(legs: Sequence[Sequence[LatLon]]) -> list[list[float]]:
    lats = [lat for leg in legs for lat, _ in leg]
    lons = [lon for leg in legs for _, lon in leg]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]
