"""Working days, holidays, make-up days (调休), the user's calendar file and month phases.

The dates asserted here are the State Council's arrangements as packaged by
``chinesecalendar`` 1.11 (2026) and the rule-based ``holidays.China`` (2027).
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from routing.errors import InputError
from territory.calendar import (
    CalendarOverrides,
    Phase,
    WorkCalendar,
    last_working_day,
    next_month,
    phase_of,
    plan_month_for,
    read_calendar_overrides,
    working_calendar,
)
from territory.calendar_overrides import parse_day
from territory.holidays_cn import official_month, rule_based_month


def days(year: int, month: int, *numbers: int) -> list[date]:
    return [date(year, month, number) for number in numbers]


def dates(pairs: tuple[tuple[date, str], ...]) -> list[date]:
    return [day for day, _ in pairs]


def weekdays(year: int, month: int) -> list[date]:
    every = (date(year, month, 1).replace(day=n) for n in range(1, 32) if _exists(year, month, n))
    return [day for day in every if day.weekday() < 5]


def _exists(year: int, month: int, number: int) -> bool:
    try:
        date(year, month, number)
    except ValueError:
        return False
    return True


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def overrides(
    off: tuple[tuple[date, str], ...] = (), work: tuple[tuple[date, str], ...] = ()
) -> CalendarOverrides:
    return CalendarOverrides(source="my-calendar.csv", off=off, work=work)


# --- The packaged official arrangement (chinesecalendar) --------------------------------


def test_february_2026_spring_festival_and_make_up_saturdays():
    calendar = working_calendar(2026, 2)
    # Spring Festival: off Sun 15 - Mon 23 Feb; make-up working Saturdays 14 and 28 Feb.
    assert dates(calendar.days_off) == days(2026, 2, 16, 17, 18, 19, 20, 23)
    assert dates(calendar.extra_working_days) == days(2026, 2, 14, 28)
    assert all(day.weekday() == 5 for day in dates(calendar.extra_working_days))
    assert {date(2026, 2, 14), date(2026, 2, 28)} <= set(calendar.working_days)
    assert not set(dates(calendar.days_off)) & set(calendar.working_days)
    assert len(calendar.working_days) == 20 - 6 + 2
    assert all("春节" in name and "Spring Festival" in name for _, name in calendar.days_off)
    assert calendar.source.startswith("chinesecalendar ")
    assert calendar.warnings == ()


def test_october_2026_national_day_golden_week_and_make_up_saturday():
    calendar = working_calendar(2026, 10)
    assert dates(calendar.days_off) == days(2026, 10, 1, 2, 5, 6, 7)
    assert dates(calendar.extra_working_days) == days(2026, 10, 10)
    assert calendar.working_days[:3] == tuple(days(2026, 10, 8, 9, 10))
    assert len(calendar.working_days) == 22 - 5 + 1
    assert "国庆节" in dict(calendar.days_off)[date(2026, 10, 1)]


def test_a_make_up_day_can_be_a_sunday():
    calendar = working_calendar(2026, 9)
    assert date(2026, 9, 20).weekday() == 6
    assert dates(calendar.extra_working_days) == days(2026, 9, 20)
    assert dates(calendar.days_off) == days(2026, 9, 25)  # Mid-Autumn Festival, a Friday


def test_a_holiday_on_a_weekend_is_neither_worked_nor_listed_as_a_day_off():
    calendar = working_calendar(2026, 10)
    for weekend_holiday in days(2026, 10, 3, 4):
        assert not calendar.is_working(weekend_holiday)
        assert weekend_holiday not in dates(calendar.days_off)


@pytest.mark.parametrize(("year", "month"), [(2026, 3), (2026, 7), (2026, 8), (2026, 12)])
def test_a_month_without_holidays_works_every_weekday(year, month):
    calendar = working_calendar(year, month)
    assert list(calendar.working_days) == weekdays(year, month)
    assert calendar.days_off == ()
    assert calendar.extra_working_days == ()


# --- Beyond the official data: the rule-based path ---------------------------------------


def no_official_arrangement(year: int) -> bool:
    """Whether neither package knows the State Council's arrangement for ``year`` yet."""
    return official_month(year, 1) is None and bool(rule_based_month(year, 1).warnings)


