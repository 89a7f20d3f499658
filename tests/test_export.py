import csv
from dataclasses import replace
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from routing.export import (
    COLUMNS,
    MONTH_COLUMNS,
    VISIT_DATES_COLUMNS,
    month_rows,
    schedule_rows,
    unplanned_csv_path,
    write_schedule_csv,
    write_schedule_xlsx,
)
from routing.labels import (
    LABELS,
    LANGUAGES,
    clock,
    kilometres,
    label,
    line_label,
    minutes,
    month_day,
    retailer_lines,
    weekday_label,
)
from routing.plan import DayPlan, Lunch, Plan, RetailerVisits, Stop, Unplanned
from routing.retailers import Area, Retailer

MONDAY = date(2025, 3, 3)
TUESDAY = date(2025, 3, 4)
THURSDAY = date(2025, 3, 6)
HEADERS_ZH = [
    "序号",
    "客户编码",
    "客户名称",
    "地址",
    "档位",
    "到达",
    "开始",
    "结束",
    "路程(米)",
    "路程(分钟)",
    "标记",
    "备注",
]
HEADERS_EN = [
    "No.",
    "Retailer ID",
    "Name",
    "Address",
    "Class",
    "Arrive",
    "Start",
    "End",
    "Travel (m)",
    "Travel (min)",
    "Flags",
    "Notes",
]


def hm(hours: int, minutes: int, seconds: int = 0) -> int:
    return hours * 3600 + minutes * 60 + seconds


def shop(number: int, **flags: bool) -> Retailer:
    return Retailer(
        id=f"R{number}",
        name=f"{number}号烟酒店",
        lon=113.300 + number * 0.001,
        lat=23.100,
        area=Area.URBAN,
        retailer_class="ABC"[number % 3],
        address=f"中山路{number}号",
        **flags,
    )


def visit(number: int, arrive: int, *, wait_s: int = 0) -> Stop:
    return Stop(
        retailer_id=f"R{number}",
        lon=113.300 + number * 0.001,
        lat=23.100,
        arrive_s=arrive,
        start_s=arrive + wait_s,
        end_s=arrive + wait_s + 480,
        travel_s=300,
        travel_m=1000,
    )


@pytest.fixture
def retailers() -> dict[str, Retailer]:
    """Three shops on one street, one more nobody visits."""
    shops = [shop(1, must_visit=True, enterprise=True), shop(2), shop(3, fluctuating=True)]
    shops.append(shop(9))
    return {r.id: r for r in shops}


@pytest.fixture
def day() -> DayPlan:
    """Three shops on one street, lunch after the second one."""
    return DayPlan(
        date=MONDAY,
        area="urban",
        depart_office_s=hm(9, 10),
        return_office_s=hm(14, 0),
        lunch=Lunch(start_s=hm(12, 0), end_s=hm(12, 30), after_stop=2),
        stops=(
            visit(1, hm(9, 30)),
            visit(2, hm(9, 50, 40), wait_s=600),
            visit(3, hm(12, 35)),
        ),
        travel_back_s=900,
        travel_back_m=2500,
        quota=30,
        shortfall_reason="片区客户不足",
    )


@pytest.fixture
def plan(day: DayPlan) -> Plan:
    return Plan(
        manager="王五",
        mode="ebike",
        office_lon=113.300,
        office_lat=23.100,
        days=(day,),
        retailers=(),
        unplanned=(Unplanned(retailer_id="R9", date=MONDAY, reason="营业时间不符"),),
    )


def table(sheet: openpyxl.worksheet.worksheet.Worksheet, first: str) -> list[list[object]]:
    """Return the rows of a sheet from the header row whose first cell is ``first``."""
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    start = next(i for i, row in enumerate(rows) if row[0] == first)
    return rows[start:]


def block(sheet: openpyxl.worksheet.worksheet.Worksheet) -> dict[object, object]:
    """Return the header block of a day sheet as label -> value."""
    found = {}
    for row in sheet.iter_rows(min_row=2, max_row=8, values_only=True):
        found[row[1]] = row[2]
        found[row[3]] = row[4]
    return found


def test_every_label_has_both_languages():
    assert LANGUAGES == ("zh", "en")
    for key, texts in LABELS.items():
        assert len(texts) == 2, key
        assert all(text.strip() for text in texts), key
        assert label(key, "zh") == texts[0]
        assert label(key, "en") == texts[1]


def test_unknown_label_key_names_the_key():
    with pytest.raises(KeyError, match="no_such_key"):
        label("no_such_key")


