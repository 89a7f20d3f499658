"""Every label a customer manager or market manager reads, in Chinese and English.

One table, :data:`LABELS`, maps a key to its ``(zh, en)`` pair; :func:`label` looks a key up.
The few display helpers here (clock times, minutes, flags) keep schedules and maps worded
and rounded alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType

from routing.plan import Plan
from routing.retailers import Retailer

LANGUAGES = ("zh", "en")

_TABLE: dict[str, tuple[str, str]] = {
    # Schedule columns.
    "seq": ("序号", "No."),
    "retailer_id": ("客户编码", "Retailer ID"),
    "name": ("客户名称", "Name"),
    "address": ("地址", "Address"),
    "retailer_class": ("档位", "Class"),
    "arrive": ("到达", "Arrive"),
    "start": ("开始", "Start"),
    "end": ("结束", "End"),
    "leg_m": ("路程(米)", "Travel (m)"),
    "leg_min": ("路程(分钟)", "Travel (min)"),
    "flags": ("标记", "Flags"),
    "notes": ("备注", "Notes"),
    # Retailer flags and notes.
    "fluctuating": ("波动大", "fluctuating"),
    "enterprise": ("企业级", "enterprise"),
    "must_visit": ("必访", "must visit"),
    "forecast_sample": ("需求预测样本", "forecast sample"),
    "brand_target": ("重点品牌培育", "key-brand target"),
    "wait_note": ("等待开门{minutes}分钟", "waits {minutes} min for opening"),
    "unknown_retailer": ("客户资料缺失", "not in the retailer list"),
    # Day header.
    "schedule_title": ("拜访日程表", "Visit schedule"),
    "manager": ("客户经理", "Customer manager"),
    "date": ("日期", "Date"),
    "area": ("区域", "Area"),
    "urban": ("城区", "urban"),
    "rural": ("农村", "rural"),
    "depart_office": ("出发", "Depart office"),
    "return_office": ("返回", "Return to office"),
    "lunch": ("午餐", "Lunch"),
    "visits": ("拜访户数", "Visits"),
    "quota": ("定额", "Quota"),
    "total_km": ("总里程(公里)", "Total km"),
    "service_min": ("服务时间(分钟)", "Service min"),
    "travel_min": ("路上时间(分钟)", "Travel min"),
    "shortfall_reason": ("未达定额原因", "Shortfall reason"),
    # Rows of the schedule that are not visits.
    "leave_office_row": ("办公室出发", "Leave the office"),
    "back_office_row": ("返回办公室", "Back at the office"),
    # Retailers not visited.
    "not_visited": ("未拜访客户", "Retailers not visited"),
    "not_visited_sheet": ("未拜访", "Not visited"),
    "reason": ("原因", "Reason"),
    # Map.
    "office": ("办公室", "Office"),
    "first_visit": ("首访", "First visit"),
    "field_end": ("外勤结束", "Field visits end"),
    "after_stop": ("第{n}户之后", "after stop {n}"),
    "route": ("路线", "Route"),
    "stops": ("拜访点", "Stops"),
    "route_roads": ("路线沿道路", "Route along roads"),
    "route_straight": ("直线示意（非实际道路）", "Straight lines (not the roads)"),
    "unit_m": ("米", "m"),
    "unit_km": ("公里", "km"),
    "unit_min": ("分钟", "min"),
    "list_sep": ("、", ", "),
    # Weekdays, Monday first (date.weekday() order).
    "mon": ("周一", "Mon"),
    "tue": ("周二", "Tue"),
    "wed": ("周三", "Wed"),
    "thu": ("周四", "Thu"),
    "fri": ("周五", "Fri"),
    "sat": ("周六", "Sat"),
    "sun": ("周日", "Sun"),
    # Month summary workbook sheets.
    "month_summary_sheet": ("月汇总", "Month summary"),
    "month_summary_title": ("月度拜访计划汇总", "Monthly visit plan summary"),
    "visit_dates_sheet": ("客户拜访日期", "Visit dates"),
    "weekday": ("星期", "Weekday"),
    "total": ("合计", "Total"),
    "required_visits": ("应访次数", "Required visits"),
    "planned_visits": ("已排次数", "Planned visits"),
    "visit_dates": ("拜访日期", "Visit dates"),
    "line": ("线路", "Line"),
    "unplanned_reasons": ("未排原因", "Unplanned reasons"),
    # Month map.
    "month_plan": ("月度拜访计划", "Monthly visit plan"),
    "working_days": ("工作日", "Working days"),
    "travel_h": ("路上时间(小时)", "Travel hours"),
    "service_h": ("服务时间(小时)", "Service hours"),
    "line_n": ("线路{n}", "Line {n}"),
    "no_line": ("未分线路", "No line"),
    "n_visits": ("{n}户", "{n} visits"),
    "n_retailers": ("{n}户", "{n} retailers"),
    "n_days": ("{n}天", "{n} days"),
    # Base layers and legends of every map.
    "road_network": ("道路网（OpenStreetMap）", "Road network (OpenStreetMap)"),
    "tiles_osm": ("OpenStreetMap 在线地图（需联网）", "OpenStreetMap tiles (online only)"),
    "tiles_amap": ("高德地图 在线地图（需联网）", "AMap tiles (online only)"),
    "direction": ("行驶方向", "Direction of travel"),
    "leg": ("路程", "Travel"),
    "limit_ok": ("符合", "on time"),
    "limit_late": ("超时", "late"),
    "coordinates": ("坐标", "Coordinates"),
    "map_link": ("打开地图", "Open the map"),
    "schedule_page_note": (
        "时间为计划时间；坐标为 WGS-84（GPS），点击坐标可在手机地图中打开。",
        "Times are planned; coordinates are WGS-84 (GPS): tap one to open it in a map app.",
    ),
    # Territory map.
    "territory_map": ("片区客户分布", "Territory"),
    "visits_month": ("月拜访次数", "Visits a month"),
    "est_hours": ("预计工时(小时)", "Est. hours"),
    "est_minutes": ("预计分钟", "Est. minutes"),
    "retailers_n": ("客户数", "Retailers"),
    "by_class": ("按档位", "By class"),
    "group": ("分组", "Group"),
    "no_group": ("未分组", "No group"),
    "outline": ("范围", "outline"),
}

LABELS: Mapping[str, tuple[str, str]] = MappingProxyType(_TABLE)
"""Every label key and its ``(zh, en)`` text."""

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def label(key: str, lang: str = "zh") -> str:
    """Return the text of label ``key`` in ``lang`` (``zh`` or ``en``).

    Raises
    ------
    KeyError
        If ``key`` is not a known label.
    ValueError
        If ``lang`` is neither ``zh`` nor ``en``.
    """
    if lang not in LANGUAGES:
        msg = f"Expected lang 'zh' or 'en', got {lang!r}."
        raise ValueError(msg)
    if key not in _TABLE:
        msg = f"Unknown label key {key!r}; add it to routing.labels._TABLE with zh and en text."
        raise KeyError(msg)
    return _TABLE[key][LANGUAGES.index(lang)]


def area_label(area: str, lang: str = "zh") -> str:
    """Return the label of a day's area (``urban``/``rural``), or ``area`` itself if unknown."""
    return label(area, lang) if area in ("urban", "rural") else area