@pytest.mark.skipif(
    not no_official_arrangement(2027),
    reason="a package now has the official 2027 arrangement; the 2040 test covers the rule",
)
def test_january_2027_holidays_by_rule_with_a_warning():
    calendar = working_calendar(2027, 1)
    assert dates(calendar.days_off) == [date(2027, 1, 1)]
    assert date(2027, 1, 1) not in calendar.working_days
    assert list(calendar.working_days) == weekdays(2027, 1)[1:]
    assert calendar.extra_working_days == ()
    assert calendar.source.startswith("holidays ")
    (warning,) = calendar.warnings
    assert "No official 2027 holiday arrangement is packaged" in warning
    assert "调休" in warning
    assert "--calendar" in warning


def test_new_years_day_2027_is_off_whatever_the_source():
    calendar = working_calendar(2027, 1)
    assert dates(calendar.days_off)[0] == date(2027, 1, 1)
    assert calendar.working_days[0] == date(2027, 1, 4)


def test_a_year_no_package_has_is_computed_by_rule_with_a_warning():
    assert official_month(2040, 1) is None
    calendar = working_calendar(2040, 1)
    # 1 January 2040 is a Sunday: the rule gives Monday 2 January off in lieu.
    assert dates(calendar.days_off) == [date(2040, 1, 2)]
    assert "(observed)" in calendar.days_off[0][1]
    assert calendar.source.startswith("holidays ")
    (warning,) = calendar.warnings
    assert "No official 2040 holiday arrangement" in warning


@pytest.mark.parametrize("month", range(1, 13))
def test_the_holidays_package_agrees_with_chinesecalendar_where_both_are_official(month):
    official = official_month(2026, month)
    by_holidays = rule_based_month(2026, month)
    assert official is not None
    assert dates(by_holidays.days_off) == dates(official.days_off)
    assert dates(by_holidays.make_up_days) == dates(official.make_up_days)
    assert by_holidays.warnings == ()  # the package knows 2026's make-up days


# --- The user's overrides -----------------------------------------------------------------


def test_a_user_day_off_removes_a_working_day():
    calendar = working_calendar(2026, 3, overrides=overrides(off=((date(2026, 3, 4), "年假"),)))
    assert not calendar.is_working(date(2026, 3, 4))
    assert calendar.days_off == ((date(2026, 3, 4), "年假"),)
    assert len(calendar.working_days) == 22 - 1
    assert calendar.source.startswith("chinesecalendar ")
    assert calendar.source.endswith(" + user file my-calendar.csv")


def test_a_user_extra_saturday_is_worked():
    calendar = working_calendar(2026, 3, overrides=overrides(work=((date(2026, 3, 7), ""),)))
    assert calendar.is_working(date(2026, 3, 7))
    assert dates(calendar.extra_working_days) == [date(2026, 3, 7)]
    assert "calendar file" in dict(calendar.extra_working_days)[date(2026, 3, 7)]


def test_the_user_file_beats_the_package():
    user = overrides(
        off=((date(2026, 2, 14), "培训"),),  # an official make-up Saturday
        work=((date(2026, 2, 16), "值班"),),  # an official Spring Festival holiday
    )
    calendar = working_calendar(2026, 2, overrides=user)
    assert not calendar.is_working(date(2026, 2, 14))
    assert calendar.is_working(date(2026, 2, 16))
    assert dates(calendar.extra_working_days) == days(2026, 2, 16, 28)
    assert dict(calendar.days_off)[date(2026, 2, 14)] == "培训"
    assert date(2026, 2, 16) not in dates(calendar.days_off)


