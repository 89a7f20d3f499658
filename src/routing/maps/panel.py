"""The totals panel of the day map: visits against quota, distance, times and the legend."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from routing.labels import area_label, clock, kilometres, label, minutes
from routing.maps.style import (
    CLASS_COLOURS,
    FLAG_COLOURS,
    OTHER_CLASS_COLOUR,
    ROUTE_COLOUR,
    UNVISITED_COLOUR,
)
from routing.plan import DayPlan

ATTRIBUTION = "© OpenStreetMap contributors"


def panel_html(
    day: DayPlan,
    *,
    manager: str,
    classes: Sequence[str],
    unvisited: int,
    straight: bool,
    lang: str,
) -> str:
    """Return the HTML of the day's totals panel with its legend and attribution.

    A click on the title folds the panel away (on a phone it covers much of the map).

    Parameters
    ----------
    day
        The day drawn.
    manager
        The customer manager's name, shown in the title.
    classes
        The retailer classes among the day's stops, for the colour legend.
    unvisited
        How many retailers not visited are drawn in grey.
    straight
        Whether the route is drawn as straight lines rather than along roads.
    lang
        ``zh`` or ``en``.
    """
    title = " · ".join(
        part for part in (day.date.isoformat(), area_label(day.area, lang), manager) if part
    )
    rows = "".join(
        f"<tr><th>{escape(name)}</th><td>{escape(value)}</td></tr>"
        for name, value in _totals(day, lang)
    )
    legend = _legend(classes, unvisited=unvisited, straight=straight, lang=lang)
    return (
        f'<details open><summary class="vp-title">{escape(title)}</summary><table>{rows}</table>'
        f'<div class="vp-legend">{legend}</div></details><div class="vp-attr">{ATTRIBUTION}</div>'
    )


def _totals(day: DayPlan, lang: str) -> list[tuple[str, str]]:
    first = clock(day.stops[0].arrive_s) if day.stops else "—"
    last = clock(day.stops[-1].end_s) if day.stops else "—"
    lunch = "—"
    if day.lunch is not None:
        lunch = f"{clock(day.lunch.start_s)}–{clock(day.lunch.end_s)}"
    rows = [
        (f"{label('visits', lang)} / {label('quota', lang)}", f"{len(day.stops)} / {day.quota}"),
        (label("total_km", lang), f"{kilometres(day.travel_m)}"),
        (label("travel_min", lang), f"{minutes(day.travel_s)}"),
        (label("service_min", lang), f"{minutes(day.service_s)}"),
        (label("depart_office", lang), clock(day.depart_office_s)),
        (label("first_visit", lang), first),
        (label("lunch", lang), lunch),
        (label("field_end", lang), last),
        (label("return_office", lang), clock(day.return_office_s)),
    ]
    if day.shortfall_reason:
        rows.append((label("shortfall_reason", lang), day.shortfall_reason))
    return rows


def _legend(classes: Sequence[str], *, unvisited: int, straight: bool, lang: str) -> str:
    dash = "dashed" if straight else "solid"
    route = label("route_straight" if straight else "route_roads", lang)
    parts = [f'<span class="vp-line" style="border-top-style:{dash};color:{ROUTE_COLOUR}"></span>']
    parts.append(f"{escape(route)}<br>{escape(label('retailer_class', lang))}:")
    for name in classes:
        colour = CLASS_COLOURS.get(name, OTHER_CLASS_COLOUR)
        parts.append(f'<span class="vp-dot" style="background:{colour}"></span>{escape(name)}')
    parts.append(f"<br>{escape(label('flags', lang))}:")
    for key, colour in FLAG_COLOURS.items():
        parts.append(f'<span class="vp-ring" style="border-color:{colour}"></span>')
        parts.append(escape(label(key, lang)))
    if unvisited:
        parts.append(f'<br><span class="vp-dot" style="background:{UNVISITED_COLOUR}"></span>')
        parts.append(f"{escape(label('not_visited', lang))} ({unvisited})")
    return "".join(parts)
