"""The totals panel of the day map: visits against quota, distance, times and the legend."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from routing.labels import area_label, clock, kilometres, label, minutes
from routing.maps.arrows import ARROW_COLOUR
from routing.maps.roads import OSM_ATTRIBUTION, ROAD_COLOUR
from routing.maps.style import (
    CLASS_COLOURS,
    FLAG_COLOURS,
    OTHER_CLASS_COLOUR,
    ROUTE_COLOUR,
    UNVISITED_COLOUR,
)
from routing.plan import DayPlan
from routing.reason_labels import reason_label
from routing.rules import Rules

ATTRIBUTION = OSM_ATTRIBUTION


@dataclass(frozen=True, slots=True, kw_only=True)
class DayLimits:
    """The clock times a day is held to: first visit, field end, back at the office."""

    first_visit_by_s: int
    field_end_s: int
    return_by_s: int

    @classmethod
    def of(cls, rules: Rules) -> DayLimits:
        """Return the limits of ``rules`` (9:30, 15:00 and 16:00 by default)."""
        return cls(
            first_visit_by_s=rules.first_visit_by_s,
            field_end_s=rules.field_end_s,
            return_by_s=rules.office_return_by_s,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Legend:
    """What the day map's legend explains besides the classes and flags."""

    classes: tuple[str, ...]
    unvisited: int
    straight: bool
    roads: bool
    lunch: bool


def panel_html(
    day: DayPlan,
    *,
    manager: str,
    legend: Legend,
    limits: DayLimits,
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
    legend
        The classes among the day's stops and which other symbols the map shows.
    limits
        The first visit, field end and office return the day's times are compared with.
    lang
        ``zh`` or ``en``.
    """
    title = " · ".join(
        part for part in (day.date.isoformat(), area_label(day.area, lang), manager) if part
    )
    rows = "".join(
        f"<tr><th>{escape(name)}</th><td>{escape(value)}</td>{check}</tr>"
        for name, value, check in _totals(day, limits, lang)
    )
    return (
        f'<details open><summary class="vp-title">{escape(title)}</summary><table>{rows}</table>'
        f'<div class="vp-legend">{_legend(legend, lang)}</div></details>'
        f'<div class="vp-attr">{ATTRIBUTION}</div>'
    )


def _totals(day: DayPlan, limits: DayLimits, lang: str) -> list[tuple[str, str, str]]:
    first = day.stops[0].start_s if day.stops else None
    last = day.stops[-1].end_s if day.stops else None
    lunch = "—"
    if day.lunch is not None:
        lunch = f"{clock(day.lunch.start_s)}–{clock(day.lunch.end_s)}"
    rows = [
        (
            f"{label('visits', lang)} / {label('quota', lang)}",
            f"{len(day.stops)} / {day.quota}",
            _against(len(day.stops), day.quota, at_least=True, text=str(day.quota), lang=lang),
        ),
        (label("total_km", lang), f"{kilometres(day.travel_m)}", ""),
        (label("travel_min", lang), f"{minutes(day.travel_s)}", ""),
        (label("service_min", lang), f"{minutes(day.service_s)}", ""),
        (label("depart_office", lang), clock(day.depart_office_s), ""),
        _clock_row("first_visit", first, limits.first_visit_by_s, lang),
        (label("lunch", lang), lunch, ""),
        _clock_row("field_end", last, limits.field_end_s, lang),
        _clock_row("return_office", day.return_office_s, limits.return_by_s, lang),
    ]
    if day.shortfall_reason:
        rows.append(
            (label("shortfall_reason", lang), reason_label(day.shortfall_reason, lang), "")
        )
    return rows


def _clock_row(key: str, seconds: int | None, limit_s: int, lang: str) -> tuple[str, str, str]:
    if seconds is None:
        return label(key, lang), "—", ""
    check = _against(seconds, limit_s, at_least=False, text=f"≤ {clock(limit_s)}", lang=lang)
    return label(key, lang), clock(seconds), check


def _against(value: int, limit: int, *, at_least: bool, text: str, lang: str) -> str:
    """Return the table cell comparing ``value`` with ``limit``: green when it holds."""
    holds = value >= limit if at_least else value <= limit
    mark, css = ("✓", "vp-ok") if holds else ("✗", "vp-late")
    word = label("limit_ok" if holds else "limit_late", lang)
    return f'<td class="{css}" title="{escape(word)}">{escape(text)} {mark}</td>'


def _legend(legend: Legend, lang: str) -> str:
    dash = "dashed" if legend.straight else "solid"
    route = label("route_straight" if legend.straight else "route_roads", lang)
    parts = [f'<span class="vp-line" style="border-top-style:{dash};color:{ROUTE_COLOUR}"></span>']
    parts.append(escape(route))
    parts.append(f'<span class="vp-arr" style="border-left-color:{ARROW_COLOUR}"></span>')
    parts.append(escape(label("direction", lang)))
    if legend.roads:
        parts.append(
            f'<br><span class="vp-line" style="color:{ROAD_COLOUR};border-top-width:2px"></span>'
        )
        parts.append(escape(label("road_network", lang)))
    parts.append(f'<br><span class="vp-sym vp-o">{escape(label("office", lang))}</span>')
    if legend.lunch:
        parts.append(f'<span class="vp-sym vp-l">{escape(label("lunch", lang))}</span>')
    parts.append(f"<br>{escape(label('retailer_class', lang))}:")
    for name in legend.classes:
        colour = CLASS_COLOURS.get(name, OTHER_CLASS_COLOUR)
        parts.append(f'<span class="vp-dot" style="background:{colour}"></span>{escape(name)}')
    parts.append(f"<br>{escape(label('flags', lang))}:")
    for key, colour in FLAG_COLOURS.items():
        parts.append(f'<span class="vp-ring" style="border-color:{colour}"></span>')
        parts.append(escape(label(key, lang)))
    if legend.unvisited:
        parts.append(f'<br><span class="vp-dot" style="background:{UNVISITED_COLOUR}"></span>')
        parts.append(f"{escape(label('not_visited', lang))} ({legend.unvisited})")
    return "".join(parts)


def classes_of(names: Sequence[str]) -> tuple[str, ...]:
    """Return the distinct retailer classes in ``names``, sorted, for a legend."""
    return tuple(sorted(set(names)))