def test_user_days_outside_the_month_or_already_off_change_nothing():
    user = overrides(
        off=((date(2026, 3, 8), "Sunday anyway"), (date(2026, 4, 1), "next month")),
        work=((date(2026, 3, 9), "a Monday anyway"),),
    )
    plain = working_calendar(2026, 3)
    calendar = working_calendar(2026, 3, overrides=user)
    assert calendar.working_days == plain.working_days
    assert calendar.days_off == calendar.extra_working_days == ()


def test_2027_make_up_days_from_a_toml_file(tmp_path):
    path = write(
        tmp_path / "cal.toml",
        'work = [{ date = "2027-02-20", note = "春节调休" }]\noff = [2027-02-22]\n',
    )
    calendar = working_calendar(2027, 2, overrides=read_calendar_overrides(path))
    assert calendar.extra_working_days == ((date(2027, 2, 20), "春节调休"),)
    assert not calendar.is_working(date(2027, 2, 22))
    # The user's days do not prove the list complete: the warning stays while it applies.
    assert bool(calendar.warnings) == no_official_arrangement(2027)


# --- Reading calendar files ---------------------------------------------------------------


def test_read_a_csv_with_english_header(tmp_path):
    text = "date,kind,note\n2027-01-04,off,年假\n2027-02-20,work,\n"
    result = read_calendar_overrides(write(tmp_path / "cal.csv", text))
    assert result.off == ((date(2027, 1, 4), "年假"),)
    assert result.work == ((date(2027, 2, 20), ""),)
    assert result.source == str(tmp_path / "cal.csv")


def test_read_a_gbk_csv_with_chinese_header(tmp_path):
    text = "日期,类型,备注\n2027/1/5,休,培训\n2027年2月20日,班,春节调休\n"
    result = read_calendar_overrides(write(tmp_path / "cal.csv", text, encoding="gbk"))
    assert result.off == ((date(2027, 1, 5), "培训"),)
    assert result.work == ((date(2027, 2, 20), "春节调休"),)


def test_read_an_xlsx_with_date_cells(tmp_path):
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["日期", "类型", "备注"])
    sheet.append([datetime(2027, 1, 6), "休", "年假"])
    book.save(tmp_path / "cal.xlsx")
    result = read_calendar_overrides(tmp_path / "cal.xlsx")
    assert result.off == ((date(2027, 1, 6), "年假"),)


def test_read_toml_lists_and_tables(tmp_path):
    text = (
        'off = ["2027-01-04", 2027-01-05]\n'
        '[work]\n"2027-02-20" = "春节调休"\n"2027-02-21" = "春节调休"\n'
    )
    result = read_calendar_overrides(write(tmp_path / "cal.toml", text))
    assert dates(result.off) == days(2027, 1, 4, 5)
    assert result.work == ((date(2027, 2, 20), "春节调休"), (date(2027, 2, 21), "春节调休"))


def test_a_file_listing_no_days_gives_no_overrides(tmp_path):
    result = read_calendar_overrides(write(tmp_path / "cal.csv", "date,kind,note\n"))
    assert result.off == result.work == ()


@pytest.mark.parametrize(
    "text", ["2027-01-04", "2027/1/4", "2027.01.04", "2027年1月4日", "20270104", " 2027-01-04 "]
)
def test_date_formats(text):
    assert parse_day(text) == date(2027, 1, 4)


BAD_CSV = [
    pytest.param("date,kind\n2027-01-04,off\n4 Jan,off\n", 3, "date", "not a date", id="date"),
    pytest.param("date,kind\n2027-02-30,off\n", 2, "date", "no such day", id="no-such-day"),
    pytest.param("date,kind\n,off\n", 2, "date", "empty", id="empty-date"),
    pytest.param("date,kind\n2027-01-04,holiday\n", 2, "kind", "unknown kind", id="kind"),
    pytest.param(
        "日期,类型\n2027-01-04,休\n2027-01-05,休\n2027-01-04,班\n", 4, "类型", "row 2", id="both"
    ),
    pytest.param("date,note\n2027-01-04,年假\n", 1, "kind", "missing column", id="no-kind"),
    pytest.param("datum,kind\n2027-01-04,off\n", 1, "date", "missing column", id="no-date"),
]


