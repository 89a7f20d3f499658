"""Every label a customer manager or market manager reads, in Chinese and English.

One table, :data:`LABELS`, maps a key to its ``(zh, en)`` pair; :func:`label` looks a key up.
The few display helpers here (clock times, minutes, flags) keep schedules and maps worded
and rounded alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

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
}

LABELS: Mapping[str, tuple[str, str]] = MappingProxyType(_TABLE)
"""Every label key and its ``(zh, en)`` text."""


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
    """Return the label keys of the flags a manager must notice (必访, 企业级, 波动大)."""
    flags = {
        "must_visit": retailer.must_visit,
        "enterprise": retailer.enterprise,
        "fluctuating": retailer.fluctuating,
    }
    return tuple(key for key, is_set in flags.items() if is_set)


def flags_text(retailer: Retailer, lang: str = "zh") -> str:
    """Return the retailer's flags as one line of text (empty if none)."""
    return label("list_sep", lang).join(label(key, lang) for key in flag_keys(retailer))
