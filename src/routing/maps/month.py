"""A month plan on one folium map: a layer per working day (or per line) to switch on and off.

Every layer has its own colour from :data:`PALETTE`, its route(s) and small numbered stop
markers; the office stays on top of all of them, and a panel gives the month's totals. The
page uses only Leaflet (its layer control included), so :func:`~routing.maps.save_map`
writes it to open with no internet.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

import folium
from folium.template import Template

from routing.labels import (
    clock,
    kilometres,
    label,
    line_label,
    marker_flags_text,
    minutes,
    month_day,
    retailer_lines,
    weekday_label,
)
from routing.maps.elements import Bindings, InfoPanel, RawHtml
from routing.maps.offline import figure_of, make_offline
from routing.maps.panel import ATTRIBUTION
from routing.maps.roads import ROAD_COLOUR, BaseRoads, Bounds, add_base_roads, bounds_of
from routing.maps.shift import Shift
from routing.maps.style import CSS, UNVISITED_COLOUR, box_icon_html
from routing.maps.tiles import add_layer_control, add_tile_layer, check_tiles, display_crs
from routing.plan import DayPlan, Plan, Stop
from routing.reason_labels import reason_label
from routing.retailers import Retailer

LatLon = tuple[float, float]
Paths = Mapping[date, Sequence[Sequence[tuple[float, float]]]]

PALETTE = (
    "#e6194b",
    "#3cb44b",
    "#4363d8",
    "#f58231",
    "#911eb4",
    "#008080",
    "#f032e6",
    "#9a6324",
    "#800000",
    "#808000",
    "#000075",
    "#46a0c8",
)
"""Layer colours in order: day ``k`` (or line ``k``) gets ``PALETTE[k % len(PALETTE)]``."""

NO_LINE_COLOUR = "#37474f"
GROUPS = ("day", "line")
_DASH = {"route_roads": "solid", "route_straight": "dashed"}

MONTH_CSS = """
.vp-mstop .vp-m{box-sizing:border-box;width:18px;height:18px;border-radius:50%;
 border:2px solid #fff;color:#fff;font:bold 10px/14px sans-serif;text-align:center;
 box-shadow:0 0 2px rgba(0,0,0,.8)}