@pytest.mark.parametrize(("text", "row", "field", "fragment"), BAD_CSV)
def test_a_bad_csv_names_row_and_field(tmp_path, text, row, field, fragment):
    path = write(tmp_path / "cal.csv", text)
    with pytest.raises(InputError) as caught:
        read_calendar_overrides(path)
    (problem,) = caught.value.problems
    assert (problem.source, problem.row, problem.field) == (str(path), row, field)
    assert fragment in problem.message


def test_every_problem_is_reported_at_once(tmp_path):
    text = "date,kind\n2027-01-32,off\n2027-01-04,maybe\nsoon,someday\n"
    with pytest.raises(InputError) as caught:
        read_calendar_overrides(write(tmp_path / "cal.csv", text))
    found = [(problem.row, problem.field) for problem in caught.value.problems]
    assert found == [(2, "date"), (3, "kind"), (4, "date"), (4, "kind")]
    assert "4 problems found" in str(caught.value)


BAD_TOML = [
    pytest.param('off = ["2027-01-04",\n  "2027-01-99"]\n', 2, "off[2]", "no such", id="date"),
    pytest.param('off = ["2027-01-04"]\nwork = ["2027-01-04"]\n', 2, "work[1]", "off", id="both"),
    pytest.param('of = ["2027-01-04"]\n', None, "of", "unknown key", id="key"),
    pytest.param('off = "2027-01-04"\n', None, "off", "list of dates", id="not-a-list"),
    pytest.param("off = [{ note = 'x' }]\n", None, "off[1]", "missing", id="no-date"),
    pytest.param("off = [4]\n", 1, "off[1]", "not a date", id="number"),
]


@pytest.mark.parametrize(("text", "row", "field", "fragment"), BAD_TOML)
def test_a_bad_toml_names_line_and_entry(tmp_path, text, row, field, fragment):
    path = write(tmp_path / "cal.toml", text)
    with pytest.raises(InputError) as caught:
        read_calendar_overrides(path)
    (problem,) = caught.value.problems
    assert (problem.source, problem.row, problem.field) == (str(path), row, field)
    assert fragment in problem.message


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("cal.toml", b'off = ["2027-01-04"', "invalid TOML"),
        ("cal.toml", 'off = ["2027-01-04"]  # 年假\n'.encode("gbk"), "UTF-8"),
        ("cal.txt", b"2027-01-04 off\n", "unsupported calendar file type"),
    ],
)
def test_an_unreadable_file_says_how_to_fix_it(tmp_path, name, content, fragment):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=fragment):
        read_calendar_overrides(path)


@pytest.mark.parametrize("name", ["missing.csv", "missing.toml"])
def test_a_missing_file_is_an_input_error(tmp_path, name):
    with pytest.raises(InputError, match="file not found"):
        read_calendar_overrides(tmp_path / name)


def test_overrides_reject_a_day_both_off_and_work():
    with pytest.raises(ValueError, match="both off and work"):
        overrides(off=((date(2027, 1, 4), ""),), work=((date(2027, 1, 4), ""),))


# --- Phases of the month ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "phase"),
    [
        (date(2027, 1, 1), Phase.FORECAST),
        (date(2027, 1, 5), Phase.FORECAST),
        (date(2027, 1, 6), Phase.PRIORITY),
        (date(2027, 1, 10), Phase.PRIORITY),
        (date(2027, 1, 11), Phase.NORMAL),
        (date(2027, 1, 31), Phase.NORMAL),
        (date(2026, 2, 28), Phase.NORMAL),
        (date(2028, 2, 29), Phase.NORMAL),
    ],
)
def test_phase_boundaries(day, phase):
    assert phase_of(day) is phase


