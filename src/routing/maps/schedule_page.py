"""The day's schedule as one small HTML page for the customer manager's phone.

An ordered list of the day (leave the office, each visit, lunch, back at the office) with
times, class, flags, address and coordinates, the day's totals against the rules, the
retailers not visited with the reason, and a link to the day's map. Plain HTML and CSS, no
script and nothing loaded from the network; it reads at 375 px width.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from pathlib import Path

from routing.labels import (
    area_label,
    clock,
    kilometres,
    label,
    marker_flag_keys,
    minutes,
    weekday_label,
)
from routing.maps.style import class_colour
from routing.plan import DayPlan, Lunch, Plan, Stop
from routing.reason_labels import reason_label
from routing.retailers import Retailer
from routing.rules import Rules, load_rules

PAGE_CSS = """
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 -apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",
 sans-serif;color:#212121;background:#f5f5f5}
header{background:#1565c0;color:#fff;padding:12px 14px}
header h1{font-size:18px;margin:0}
header p{margin:2px 0 0;font-size:13px;opacity:.9}
main{padding:10px;max-width:640px;margin:0 auto}
.totals{display:grid;grid-template-columns:1fr 1fr;gap:6px;margin:0 0 10px}
.totals div{background:#fff;border-radius:6px;padding:6px 8px;box-shadow:0 1px 2px #0002}
.totals b{display:block;font-size:17px}
.totals small{color:#616161;font-size:12px}
.ok{color:#2e7d32}.late{color:#c62828;font-weight:bold}
.maplink{display:block;text-align:center;background:#fff;border:1px solid #1565c0;
 color:#1565c0;border-radius:6px;padding:9px;margin:0 0 10px;text-decoration:none;
 font-weight:bold}
ol{list-style:none;margin:0;padding:0}
li{background:#fff;border-radius:6px;margin:0 0 6px;padding:8px 10px 8px 48px;
 position:relative;box-shadow:0 1px 2px #0002;overflow-wrap:anywhere}
li .n{position:absolute;left:8px;top:9px;width:30px;height:30px;border-radius:50%;
 color:#fff;font-weight:bold;text-align:center;line-height:30px;font-size:14px}
li.office,li.lunch{background:#eceff1;padding-left:12px}
li.lunch{background:#fff8e1}
li .t{font-weight:bold;font-variant-numeric:tabular-nums}
li .name{font-weight:bold}
li .meta{color:#616161;font-size:13px}
.flag{display:inline-block;font-size:12px;border-radius:3px;padding:0 4px;margin-right:3px;
 background:#ffebee;color:#b71c1c}
h2{font-size:15px;margin:14px 0 6px}
.left li{padding-left:12px}
footer{color:#757575;font-size:12px;padding:4px 10px 16px;text-align:center}
"""


def schedule_page(
    plan: Plan,
    day_index: int,
    retailers: Mapping[str, Retailer],
    *,
    map_href: str | None = None,
    rules: Rules | None = None,
    lang: str = "zh",
) -> str:
    """Return the HTML page of day ``day_index``'s schedule.

    Parameters
    ----------
    plan
        The plan.
    day_index
        Which of ``plan.days`` to show.
    retailers
        Retailer records by id, for names, classes, flags and addresses.
    map_href
        Link to the day's map (relative to the page), or ``None`` for no link.
    rules
        The rules whose times the totals are compared with; the default rules if ``None``.
    lang
        ``zh`` (default) or ``en``.

    Raises
    ------
    IndexError
        If ``day_index`` is not a day of the plan.
    ValueError
        If ``lang`` is unknown.
    """
    if not 0 <= day_index < len(plan.days):
        msg = f"Expected day_index in [0, {len(plan.days)}), got {day_index}."
        raise IndexError(msg)
    day = plan.days[day_index]
    title = f"{label('schedule_title', lang)} {day.date.isoformat()}"
    link = ""
    if map_href:
        link = (
            f'<a class="maplink" href="{escape(map_href)}">{escape(label("map_link", lang))}</a>'
        )
    body = (
        _header(plan, day, lang)
        + "<main>"
        + _totals(day, rules or load_rules(), lang)
        + link
        + _timeline(day, retailers, lang)
        + _left_out(plan, day, retailers, lang)
        + "</main>"
        + f"<footer>{escape(label('schedule_page_note', lang))}</footer>"
    )
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (
        f'<!DOCTYPE html><html lang="{html_lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{PAGE_CSS}</style></head>"
        f"<body>{body}</body></html>\n"
    )


def write_schedule_page(
    plan: Plan,
    day_index: int,
    retailers: Mapping[str, Retailer],
    path: Path,
    *,
    map_href: str | None = None,
    rules: Rules | None = None,
    lang: str = "zh",
) -> None:
    """Write :func:`schedule_page` to ``path`` (UTF-8), creating its folder."""
    html = schedule_page(plan, day_index, retailers, map_href=map_href, rules=rules, lang=lang)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")


def _header(plan: Plan, day: DayPlan, lang: str) -> str:
    when = f"{day.date.isoformat()} {weekday_label(day.date, lang)}"
    who = " · ".join(part for part in (when, area_label(day.area, lang), plan.manager) if part)
    return f"<header><h1>{escape(label('schedule_title', lang))}</h1><p>{escape(who)}</p></header>"


def _totals(day: DayPlan, rules: Rules, lang: str) -> str:
    first = day.stops[0].start_s if day.stops else None
    last = day.stops[-1].end_s if day.stops else None
    cells = [
        (
            f"{label('visits', lang)} / {label('quota', lang)}",
            f"{len(day.stops)} / {day.quota}",
            len(day.stops) >= day.quota,
        ),
        (label("total_km", lang), f"{kilometres(day.travel_m)}", None),
        (label("travel_min", lang), f"{minutes(day.travel_s)}", None),
        (label("service_min", lang), f"{minutes(day.service_s)}", None),
        _clock_cell("first_visit", first, rules.first_visit_by_s, lang),
        _clock_cell("field_end", last, rules.field_end_s, lang),
        _clock_cell("return_office", day.return_office_s, rules.office_return_by_s, lang),
        (label("depart_office", lang), clock(day.depart_office_s), None),
    ]
    html = "".join(
        f'<div><small>{escape(name)}</small><b class="{_css(holds)}">{escape(value)}</b></div>'
        for name, value, holds in cells
    )
    return f'<section class="totals">{html}</section>'


def _clock_cell(
    key: str, seconds: int | None, limit_s: int, lang: str
) -> tuple[str, str, bool | None]:
    name = f"{label(key, lang)} (≤ {clock(limit_s)})"
    if seconds is None:
        return name, "—", None
    return name, clock(seconds), seconds <= limit_s


def _css(holds: bool | None) -> str:
    return "" if holds is None else ("ok" if holds else "late")


def _timeline(day: DayPlan, retailers: Mapping[str, Retailer], lang: str) -> str:
    items = [_office_item(clock(day.depart_office_s), label("leave_office_row", lang))]
    lunch = day.lunch
    # Lunch is taken after stop ``after_stop`` (0: before the first); clamp as the map does.
    after = min(lunch.after_stop, len(day.stops)) if lunch is not None else -1
    if lunch is not None and after == 0:
        items.append(_lunch_item(lunch, lang))
    for number, stop in enumerate(day.stops, start=1):
        items.append(_stop_item(number, stop, retailers.get(stop.retailer_id), lang))
        if lunch is not None and after == number:
            items.append(_lunch_item(lunch, lang))
    items.append(_office_item(clock(day.return_office_s), label("back_office_row", lang)))
    return f'<ol class="schedule">{"".join(items)}</ol>'


def _office_item(when: str, text: str) -> str:
    return f'<li class="office"><span class="t">{when}</span> {escape(text)}</li>'


def _lunch_item(lunch: Lunch, lang: str) -> str:
    when = f"{clock(lunch.start_s)}–{clock(lunch.end_s)}"
    return f'<li class="lunch"><span class="t">{when}</span> {escape(label("lunch", lang))}</li>'


def _stop_item(number: int, stop: Stop, retailer: Retailer | None, lang: str) -> str:
    name = retailer.name if retailer else stop.retailer_id
    colour = class_colour(retailer)
    times = f"{clock(stop.start_s)}–{clock(stop.end_s)}"
    arrive = ""
    if stop.arrive_s != stop.start_s:
        arrive = f" ({label('arrive', lang)} {clock(stop.arrive_s)})"
    meta = [f"{label('retailer_id', lang)} {stop.retailer_id}"]
    if retailer is not None:
        meta.append(f"{label('retailer_class', lang)} {retailer.retailer_class}")
    meta.append(
        f"{label('leg', lang)} {stop.travel_m} {label('unit_m', lang)} · "
        f"{minutes(stop.travel_s)} {label('unit_min', lang)}"
    )
    flags = "".join(
        f'<span class="flag">{escape(label(key, lang))}</span>'
        for key in (marker_flag_keys(retailer) if retailer else ())
    )
    place = f"{label('coordinates', lang)} {stop.lon:.6f}, {stop.lat:.6f}"
    address = f"{retailer.address} · " if retailer is not None and retailer.address else ""
    geo = f"geo:{stop.lat:.6f},{stop.lon:.6f}"
    return (
        f'<li><span class="n" style="background:{colour}">{number}</span>'
        f'<span class="t">{times}</span>{escape(arrive)} '
        f'<span class="name">{escape(name)}</span><br>{flags + "<br>" if flags else ""}'
        f'<span class="meta">{escape(" · ".join(meta))}</span><br>'
        f'<span class="meta">{escape(address)}<a href="{geo}">{escape(place)}</a></span></li>'
    )


def _left_out(plan: Plan, day: DayPlan, retailers: Mapping[str, Retailer], lang: str) -> str:
    visited = {stop.retailer_id for stop in day.stops}
    rows: dict[str, list[str]] = {}
    for item in plan.unplanned:
        if item.retailer_id in visited or item.date not in (None, day.date):
            continue
        reasons = rows.setdefault(item.retailer_id, [])
        if (reason := reason_label(item.reason, lang)) not in reasons:
            reasons.append(reason)
    if not rows:
        return ""
    sep = label("list_sep", lang)
    items = "".join(
        f'<li><span class="name">{escape(_name(key, retailers))}</span> '
        f'<span class="meta">{escape(key)}</span><br>'
        f"{escape(label('reason', lang))}: {escape(sep.join(reasons))}</li>"
        for key, reasons in rows.items()
    )
    heading = f"{label('not_visited', lang)} ({len(rows)})"
    return f'<h2>{escape(heading)}</h2><ol class="left">{items}</ol>'


def _name(retailer_id: str, retailers: Mapping[str, Retailer]) -> str:
    retailer = retailers.get(retailer_id)
    return retailer.name if retailer else retailer_id