def clock(seconds: int) -> str:
    """Return ``HH:MM`` for seconds since midnight, rounded to the nearest minute."""
    hours, minutes = divmod((int(seconds) + 30) // 60, 60)
    return f"{hours:02d}:{minutes:02d}"


def minutes(seconds: int) -> int:
    """Return whole minutes of a duration in seconds, rounded half up."""
    return (int(seconds) + 30) // 60


def kilometres(metres: int) -> float:
    """Return a distance in kilometres, rounded to 0.1 km."""
    return round(metres / 1000, 1)


def flag_keys(retailer: Retailer) -> tuple[str, ...]:
    """Return the label keys of the flags a manager must notice (必访, 企业级, 波动大, 品牌)."""
    flags = {
        "must_visit": retailer.must_visit,
        "enterprise": retailer.enterprise,
        "fluctuating": retailer.fluctuating,
        "brand_target": retailer.brand_target,
    }
    return tuple(key for key, is_set in flags.items() if is_set)


def flags_text(retailer: Retailer, lang: str = "zh") -> str:
    """Return the retailer's flags as one line of text (empty if none)."""
    return label("list_sep", lang).join(label(key, lang) for key in flag_keys(retailer))


def marker_flag_keys(retailer: Retailer) -> tuple[str, ...]:
    """Return every flag maps show: :func:`flag_keys`, then the special demand-forecast sample.

    A forecast sample (需求预测样本) changes nothing on the day, but the month must visit it
    on days 1-5, so a market manager looking at a map wants to see it.
    """
    special = ("forecast_sample",) if retailer.forecast_sample else ()
    return (*flag_keys(retailer), *special)


def marker_flags_text(retailer: Retailer, lang: str = "zh") -> str:
    """Return every flag maps show, as one line of text (empty if none)."""
    return label("list_sep", lang).join(label(k, lang) for k in marker_flag_keys(retailer))


def weekday_label(day: date, lang: str = "zh") -> str:
    """Return the short weekday of ``day`` (周一 .. 周日, Mon .. Sun)."""
    return label(_WEEKDAYS[day.weekday()], lang)


def month_day(day: date) -> str:
    """Return ``MM-DD`` for ``day``, the short date of month plans."""
    return f"{day.month:02d}-{day.day:02d}"


def retailer_lines(plan: Plan) -> dict[str, int]:
    """Return each retailer's line index (0-based) in a month plan planned by lines.

    The indices come from ``plan.extra["lines"]``; a plan without lines gives ``{}``.
    Schedules and maps show line ``i`` as number ``i + 1`` (see :func:`line_number`).

    Raises
    ------
    ValueError
        If ``plan.extra["lines"]`` is not a mapping of retailer id to a whole number.
    """
    lines = plan.extra.get("lines") or {}
    if not isinstance(lines, Mapping):
        msg = 'Expected plan.extra["lines"] to map retailer ids to line indices.'
        raise ValueError(msg)
    try:
        return {str(key): int(value) for key, value in lines.items()}
    except (TypeError, ValueError) as error:
        msg = f'Expected whole-number line indices in plan.extra["lines"] ({error}).'
        raise ValueError(msg) from error


def line_number(index: int) -> int:
    """Return the number a user reads for line ``index`` (lines count from 1 on paper)."""
    return index + 1


def line_label(index: int | None, lang: str = "zh") -> str:
    """Return the name of line ``index`` (线路1 for index 0), or 未分线路 for ``None``."""
    if index is None:
        return label("no_line", lang)
    return label("line_n", lang).format(n=line_number(index))