def test_unknown_language_is_rejected(plan, retailers, tmp_path):
    with pytest.raises(ValueError, match="'fr'"):
        label("date", "fr")
    with pytest.raises(ValueError, match="'fr'"):
        write_schedule_xlsx(plan, retailers, tmp_path / "s.xlsx", lang="fr")


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (hm(9, 30), "09:30"),
        (hm(9, 30, 29), "09:30"),
        (hm(9, 30, 30), "09:31"),
        (hm(15, 0), "15:00"),
    ],
)
def test_clock_is_hh_mm(seconds, expected):
    assert clock(seconds) == expected


def test_xlsx_has_a_sheet_per_day_and_a_not_visited_sheet(plan, retailers, tmp_path):
    path = tmp_path / "out" / "schedule.xlsx"
    write_schedule_xlsx(plan, retailers, path)
    assert openpyxl.load_workbook(path).sheetnames == ["2025-03-03", "未拜访"]


def test_xlsx_chinese_headers_and_stops_in_visiting_order(plan, retailers, tmp_path):
    path = tmp_path / "schedule.xlsx"
    write_schedule_xlsx(plan, retailers, path)
    rows = table(openpyxl.load_workbook(path)["2025-03-03"], "序号")
    assert rows[0][: len(HEADERS_ZH)] == HEADERS_ZH
    stops = [row for row in rows[1:] if isinstance(row[0], int)]
    assert [row[0] for row in stops] == [1, 2, 3]
    assert [row[1] for row in stops] == ["R1", "R2", "R3"]
    assert stops[0][2:5] == ["1号烟酒店", "中山路1号", "B"]


def test_xlsx_times_distances_flags_and_notes(plan, retailers, tmp_path):
    path = tmp_path / "schedule.xlsx"
    write_schedule_xlsx(plan, retailers, path)
    rows = table(openpyxl.load_workbook(path)["2025-03-03"], "序号")
    first, second, third = (row for row in rows[1:] if isinstance(row[0], int))
    assert first[5:10] == ["09:30", "09:30", "09:38", 1000, 5]
    assert second[5:8] == ["09:51", "10:01", "10:09"]
    assert first[10] == "必访、企业级"
    assert third[10] == "波动大"
    assert second[11] == "等待开门10分钟"


def test_xlsx_office_rows_frame_the_day(plan, retailers, tmp_path):
    path = tmp_path / "schedule.xlsx"
    write_schedule_xlsx(plan, retailers, path)
    rows = table(openpyxl.load_workbook(path)["2025-03-03"], "序号")
    assert rows[1][2] == "办公室出发"
    assert rows[1][6] == "09:10"
    assert rows[-1][2] == "返回办公室"
    assert rows[-1][5] == "14:00"
    assert rows[-1][8:10] == [2500, 15]


@pytest.mark.parametrize(("after_stop", "lunch_index"), [(0, 2), (1, 3), (2, 4), (3, 5)])
def test_lunch_row_comes_right_after_stop_after_stop(
    plan, retailers, tmp_path, after_stop, lunch_index
):
    day = plan.days[0]
    lunch = replace(day.lunch, after_stop=after_stop)
    plan = replace(plan, days=(replace(day, lunch=lunch),))
    path = tmp_path / "schedule.xlsx"
    write_schedule_xlsx(plan, retailers, path)
    rows = table(openpyxl.load_workbook(path)["2025-03-03"], "序号")
    names = [row[2] for row in rows]
    assert names.index("午餐") == lunch_index
    assert rows[lunch_index][6:8] == ["12:00", "12:30"]
    assert [row[0] for row in rows[lunch_index - 1 : lunch_index]] == [after_stop or None]


def test_day_without_lunch_has_no_lunch_row(plan, retailers):
    day = replace(plan.days[0], lunch=None)
    names = [row[2] for row in schedule_rows(day, retailers)]
    assert "午餐" not in names
    assert len(names) == len(day.stops) + 2


def test_xlsx_header_block_shows_quota_against_visits_and_totals(plan, retailers, tmp_path):
    path = tmp_path / "schedule.xlsx"
    write_schedule_xlsx(plan, retailers, path)
    sheet = openpyxl.load_workbook(path)["2025-03-03"]
    assert "拜访日程表" in sheet["A1"].value
    assert "王五" in sheet["A1"].value
    found = block(sheet)
    assert found["日期"] == "2025-03-03"
    assert found["区域"] == "城区"
    assert (found["拜访户数"], found["定额"]) == (3, 30)
    assert (found["出发"], found["返回"]) == ("09:10", "14:00")
    assert found["午餐"] == "12:00–12:30"
    assert found["总里程(公里)"] == 5.5
    assert found["服务时间(分钟)"] == 24
    assert found["路上时间(分钟)"] == 30
    assert found["未达定额原因"] == "片区客户不足"


