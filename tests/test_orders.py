"""Order history: reading order files, weekly totals in a window, and the fluctuation measure."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest
from openpyxl import Workbook

from routing.errors import InputError
from territory.orders import (
    OrderHistory,
    fluctuation,
    measured_weeks,
    read_order_history,
    weekly_totals,
)

D = dt.date
# 2024-04-01 is a Monday: the 4 whole weeks before it start on 03-04, 03-11, 03-18, 03-25.
APRIL = D(2024, 4, 1)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def weekly_history(series: dict[str, list[float]], *, end: dt.date = APRIL) -> OrderHistory:
    """One order per week (zero included, so the record covers every week), on Wednesdays."""
    orders = []
    for retailer_id, totals in series.items():
        first_wednesday = end - dt.timedelta(weeks=len(totals)) + dt.timedelta(days=2)
        for week, total in enumerate(totals):
            orders.append((retailer_id, first_wednesday + dt.timedelta(weeks=week), total))
    return OrderHistory.from_orders(orders)


# --- reading ----------------------------------------------------------------------------


def test_a_utf8_csv_is_read_into_sorted_records_per_retailer(tmp_path: Path) -> None:
    path = write(
        tmp_path / "orders.csv",
        "retailer_id,date,quantity\nR2,2024-03-12,5\nR1,2024-03-20,7.5\nR1,2024-03-05,10\n",
    )

    history = read_order_history(path)

    assert history.retailer_ids == ("R1", "R2")
    assert history.of("R1") == ((D(2024, 3, 5), 10.0), (D(2024, 3, 20), 7.5))
    assert history.of("R2") == ((D(2024, 3, 12), 5.0),)
    assert history.of("R9") == ()
    assert history.source == str(path)


def test_a_gbk_csv_with_chinese_headers(tmp_path: Path) -> None:
    text = "客户编码,日期,订货量\n310101000001,2024年3月5日,12\n310101000001,2024/3/12,8\n"
    path = write(tmp_path / "订货.csv", text, encoding="gbk")

    history = read_order_history(path)

    assert history.of("310101000001") == ((D(2024, 3, 5), 12.0), (D(2024, 3, 12), 8.0))


def test_the_quantity_may_be_headed_shuliang(tmp_path: Path) -> None:
    path = write(tmp_path / "o.csv", "客户编码,日期,数量\nR1,20240305,3\n")

    assert read_order_history(path).of("R1") == ((D(2024, 3, 5), 3.0),)


def test_an_xlsx_with_date_cells_and_text_ids(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["客户编码", "日期", "数量"],
        ["007", dt.datetime(2024, 3, 5), 10],
        ["007", D(2024, 3, 12), 2.5],
        ["008", "2024-03-19", 0],
    ]
    path = write_xlsx(tmp_path / "orders.xlsx", rows)

    history = read_order_history(path)

    assert history.of("007") == ((D(2024, 3, 5), 10.0), (D(2024, 3, 12), 2.5))
    assert history.of("008") == ((D(2024, 3, 19), 0.0),)


@pytest.mark.parametrize(
    "text",
    ["2024-03-05", "2024/3/5", "2024.03.05", "2024年3月5日", "20240305", "2024-03-05 00:00:00"],
)
def test_common_date_formats_are_read(tmp_path: Path, text: str) -> None:
    path = write(tmp_path / "o.csv", f"retailer_id,date,quantity\nR1,{text},1\n")

    assert read_order_history(path).of("R1") == ((D(2024, 3, 5), 1.0),)


HEADER = "retailer_id,date,quantity\n"

# (case, file text, [(row, field)], a phrase of the fix)
BAD_ORDER_FILES = [
    ("empty_id", HEADER + " ,2024-03-05,1\n", [(2, "retailer_id")], "give the retailer's id"),
    ("not_a_date", HEADER + "R1,yesterday,1\n", [(2, "date")], "YYYY-MM-DD"),
    ("impossible_date", HEADER + "R1,2024-02-30,1\n", [(2, "date")], "not a real date"),
    ("day_first_date", HEADER + "R1,05/03/2024,1\n", [(2, "date")], "year first"),
    ("excel_serial_date", HEADER + "R1,45356,1\n", [(2, "date")], "format the column as a date"),
    ("empty_date", HEADER + "R1,,1\n", [(2, "date")], "fill in the order date"),
    ("negative_quantity", HEADER + "R1,2024-03-05,-3\n", [(2, "quantity")], "0 or more"),
    ("text_quantity", HEADER + "R1,2024-03-05,ten\n", [(2, "quantity")], "as a number"),
    ("empty_quantity", HEADER + "R1,2024-03-05,\n", [(2, "quantity")], "fill it in"),
    ("infinite_quantity", HEADER + "R1,2024-03-05,inf\n", [(2, "quantity")], "finite"),
    (
        "missing_column",
        "retailer_id,date\nR1,2024-03-05\n",
        [(1, "quantity")],
        "missing required column 'quantity'",
    ),
    (
        "doubled_column",
        "retailer_id,date,Date,quantity\nR1,2024-03-05,2024-03-06,1\n",
        [(1, "date")],
        "appears 2 times",
    ),
    ("too_many_values", HEADER + "R1,2024-03-05,1,extra\n", [(2, None)], "double quotes"),
    ("header_only", HEADER, [(None, None)], "no orders found"),
    ("empty_file", "", [(None, None)], "add a header row"),
]


@pytest.mark.parametrize(
    ("case", "text", "where", "hint"), BAD_ORDER_FILES, ids=[case[0] for case in BAD_ORDER_FILES]
)
def test_a_bad_order_file_names_row_field_and_fix(
    tmp_path: Path, case: str, text: str, where: list[tuple[int | None, str | None]], hint: str
) -> None:
    path = write(tmp_path / "orders.csv", text)

    with pytest.raises(InputError, match=hint) as caught:
        read_order_history(path)

    problems = caught.value.problems
    assert [(problem.row, problem.field) for problem in problems] == where
    assert all(problem.source == str(path) for problem in problems)


def test_every_bad_cell_of_every_row_is_reported_at_once(tmp_path: Path) -> None:
    text = HEADER + "R1,2024-03-05,1\n,2024-13-01,1\nR3,2024-03-05,-1\nR4,someday,x\n"
    path = write(tmp_path / "orders.csv", text)

    with pytest.raises(InputError) as caught:
        read_order_history(path)

    where = [(problem.row, problem.field) for problem in caught.value.problems]
    assert where == [
        (3, "retailer_id"),
        (3, "date"),
        (4, "quantity"),
        (5, "date"),
        (5, "quantity"),
    ]


def test_the_field_is_the_header_as_written(tmp_path: Path) -> None:
    path = write(tmp_path / "o.csv", "客户编码,日期,订货量\nR1,2024-03-05,-2\n")

    with pytest.raises(InputError) as caught:
        read_order_history(path)

    assert [(p.row, p.field) for p in caught.value.problems] == [(2, "订货量")]


def test_a_bad_xlsx_cell_names_its_spreadsheet_row(tmp_path: Path) -> None:
    rows: list[list[object]] = [["retailer_id", "date", "quantity"], ["R1", D(2024, 3, 5), 1]]
    rows.append(["R2", D(2024, 3, 5), -4])
    path = write_xlsx(tmp_path / "orders.xlsx", rows)

    with pytest.raises(InputError) as caught:
        read_order_history(path)

    assert [(p.row, p.field) for p in caught.value.problems] == [(3, "quantity")]


@pytest.mark.parametrize("name", ["orders.json", "orders.xls", "orders"])
def test_other_file_types_are_refused(tmp_path: Path, name: str) -> None:
    path = write(tmp_path / name, HEADER + "R1,2024-03-05,1\n")

    with pytest.raises(InputError, match=r"use \.csv or \.xlsx"):
        read_order_history(path)


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_order_history(tmp_path / "nowhere.csv")


# --- the history itself -------------------------------------------------------------------


def test_an_order_history_is_immutable() -> None:
    history = OrderHistory.from_orders([("R1", D(2024, 3, 5), 1)])

    with pytest.raises(TypeError):
        history.orders["R2"] = ()  # type: ignore[index]


@pytest.mark.parametrize("quantity", [-1.0, math.nan, math.inf])
def test_an_order_history_refuses_bad_quantities(quantity: float) -> None:
    with pytest.raises(ValueError, match="quantities"):
        OrderHistory.from_orders([("R1", D(2024, 3, 5), quantity)])


def test_an_order_history_refuses_an_empty_id() -> None:
    with pytest.raises(ValueError, match="retailer ids"):
        OrderHistory.from_orders([("", D(2024, 3, 5), 1)])


# --- the window -----------------------------------------------------------------------------


def test_weekly_totals_sum_whole_iso_weeks_oldest_first() -> None:
    history = OrderHistory.from_orders(
        [
            ("R1", D(2024, 3, 4), 1),  # Monday of the first week
            ("R1", D(2024, 3, 10), 2),  # Sunday of the first week
            ("R1", D(2024, 3, 27), 5),
        ]
    )

    assert weekly_totals(history, "R1", end=APRIL, weeks=4) == [3.0, 0.0, 0.0, 5.0]


def test_weeks_without_orders_count_zero() -> None:
    history = OrderHistory.from_orders([("R1", D(2024, 3, 13), 4)])

    assert weekly_totals(history, "R1", end=APRIL, weeks=4) == [0.0, 4.0, 0.0, 0.0]
    assert weekly_totals(history, "R9", end=APRIL, weeks=3) == [0.0, 0.0, 0.0]


def test_orders_on_or_after_the_end_are_ignored() -> None:
    history = OrderHistory.from_orders(
        [
            ("R1", D(2024, 3, 31), 1),  # the Sunday before: counted
            ("R1", APRIL, 100),
            ("R1", D(2024, 4, 9), 100),
        ]
    )

    assert weekly_totals(history, "R1", end=APRIL, weeks=2) == [0.0, 1.0]


def test_orders_before_the_window_are_ignored() -> None:
    history = OrderHistory.from_orders([("R1", D(2024, 3, 3), 100), ("R1", D(2024, 3, 4), 1)])

    assert weekly_totals(history, "R1", end=APRIL, weeks=4) == [1.0, 0.0, 0.0, 0.0]


def test_the_week_containing_a_mid_week_end_is_left_out() -> None:
    # End on Thursday 2024-04-04: the week of 04-01 is only partly in the past.
    history = OrderHistory.from_orders([("R1", D(2024, 4, 2), 100), ("R1", D(2024, 3, 26), 1)])

    assert weekly_totals(history, "R1", end=D(2024, 4, 4), weeks=2) == [0.0, 1.0]


def test_weekly_totals_need_a_positive_number_of_weeks() -> None:
    with pytest.raises(ValueError, match="weeks"):
        weekly_totals(OrderHistory.from_orders([]), "R1", end=APRIL, weeks=0)


# --- fluctuation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("series", "cv"),
    [
        ([10, 10, 10, 10], 0.0),
        ([0, 20, 0, 20], 1.0),
        ([5, 15, 5, 15], 0.5),
        ([0, 0, 0, 40], math.sqrt(3)),
        ([0, 0, 0, 0], 0.0),  # no orders at all: steady, not undefined
    ],
)
def test_the_coefficient_of_variation_of_weekly_totals(series: list[float], cv: float) -> None:
    history = weekly_history({"R1": series})

    assert fluctuation(history, end=APRIL, weeks=4) == {"R1": pytest.approx(cv)}


def test_fluctuation_uses_only_the_window() -> None:
    steady_before = weekly_history({"R1": [0, 20, 0, 20, 10, 10, 10, 10]})

    assert fluctuation(steady_before, end=APRIL, weeks=4) == {"R1": 0.0}
    assert fluctuation(steady_before, end=APRIL, weeks=8)["R1"] == pytest.approx(0.7071, 1e-3)


def test_a_record_of_fewer_than_four_weeks_is_not_measured() -> None:
    history = weekly_history({"new": [0, 50, 5], "old": [10, 10, 10, 10]})

    assert fluctuation(history, end=APRIL, weeks=8) == {"old": 0.0}
    assert measured_weeks(history, "new", end=APRIL, weeks=8) == 3


def test_weeks_before_a_retailers_first_order_do_not_count_as_zero() -> None:
    # Licensed four weeks ago, steady since: the four empty weeks before are not a dip.
    history = weekly_history({"R1": [10, 10, 10, 10]})

    assert measured_weeks(history, "R1", end=APRIL, weeks=8) == 4
    assert fluctuation(history, end=APRIL, weeks=8) == {"R1": 0.0}


def test_a_retailer_whose_orders_all_come_after_the_end_is_not_measured() -> None:
    history = OrderHistory.from_orders([("R1", D(2024, 4, 2), 1)])

    assert measured_weeks(history, "R1", end=APRIL, weeks=8) == 0
    assert fluctuation(history, end=APRIL, weeks=8) == {}


def test_fluctuation_needs_at_least_four_weeks() -> None:
    with pytest.raises(ValueError, match="weeks >= 4"):
        fluctuation(weekly_history({"R1": [1, 2, 3]}), end=APRIL, weeks=3)
