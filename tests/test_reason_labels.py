"""Reasons are shown in Chinese on Chinese-facing output and as written in English."""

from __future__ import annotations

import re

import pytest

from routing.day import start_windows
from routing.reason_labels import reason_label
from routing.retailers import Retailer, TimeWindow
from routing.rules import Rules
from routing.snapping import CUT_OFF_REASON, far_reason
from routing.timeofday import parse_clock as t

ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")


def chinese(text: str) -> bool:
    """Worded in Chinese: CJK characters and no English words left over."""
    return bool(re.search(r"[\u4e00-\u9fff]", text)) and not ENGLISH_WORD.search(text)


def test_a_far_retailer_reason_is_worded_in_chinese():
    worded = reason_label(far_reason(1234.4, 500, "ebike"))
    assert worded == "距最近的电动车可行道路 1234 米(上限 500 米)"


def test_a_cut_off_retailer_reason_is_worded_in_chinese():
    assert chinese(reason_label(CUT_OFF_REASON))


def test_opening_hours_outside_the_field_day_are_worded_in_chinese(rules: Rules):
    early = Retailer(
        id="R1",
        name="早点铺",
        lon=121.47,
        lat=31.23,
        area="urban",
        retailer_class="C",
        opening=(TimeWindow(start_s=t("05:00"), end_s=t("06:00")),),
    )
    reason = start_windows(early, rules)[1]
    assert reason is not None
    worded = reason_label(reason)
    assert chinese(worded)
    assert "05:00–06:00" in worded


@pytest.mark.parametrize(
    "reason",
    [
        "the field day is full; left out as lower priority (class E, priority 1)",
        "the field day is full; left out as lower priority (class E, priority 1); "
        "no other working day had room for it",
        "owed a visit on days 6–10 (fluctuating orders or enterprise-level account) and "
        "days 1–5 (demand-forecast sample), but those days were full or too close to its "
        "other visits for the minimum gap",
        "the month's 20 working days hold only 7 of its 12 visits at least 3 working days apart",
    ],
)
def test_composed_reasons_are_worded_whole(reason):
    assert chinese(reason_label(reason))


def test_english_output_keeps_the_reason_as_written():
    assert reason_label(CUT_OFF_REASON, "en") == CUT_OFF_REASON


def test_an_unknown_reason_is_shown_as_written_not_lost():
    assert reason_label("closed for renovation") == "closed for renovation"