"""


class RouteLine(folium.PolyLine):
    """A polyline with its points written without spaces: a month of roads adds up."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.polyline(
                {{ this.points }},
                {{ this.options|tojson }}
            ).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, points: Sequence[LatLon], **options: object) -> None:
        super().__init__(points, **options)  # type: ignore[no-untyped-call]
        self.points = json.dumps([list(point) for point in points], separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class _Layer:
    """One switchable layer: its name in the layer control, colour and days."""

    name: str
    colour: str
    days: tuple[DayPlan, ...]


def month_map(
    plan: Plan,
    retailers: Mapping[str, Retailer],
    *,
    paths: Paths | None = None,
    roads: BaseRoads | None = None,
    tiles: str = "osm",
    lang: str = "zh",
    group_by: str = "day",
    m: folium.Map | None = None,
) -> folium.Map:
    """Draw all days of a month plan on one folium map, a layer per day or per line.

    Parameters
    ----------
    plan
        The month plan; its office is where every route starts and ends.
    retailers
        Retailer records by id, for names, classes and flags. Retailers in
        ``plan.unplanned`` that get no visit at all are drawn in grey in a layer of their own.
    paths
        For some or all dates, the road polyline of each leg as ``(lon, lat)`` pairs, as in
        :func:`~routing.maps.day_map` (leg 0 office to stop 1, the last leg back to the
        office). Days without one are drawn as dashed straight lines.
    roads
        The area's streets, drawn light under the routes (clipped to the month's routes
        with a margin) so the map reads offline; ``None`` draws none.
    tiles
        The online tile layer offered, switched off: ``osm``, ``amap`` (draws everything in
        GCJ-02 to sit on AMap's streets) or ``none`` (see :mod:`routing.maps.tiles`).
    lang
        ``zh`` (default) or ``en`` labels.
    group_by
        ``day``: a layer per working day with its route and numbered stops. ``line``: a
        layer per line (线路, from ``plan.extra["lines"]``) with its retailers, numbered in
        visiting order, and the routes of the days that work it (a day works the line most
        of its stops belong to).
    m
        A map to add the layers to; a new one if ``None``.

    Returns
    -------
    folium.Map
        The map, with Leaflet set to be inlined when saved (see :func:`save_map`).

    Raises
    ------
    ValueError
        If the plan has no days, ``group_by`` is unknown or ``line`` for a plan without
        lines, ``paths`` names a date not in the plan or has the wrong number of legs for
        one, or ``lang`` or ``tiles`` is unknown.
    """
    label("date", lang)  # fail early on an unknown language
    _check(plan, paths, group_by)
    shift = Shift(display_crs(check_tiles(tiles)))
    given = paths or {}
    shown = _area(plan, given, retailers)
    plan, retailers = shift.plan(plan), shift.retailers(retailers)
    given = {when: shift.lines(legs) for when, legs in given.items()}
    routes = {day.date: _route(plan, day, given.get(day.date)) for day in plan.days}
    straight = {day.date for day in plan.days if day.date not in given}
    if m is None:
        m = _new_map(plan)
    _add_css(m)
    if roads is not None:
        add_base_roads(m, shift.lines(roads.lines_within(shown)), name=label("road_network", lang))
    context = _Context.of(plan, retailers, lang)
    per_day = group_by == "day"
    for layer in _day_layers(plan, lang) if per_day else _line_layers(plan, lang):
        _layer_group(layer, routes, straight, context, per_day=per_day).add_to(m)
    unvisited = _unvisited(plan, context)
    if unvisited:
        _unvisited_layer(unvisited, context).add_to(m)
    # In a layer of its own (not in the control), added after the marker: a marker put
    # straight on the map would show Leaflet's default icon until folium sets its own.
    office = folium.FeatureGroup(name=label("office", lang), control=False)
    _office_marker(plan, lang).add_to(office)
    office.add_to(m)
    legend = sorted({"route_straight" if d.date in straight else "route_roads" for d in plan.days})
    has_roads = "vp_base_roads" in m._children
    InfoPanel(_panel_html(plan, len(unvisited), legend, has_roads, lang)).add_to(m)
    add_tile_layer(m, tiles, lang)
    add_layer_control(m)
    m.fit_bounds(_bounds(routes.values()), padding=(30, 30), max_zoom=17)
    return m


def _area(plan: Plan, paths: Paths, retailers: Mapping[str, Retailer]) -> Bounds:
    """Return the WGS-84 bounds of the month's routes and of the retailers left out."""
    points = [(plan.office_lon, plan.office_lat)]
    points += [(stop.lon, stop.lat) for day in plan.days for stop in day.stops]
    points += [point for legs in paths.values() for leg in legs for point in leg]
    points += [
        (retailers[item.retailer_id].lon, retailers[item.retailer_id].lat)
        for item in plan.unplanned
        if item.retailer_id in retailers
    ]
    return bounds_of(points)


def _check(plan: Plan, paths: Paths | None, group_by: str) -> None:
    if not plan.days:
        msg = "Expected a plan with at least one day to draw."
        raise ValueError(msg)
    if group_by not in GROUPS:
        msg = f"Expected group_by 'day' or 'line', got {group_by!r}."
        raise ValueError(msg)
    if group_by == "line" and not retailer_lines(plan):
        msg = 'group_by="line" needs a plan planned by lines (plan.extra["lines"]); use "day".'
        raise ValueError(msg)
    unknown = sorted(set(paths or {}) - {day.date for day in plan.days})
    if unknown:
        msg = f"Expected paths only for the plan's days, got {[d.isoformat() for d in unknown]}."
        raise ValueError(msg)


@dataclass(frozen=True, slots=True)
class _Context:
    """What every popup needs: records, all visit dates, reasons left out, lines, language."""

    retailers: Mapping[str, Retailer]
    dates: Mapping[str, tuple[date, ...]]
    reasons: Mapping[str, tuple[str, ...]]
    lines: Mapping[str, int]
    lang: str

    @classmethod
    def of(cls, plan: Plan, retailers: Mapping[str, Retailer], lang: str) -> _Context:
        """Collect the context of ``plan`` (dates from ``plan.retailers``, else its stops)."""
        dates: dict[str, set[date]] = {}
        for day in plan.days:
            for stop in day.stops:
                dates.setdefault(stop.retailer_id, set()).add(day.date)
        listed = {entry.id: tuple(sorted(entry.dates)) for entry in plan.retailers}
        reasons: dict[str, list[str]] = {}
        for item in plan.unplanned:
            found = reasons.setdefault(item.retailer_id, [])
            if item.reason not in found:
                found.append(item.reason)
        return cls(
            retailers=retailers,
            dates={key: tuple(sorted(value)) for key, value in dates.items()} | listed,
            reasons={key: tuple(value) for key, value in reasons.items()},
            lines=retailer_lines(plan),
            lang=lang,
        )


def _new_map(plan: Plan) -> folium.Map:
    # No tiles by default (offline they only fail to load); see routing.maps.tiles.
    m = folium.Map(
        location=(plan.office_lat, plan.office_lon),
        zoom_start=13,
        tiles=None,
        control_scale=True,
        zoom_snap=0.25,
    )
    first, last = plan.days[0].date, plan.days[-1].date
    figure_of(m).title = f"{first.isoformat()} – {last.isoformat()} {plan.manager}".strip()
    return m


def _add_css(m: folium.Map) -> None:
    make_offline(m)
    header = figure_of(m).header
    header.add_child(RawHtml(f"<style>{CSS}</style>"), name="vp_map_css")
    header.add_child(RawHtml(f"<style>{MONTH_CSS}</style>"), name="vp_month_css")


def _route(
    plan: Plan, day: DayPlan, legs: Sequence[Sequence[tuple[float, float]]] | None
) -> list[LatLon]:
    """Return the day's whole route as ``(lat, lon)`` points: rounded, no repeated point.

    Each leg follows ``legs`` (``(lon, lat)`` pairs) when given with at least two points,
    else it is the straight line between its ends.
    """
    office = (plan.office_lon, plan.office_lat)
    places = [office, *((stop.lon, stop.lat) for stop in day.stops), office]
    straight = [places[k : k + 2] for k in range(len(places) - 1)]
    if legs is None:
        legs = straight
    elif len(legs) != len(straight):
        msg = (
            f"Expected {len(straight)} paths (office, {len(day.stops)} stops, office) for "
            f"{day.date.isoformat()}, got {len(legs)}."
        )
        raise ValueError(msg)
    points: list[LatLon] = []
    for leg, line in zip(legs, straight, strict=True):
        for lon, lat in leg if len(leg) >= 2 else line:
            point = (round(lat, 6), round(lon, 6))
            if not points or points[-1] != point:
                points.append(point)
    return points


def _day_layers(plan: Plan, lang: str) -> list[_Layer]:
    return [
        _Layer(name=_day_name(day, lang), colour=PALETTE[k % len(PALETTE)], days=(day,))
        for k, day in enumerate(plan.days)
    ]


def _line_layers(plan: Plan, lang: str) -> list[_Layer]:
    """Return a layer per line worked on some day, by line, then the days of no line."""
    lines = retailer_lines(plan)
    worked: dict[int | None, list[DayPlan]] = {}
    for day in plan.days:
        worked.setdefault(_line_of(day, lines), []).append(day)
    layers = []
    for index in sorted(worked, key=lambda i: (i is None, i or 0)):
        days = tuple(worked[index])
        shops = {stop.retailer_id for day in days for stop in day.stops}
        name = " · ".join(
            (
                line_label(index, lang),
                label("n_days", lang).format(n=len(days)),
                label("n_retailers", lang).format(n=len(shops)),
                _km(sum(day.travel_m for day in days), lang),
            )
        )
        colour = NO_LINE_COLOUR if index is None else PALETTE[index % len(PALETTE)]
        layers.append(_Layer(name=name, colour=colour, days=days))
    return layers


def _line_of(day: DayPlan, lines: Mapping[str, int]) -> int | None:
    """Return the line most of the day's stops belong to (the lowest on a tie), if any."""
    counts = Counter(lines[s.retailer_id] for s in day.stops if s.retailer_id in lines)
    if not counts:
        return None
    most = max(counts.values())
    return min(index for index, count in counts.items() if count == most)


def _day_name(day: DayPlan, lang: str) -> str:
    return " · ".join(
        (
            _short_date(day.date, lang),
            label("n_visits", lang).format(n=len(day.stops)),
            _km(day.travel_m, lang),
        )
    )


def _day_totals(day: DayPlan, lang: str) -> str:
    """Return a day's totals for its route's tooltip: visits, km, travel, service, hours."""
    parts = [
        _day_name(day, lang),
        f"{label('travel_min', lang)} {minutes(day.travel_s)}",
        f"{label('service_min', lang)} {minutes(day.service_s)}",
    ]
    if day.stops:
        parts.append(f"{clock(day.stops[0].start_s)}–{clock(day.stops[-1].end_s)}")
    return " · ".join(parts)


def _km(metres: int, lang: str) -> str:
    return f"{kilometres(metres)}km" if lang == "zh" else f"{kilometres(metres)} km"


def _marks(layer: _Layer, *, per_day: bool) -> list[tuple[int, Stop, DayPlan | None]]:
    """Return the numbered stops of a layer: every stop of its day, or each retailer once.

    A line layer numbers its retailers in the order they are first visited.
    """
    if per_day:
        return [(n, stop, day) for day in layer.days for n, stop in enumerate(day.stops, 1)]
    first: dict[str, Stop] = {}
    for day in layer.days:
        for stop in day.stops:
            first.setdefault(stop.retailer_id, stop)
    return [(n, stop, None) for n, stop in enumerate(first.values(), 1)]


def _layer_group(
    layer: _Layer,
    routes: Mapping[date, list[LatLon]],
    straight: set[date],
    context: _Context,
    *,
    per_day: bool,
) -> folium.FeatureGroup:
    """Return a layer's routes (one line per day) and numbered stops in its colour."""
    group = folium.FeatureGroup(name=escape(layer.name))
    for day in layer.days:
        if len(routes[day.date]) >= 2:  # a day without stops has no route
            tooltip = _day_totals(day, context.lang)
            line = _route_line(routes[day.date], layer.colour, day.date in straight, tooltip)
            line.add_to(group)
    for number, stop, visit_day in _marks(layer, per_day=per_day):
        _stop_marker(number, stop, visit_day, layer.colour, context).add_to(group)
    return group


def _route_line(points: list[LatLon], colour: str, straight: bool, tooltip: str) -> RouteLine:
    line = RouteLine(
        points,
        color=colour,
        weight=3,
        opacity=0.8,
        dash_array="6 8" if straight else None,
        class_name="vp-route",
    )
    Bindings(None, escape(tooltip)).add_to(line)
    return line


def _stop_marker(
    number: int, stop: Stop, day: DayPlan | None, colour: str, context: _Context
) -> folium.Marker:
    retailer = context.retailers.get(stop.retailer_id)
    name = retailer.name if retailer else stop.retailer_id
    icon = folium.DivIcon(
        html=f'<div class="vp-m" style="background:{colour}">{number}</div>',
        icon_size=(18, 18),
        icon_anchor=(9, 9),
        class_name="vp-mstop",
    )
    marker = folium.Marker(location=(stop.lat, stop.lon), icon=icon)
    when = None
    if day is not None:
        when = f"{_short_date(day.date, context.lang)} {clock(stop.start_s)}–{clock(stop.end_s)}"
    popup = _popup(f"{number}. {name}", stop.retailer_id, retailer, context, when)
    Bindings(popup, f"{number}. {escape(name)}").add_to(marker)
    return marker


def _short_date(day: date, lang: str) -> str:
    return f"{month_day(day)} {weekday_label(day, lang)}"


def _popup(
    title: str, retailer_id: str, retailer: Retailer | None, context: _Context, when: str | None
) -> str:
    """Return a retailer's popup: who it is, this visit, all its visit dates, what is missing."""
    lang, sep = context.lang, label("list_sep", context.lang)
    rows = [(label("retailer_id", lang), retailer_id)]
    if retailer is not None:
        rows.append((label("retailer_class", lang), retailer.retailer_class))
    if retailer_id in context.lines:
        rows.append((label("line", lang), line_label(context.lines[retailer_id], lang)))
    if when:
        rows.append((label("date", lang), when))
    dates = context.dates.get(retailer_id, ())
    rows.append((label("visit_dates", lang), sep.join(_short_date(d, lang) for d in dates) or "—"))
    if retailer is not None and (flags := marker_flags_text(retailer, lang)):
        rows.append((label("flags", lang), flags))
    if reasons := context.reasons.get(retailer_id):
        rows.append(
            (label("unplanned_reasons", lang), sep.join(reason_label(r, lang) for r in reasons))
        )
    if retailer is not None and retailer.address:
        rows.append((label("address", lang), retailer.address))
    lines = [f"<b>{escape(title)}</b>", *(f"{escape(k)}: {escape(v)}" for k, v in rows)]
    return "<br>".join(lines)


def _unvisited(plan: Plan, context: _Context) -> list[Retailer]:
    """Return the retailers left out of the whole month that have a record to draw."""
    visited = {stop.retailer_id for day in plan.days for stop in day.stops}
    left_out = dict.fromkeys(item.retailer_id for item in plan.unplanned)
    return [
        context.retailers[key]
        for key in left_out
        if key not in visited and key in context.retailers
    ]


def _unvisited_layer(unvisited: Sequence[Retailer], context: _Context) -> folium.FeatureGroup:
    lang = context.lang
    name = f"{label('not_visited', lang)} ({len(unvisited)})"
    group = folium.FeatureGroup(name=escape(name))
    for retailer in unvisited:
        marker = folium.CircleMarker(
            location=(retailer.lat, retailer.lon),
            radius=5,
            color=UNVISITED_COLOUR,
            weight=1,
            fill=True,
            fill_color="#bdbdbd",
            fill_opacity=0.9,
        )
        popup = _popup(retailer.name, retailer.id, retailer, context, None)
        reasons = label("list_sep", lang).join(
            reason_label(r, lang) for r in context.reasons.get(retailer.id, ())
        )
        Bindings(popup, escape(f"{retailer.name}: {reasons}")).add_to(marker)
        marker.add_to(group)
    return group


def _office_marker(plan: Plan, lang: str) -> folium.Marker:
    text = label("office", lang)
    icon = folium.DivIcon(html=box_icon_html(text), icon_anchor=(20, 10), class_name="vp-office")
    marker = folium.Marker(
        location=(plan.office_lat, plan.office_lon), icon=icon, z_index_offset=1000
    )
    Bindings(f"<b>{escape(text)}</b>", escape(text)).add_to(marker)
    return marker


def _panel_html(plan: Plan, unvisited: int, legend: Sequence[str], roads: bool, lang: str) -> str:
    """Return the month's totals panel, with the route legend and the map attribution."""
    days = plan.days
    first, last = days[0].date, days[-1].date
    same_month = (first.year, first.month) == (last.year, last.month)
    period = first.isoformat()[:7] if same_month else f"{first} – {last}"
    title = " · ".join(part for part in (label("month_plan", lang), period, plan.manager) if part)
    visits = sum(len(day.stops) for day in days)
    rows = [
        (label("working_days", lang), f"{len(days)}"),
        (
            f"{label('visits', lang)} / {label('quota', lang)}",
            f"{visits} / {sum(day.quota for day in days)}",
        ),
        (label("total_km", lang), f"{kilometres(sum(day.travel_m for day in days))}"),
        (label("travel_h", lang), _hours(sum(day.travel_s for day in days))),
        (label("service_h", lang), _hours(sum(day.service_s for day in days))),
    ]
    if unvisited:
        rows.append((label("not_visited", lang), f"{unvisited}"))
    table = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    lines = "<br>".join(
        f'<span class="vp-line" style="border-top-style:{_DASH[key]};color:#555"></span>'
        f"{escape(label(key, lang))}"
        for key in legend
    )
    if roads:
        lines += (
            f'<br><span class="vp-line" style="color:{ROAD_COLOUR};border-top-width:2px"></span>'
            f"{escape(label('road_network', lang))}"
        )
    return (
        f'<details open><summary class="vp-title">{escape(title)}</summary><table>{table}'
        f'</table><div class="vp-legend">{lines}</div></details>'
        f'<div class="vp-attr">{ATTRIBUTION}</div>'
    )


def _hours(seconds: int) -> str:
    return f"{seconds / 3600:.1f}"


def _bounds(routes: Iterable[Sequence[LatLon]]) -> list[list[float]]:
    points = [point for route in routes for point in route]
    lats = [lat for lat, _ in points]
    lons = [lon for _, lon in points]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]