def test_phase_ranges_are_configurable():
    ranges = {"forecast_days": (1, 3), "priority_days": (4, 8)}
    assert phase_of(date(2027, 1, 4), **ranges) is Phase.PRIORITY
    assert phase_of(date(2027, 1, 9), **ranges) is Phase.NORMAL


@pytest.mark.parametrize(
    ("forecast_days", "priority_days"), [((1, 6), (6, 10)), ((0, 5), (6, 10)), ((5, 1), (6, 10))]
)
def test_bad_phase_ranges_are_refused(forecast_days, priority_days):
    with pytest.raises(ValueError, match="Expected"):
        phase_of(date(2027, 1, 1), forecast_days=forecast_days, priority_days=priority_days)


def test_days_in_phase_are_working_days_only():
    calendar = working_calendar(2026, 2)
    assert calendar.days_in(Phase.FORECAST) == tuple(days(2026, 2, 2, 3, 4, 5))
    assert calendar.days_in(Phase.PRIORITY) == tuple(days(2026, 2, 6, 9, 10))
    assert calendar.days_in(Phase.NORMAL)[-1] == date(2026, 2, 28)
    together = sorted(day for phase in Phase for day in calendar.days_in(phase))
    assert together == list(calendar.working_days)


def test_golden_week_leaves_no_forecast_day_in_october_2026():
    calendar = working_calendar(2026, 10)
    assert calendar.days_in(Phase.FORECAST) == ()
    assert calendar.days_in(Phase.PRIORITY) == tuple(days(2026, 10, 8, 9, 10))


# --- The last working day and the month to plan -------------------------------------------


@pytest.mark.parametrize(
    ("year", "month", "last"),
    [
        (2026, 9, date(2026, 9, 30)),  # a Wednesday
        (2026, 4, date(2026, 4, 30)),  # a Thursday
        (2026, 5, date(2026, 5, 29)),  # the month ends on a Sunday
        (2026, 1, date(2026, 1, 30)),  # the month ends on a Saturday
        (2026, 2, date(2026, 2, 28)),  # a make-up Saturday is the last working day
        (2023, 9, date(2023, 9, 28)),  # Fri 29 Mid-Autumn Festival, Sat 30 National Day
        (2025, 1, date(2025, 1, 27)),  # the Spring Festival holiday starts on the 28th
    ],
)
def test_last_working_day(year, month, last):
    assert last_working_day(working_calendar(year, month)) == last


def test_a_month_without_working_days_has_no_last_working_day():
    with pytest.raises(ValueError, match="no working day"):
        last_working_day(WorkCalendar(year=2027, month=1, working_days=()))


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 12, 3), (2027, 1)),
        (date(2026, 1, 31), (2026, 2)),
        (date(2026, 11, 1), (2026, 12)),
    ],
)
def test_next_month(today, expected):
    assert next_month(today) == expected


def test_plan_month_for_today_is_january_2027():
    calendar = plan_month_for(date(2026, 12, 3))
    assert (calendar.year, calendar.month) == (2027, 1)
    assert bool(calendar.warnings) == no_official_arrangement(2027)


# --- WorkCalendar checks itself -----------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"working_days": (date(2027, 2, 1),)},
        {"working_days": (date(2027, 1, 5), date(2027, 1, 4))},
        {"working_days": (date(2027, 1, 4),), "days_off": ((date(2027, 1, 4), "x"),)},
        {"working_days": (date(2027, 1, 4),), "extra_working_days": ((date(2027, 1, 9), "x"),)},
    ],
    ids=["outside-month", "unsorted", "worked-and-off", "extra-not-worked"],
)
def test_work_calendar_is_validated(kwargs):
    with pytest.raises(ValueError, match="Expected"):
        WorkCalendar(year=2027, month=1, **kwargs)


def test_work_calendar_is_frozen():
    calendar = working_calendar(2027, 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        calendar.year = 2028  # type: ignore[misc]
