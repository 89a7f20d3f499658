"""Reasons in the reader's language: why a retailer was not visited, why a day fell short.

The plan file keeps every reason in English, as the planner writes it, because other tools
read it. Schedules, maps and the command line show it in the reader's language through
:func:`reason_label`. Each entry below pairs an English message, with its variable parts as
named groups, and its Chinese wording. A reason that no entry matches is shown as written:
a new message is then untranslated, never lost. ``tests/test_reason_labels.py`` sends every
message the planner writes through here, so a reworded message fails a test rather than
falling back to English.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

#: Variable parts that are reasons themselves, worded recursively.
_NESTED = "inner"

_PHRASES: Mapping[str, str] = {
    "days 6–10 (fluctuating orders or enterprise-level account)": (
        "6–10 日(订单波动大或企业级客户)"
    ),
    "days 1–5 (demand-forecast sample)": "1–5 日(需求预测样本)",
    "ebike": "电动车",
    "motorcycle": "摩托车",
    "bicycle": "自行车",
    "walk": "步行",
    "car": "汽车",
}

_REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(f"^{english}$"), chinese)
    for english, chinese in (
        (
            r"(?P<inner>.+); no other working day had room for it",
            "{inner}；其他工作日也没有空位",
        ),
        (
            r"a full day dropped it when the month was re-planned; no other day had room",
            "月计划重排时被排满的一天删去；其他日子也没有空位",
        ),
        (
            r"the month's (?P<days>\d+) working days hold only (?P<fits>\d+) of its "
            r"(?P<visits>\d+) visits at least (?P<gap>\d+) working days apart",
            "本月 {days} 个工作日只排得下其 {visits} 次拜访中的 {fits} 次"
            "(每两次至少间隔 {gap} 个工作日)",
        ),
        (
            r"owed a visit on (?P<owed>.+), but those days were full or too close to its "
            r"other visits for the minimum gap",
            "应在{owed}拜访，但这些日子已排满，或与它的其他拜访间隔不足",
        ),
        (
            r"only (?P<given>\d+) retailers were given for the day; the quota is (?P<quota>\d+)",
            "当日只给出 {given} 户客户；定额为 {quota} 户",
        ),
        (
            r"(?P<unusable>\d+) of (?P<given>\d+) retailers cannot be routed \(see unplanned\), "
            r"leaving (?P<routable>\d+); the quota is (?P<quota>\d+)",
            "{given} 户中有 {unusable} 户无法排入路线(见未拜访清单)，剩 {routable} 户；"
            "定额为 {quota} 户",
        ),
        (
            r"the day is capped at (?P<cap>\d+) visits; the quota is (?P<quota>\d+)",
            "当日上限为 {cap} 户；定额为 {quota} 户",
        ),
        (
            r"the field day (?P<field>\S+) holds only (?P<visits>\d+) of (?P<routable>\d+) "
            r"visits \((?P<each>[\d–]+) min each, plus travel and lunch\); "
            r"the quota is (?P<quota>\d+)",
            "外勤时段 {field} 只排得下 {routable} 户中的 {visits} 户"
            "(每户 {each} 分钟，另加路程和午餐)；定额为 {quota} 户",
        ),
        (
            r"must-visit, but it cannot fit the field day together with the other must-visits",
            "必访客户，但与其他必访客户无法同时排进外勤时段",
        ),
        (
            r"the day's cap of (?P<cap>\d+) visits is reached",
            "已达当日 {cap} 户的上限",
        ),
        (
            r"no retailer of the day can be visited first by (?P<time>\S+) within its opening "
            r"hours, so the day has no route",
            "当日没有客户能在营业时间内于 {time} 前首访，排不出路线",
        ),
        (
            r"the field day is full; left out as lower priority "
            r"\(class (?P<klass>[^,]+), priority (?P<priority>-?\d+)\)",
            "外勤时段已满；优先级较低，未排入(档位 {klass}，优先级 {priority})",
        ),
        (
            r"the field day is full; an optional visit \(added to reach the quota\) goes first",
            "外勤时段已满；为凑足定额而加的拜访先让出",
        ),
        (
            r"the field day is full; its opening hours or position could not be fitted in time",
            "外勤时段已满；其营业时间或位置无法按时排入",
        ),
        (
            r"opening hours (?P<hours>.+) leave no (?P<minutes>\d+) min visit inside the "
            r"field day (?P<field>\S+)",
            "营业时间 {hours} 在外勤时段 {field} 内排不下 {minutes} 分钟的拜访",
        ),
        (
            r"(?P<distance>\d+) m from the nearest road usable by (?P<mode>\S+) "
            r"\(limit (?P<limit>\d+) m\)",
            "距最近的{mode}可行道路 {distance} 米(上限 {limit} 米)",
        ),
        (
            r"on a piece of the road network cut off from the office",
            "所在的道路与办公室不连通",
        ),
    )
)


def reason_label(reason: str, lang: str = "zh") -> str:
    """Return ``reason`` (as the planner writes it, in English) in ``lang``.

    Examples
    --------
    >>> reason_label("the day's cap of 25 visits is reached")
    '已达当日 25 户的上限'
    >>> reason_label("the day's cap of 25 visits is reached", "en")
    "the day's cap of 25 visits is reached"
    """
    if lang != "zh":
        return reason
    for pattern, chinese in _REASONS:
        match = pattern.match(reason)
        if match is not None:
            return chinese.format(**_worded(match.groupdict()))
    return reason


def _worded(parts: Mapping[str, str]) -> dict[str, str]:
    worded = {}
    for name, value in parts.items():
        if name == _NESTED:
            worded[name] = reason_label(value)
        elif name == "owed":
            worded[name] = "和".join(_PHRASES.get(p, p) for p in value.split(" and "))
        else:
            worded[name] = _PHRASES.get(value, value)
    return worded