def test_xlsx_is_ready_to_print(plan, retailers, tmp_path):
    path = tmp_path / "schedule.xlsx"
    write_schedule_xlsx(plan, retailers, path)
    sheet = openpyxl.load_workbook(path)["2025-03-03"]
    header_row = next(row[0].row for row in sheet.iter_rows() if row[0].value == "序号")
    assert sheet.freeze_panes == f"A{header_row + 1}"
    assert sheet.cell(row=header_row, column=1).font.bold
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["A"].width
    assert sheet.page_setup.orientation == "landscape"


def test_xlsx_not_visited_sheet_lists_reasons(plan, retailers, tmp_path):
    plan = replace(
        plan, unplanned=(*plan.unplanned, Unplanned(retailer_id="GONE", date=None, reason="停业"))
    )
    path = tmp_path / "schedule.xlsx"
    write_schedule_xlsx(plan, retailers, path)
    rows = table(openpyxl.load_workbook(path)["未拜访"], "客户编码")
    assert rows[0] == ["客户编码", "客户名称", "地址", "档位", "日期", "原因"]
    assert rows[1] == ["R9", "9号烟酒店", "中山路9号", "A", "2025-03-03", "营业时间不符"]
    assert rows[2][0] == "GONE"
    assert rows[2][1] == "客户资料缺失"
    assert rows[2][-1] == "停业"


def test_xlsx_in_english(plan, retailers, tmp_path):
    path = tmp_path / "schedule.xlsx"
    write_schedule_xlsx(plan, retailers, path, lang="en")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["2025-03-03", "Not visited"]
    rows = table(book["2025-03-03"], "No.")
    assert rows[0][: len(HEADERS_EN)] == HEADERS_EN
    assert [row[2] for row in rows].count("Lunch") == 1
    assert block(book["2025-03-03"])["Area"] == "urban"
    assert rows[1 + 1][10] == "must visit, enterprise"


def test_stop_of_an_unknown_retailer_still_prints(plan, retailers):
    rows = schedule_rows(plan.days[0], {k: v for k, v in retailers.items() if k != "R2"})
    second = next(row for row in rows if row[0] == 2)
    assert second[1] == "R2"
    assert second[2] == ""
    assert "客户资料缺失" in str(second[11])


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


def test_csv_is_utf8_with_bom_and_chinese_headers(plan, retailers, tmp_path):
    path = tmp_path / "schedule.csv"
    write_schedule_csv(plan, retailers, path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = read_csv(path)
    assert rows[0] == ["日期", *HEADERS_ZH]
    assert len(rows[0]) == len(COLUMNS) + 1


def test_csv_has_all_days_in_order_with_a_date_column(plan, retailers, tmp_path):
    plan = replace(plan, days=(plan.days[0], replace(plan.days[0], date=TUESDAY)))
    path = tmp_path / "schedule.csv"
    write_schedule_csv(plan, retailers, path)
    rows = read_csv(path)[1:]
    visits = [(row[0], row[1], row[2], row[6]) for row in rows if row[1]]
    assert visits == [
        ("2025-03-03", "1", "R1", "09:30"),
        ("2025-03-03", "2", "R2", "09:51"),
        ("2025-03-03", "3", "R3", "12:35"),
        ("2025-03-04", "1", "R1", "09:30"),
        ("2025-03-04", "2", "R2", "09:51"),
        ("2025-03-04", "3", "R3", "12:35"),
    ]
    names = [row[3] for row in rows if row[0] == "2025-03-03"]
    assert names == ["办公室出发", "1号烟酒店", "2号烟酒店", "午餐", "3号烟酒店", "返回办公室"]


def test_csv_unplanned_list_is_written_beside_it(plan, retailers, tmp_path):
    path = tmp_path / "week" / "schedule.csv"
    write_schedule_csv(plan, retailers, path)
    unplanned = unplanned_csv_path(path)
    assert unplanned == tmp_path / "week" / "schedule_unplanned.csv"
    assert unplanned.read_bytes().startswith(b"\xef\xbb\xbf")
    assert read_csv(unplanned) == [
        ["客户编码", "客户名称", "地址", "档位", "日期", "原因"],
        ["R9", "9号烟酒店", "中山路9号", "A", "2025-03-03", "营业时间不符"],
    ]


def test_csv_in_english(plan, retailers, tmp_path):
    path = tmp_path / "schedule.csv"
    write_schedule_csv(plan, retailers, path, lang="en")
    assert read_csv(path)[0] == ["Date", *HEADERS_EN]
    assert read_csv(unplanned_csv_path(path))[0][-1] == "Reason"


# The month summary of a plan of several days.

MONTH_HEADERS_ZH = [
    "日期",
    "星期",
    "区域",
    "拜访户数",
    "定额",
    "总里程(公里)",
    "路上时间(分钟)",
    "服务时间(分钟)",
    "出发",
    "返回",
    "未达定额原因",
]
DATES_HEADERS_ZH = [
    "客户编码",
    "客户名称",
    "档位",
    "应访次数",
    "已排次数",
    "拜访日期",
    "线路",
    "未排原因",
]


@pytest.fixture
def month(plan: Plan) -> Plan:
    """Three days: Monday as in ``plan``, Tuesday R3 and R1 (rural), Thursday R2 alone.

    R1 needs 2 visits and gets both; R2 needs 2 and gets 2; R3 needs 2 and gets only 1;
    R9 needs 1 and gets none. Lines: R1 and R2 on line 0, R3 on line 1.
    """
    monday = plan.days[0]
    tuesday = replace(
        monday,
        date=TUESDAY,
        area="rural",
        lunch=None,
        stops=(visit(3, hm(9, 30)), replace(visit(1, hm(10, 0)), travel_m=1750)),
        quota=25,
        shortfall_reason=None,
    )
    thursday = replace(monday, date=THURSDAY, lunch=None, stops=(visit(2, hm(9, 30)),))
    return replace(
        plan,
        days=(monday, tuesday, thursday),
        retailers=(
            RetailerVisits(id="R1", required_visits=2, dates=(MONDAY, TUESDAY)),
            RetailerVisits(id="R2", required_visits=2, dates=(THURSDAY, MONDAY)),
            RetailerVisits(id="R3", required_visits=2, dates=(MONDAY,)),
            RetailerVisits(id="R9", required_visits=1, dates=()),
        ),
        unplanned=(
            *plan.unplanned,
            Unplanned(retailer_id="R3", date=None, reason="周内已满"),
            Unplanned(retailer_id="R9", date=None, reason="营业时间不符"),
        ),
        extra={"planning": "lines", "lines": {"R1": 0, "R2": 0, "R3": 1}},
    )


def test_month_workbook_starts_with_summary_and_visit_dates(month, retailers, tmp_path):
    path = tmp_path / "month.xlsx"
    write_schedule_xlsx(month, retailers, path)
    assert openpyxl.load_workbook(path).sheetnames == [
        "月汇总",
        "客户拜访日期",
        "2025-03-03",
        "2025-03-04",
        "2025-03-06",
        "未拜访",
    ]


def test_a_one_day_plan_has_no_month_sheets(plan, retailers, tmp_path):
    path = tmp_path / "day.xlsx"
    write_schedule_xlsx(plan, retailers, path)
    assert "月汇总" not in openpyxl.load_workbook(path).sheetnames


def test_month_summary_has_a_row_per_day_with_its_totals(month, retailers, tmp_path):
    path = tmp_path / "month.xlsx"
    write_schedule_xlsx(month, retailers, path)
    sheet = openpyxl.load_workbook(path)["月汇总"]
    assert "月度拜访计划汇总" in sheet["A1"].value
    assert "王五" in sheet["A1"].value
    rows = table(sheet, "日期")
    assert rows[0] == MONTH_HEADERS_ZH
    days = rows[1:-1]
    assert [row[0] for row in days] == ["2025-03-03", "2025-03-04", "2025-03-06"]
    assert [row[1] for row in days] == ["周一", "周二", "周四"]
    assert [row[2] for row in days] == ["城区", "农村", "城区"]
    for row, day in zip(days, month.days, strict=True):
        assert row[3:8] == [
            len(day.stops),
            day.quota,
            kilometres(day.travel_m),
            minutes(day.travel_s),
            minutes(day.service_s),
        ]
        assert row[8:10] == [clock(day.depart_office_s), clock(day.return_office_s)]
    assert days[0][10] == "片区客户不足"
    assert days[1][10] is None


def test_month_summary_totals_row(month, retailers, tmp_path):
    path = tmp_path / "month.xlsx"
    write_schedule_xlsx(month, retailers, path)
    sheet = openpyxl.load_workbook(path)["月汇总"]
    totals = table(sheet, "日期")[-1]
    assert totals[0] == "合计"
    assert totals[3:8] == [6, 85, 14.2, 75, 48]  # 14 250 m, 4 500 s, 2 880 s
    assert totals[3] == sum(len(day.stops) for day in month.days)
    assert sheet.cell(row=sheet.max_row, column=4).font.bold


def test_month_summary_totals_add_up_metres_and_seconds_once(month):
    totals = month_rows(month)[-1]
    km, travel, service = (
        MONTH_COLUMNS.index(k) for k in ("total_km", "travel_min", "service_min")
    )
    assert totals[km] == kilometres(sum(day.travel_m for day in month.days))
    assert totals[travel] == minutes(sum(day.travel_s for day in month.days))
    assert totals[service] == minutes(sum(day.service_s for day in month.days))


def test_visit_dates_lists_each_retailers_dates_line_and_reasons(month, retailers, tmp_path):
    path = tmp_path / "month.xlsx"
    write_schedule_xlsx(month, retailers, path)
    rows = table(openpyxl.load_workbook(path)["客户拜访日期"], "客户编码")
    assert rows[0] == DATES_HEADERS_ZH
    assert len(rows[0]) == len(VISIT_DATES_COLUMNS)
    by_id = {row[0]: row for row in rows[1:]}
    assert list(by_id) == ["R1", "R2", "R3", "R9"]
    assert by_id["R1"] == ["R1", "1号烟酒店", "B", 2, 2, "03-03, 03-04", 1, None]
    assert by_id["R2"][5] == "03-03, 03-06"  # in date order
    assert by_id["R3"][3:8] == [2, 1, "03-03", 2, "周内已满"]
    assert by_id["R9"][3:8] == [1, 0, None, None, "营业时间不符"]


def test_visit_dates_shades_retailers_short_of_visits(month, retailers, tmp_path):
    path = tmp_path / "month.xlsx"
    write_schedule_xlsx(month, retailers, path)
    sheet = openpyxl.load_workbook(path)["客户拜访日期"]
    fills = {
        row[0].value: row[0].fill.fgColor.rgb for row in sheet.iter_rows(min_row=4) if row[0].value
    }
    assert fills["R1"] != fills["R3"]
    assert fills["R3"] == fills["R9"]


def test_visit_dates_without_lines_leaves_the_line_empty(month, retailers, tmp_path):
    path = tmp_path / "month.xlsx"
    write_schedule_xlsx(replace(month, extra={}), retailers, path)
    rows = table(openpyxl.load_workbook(path)["客户拜访日期"], "客户编码")
    assert [row[6] for row in rows[1:]] == [None, None, None, None]


def test_month_sheets_are_ready_to_print(month, retailers, tmp_path):
    path = tmp_path / "month.xlsx"
    write_schedule_xlsx(month, retailers, path)
    book = openpyxl.load_workbook(path)
    for name in ("月汇总", "客户拜访日期"):
        sheet = book[name]
        assert sheet.freeze_panes == "A4"
        assert sheet.print_title_rows == "$3:$3"
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.cell(row=3, column=1).font.bold


def test_month_sheets_in_english(month, retailers, tmp_path):
    path = tmp_path / "month.xlsx"
    write_schedule_xlsx(month, retailers, path, lang="en")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:2] == ["Month summary", "Visit dates"]
    rows = table(book["Month summary"], "Date")
    assert rows[0][:5] == ["Date", "Weekday", "Area", "Visits", "Quota"]
    assert [row[1] for row in rows[1:-1]] == ["Mon", "Tue", "Thu"]
    assert rows[-1][0] == "Total"
    dates = table(book["Visit dates"], "Retailer ID")
    assert dates[0] == [
        "Retailer ID",
        "Name",
        "Class",
        "Required visits",
        "Planned visits",
        "Visit dates",
        "Line",
        "Unplanned reasons",
    ]


@pytest.mark.parametrize(
    ("day", "zh", "en"),
    [
        (date(2025, 3, 3), "周一", "Mon"),
        (date(2025, 3, 8), "周六", "Sat"),
        (date(2025, 3, 9), "周日", "Sun"),
    ],
)
def test_weekday_label(day, zh, en):
    assert (weekday_label(day), weekday_label(day, "en")) == (zh, en)


def test_month_day_and_line_label():
    assert month_day(date(2025, 1, 5)) == "01-05"
    assert (line_label(0), line_label(9, "en"), line_label(None)) == (
        "线路1",
        "Line 10",
        "未分线路",
    )


def test_retailer_lines_reads_plan_extra(month):
    assert retailer_lines(month) == {"R1": 0, "R2": 0, "R3": 1}
    assert retailer_lines(replace(month, extra={})) == {}
    with pytest.raises(ValueError, match="line indices"):
        retailer_lines(replace(month, extra={"lines": {"R1": "first"}}))
