"""The printable visit schedule (拜访日程表) as an Excel workbook or as CSV files.

Each day lists its stops in visiting order, framed by leaving and coming back to the office,
with the lunch break as its own row right after stop ``lunch.after_stop``. Retailers left out
of the plan follow in their own sheet (or CSV file) with the reason. A plan of several days
(a month plan) starts its workbook with a month summary (月汇总, one row per day) and the
visit dates of every retailer (客户拜访日期).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from routing.labels import (
    area_label,
    clock,
    flags_text,
    kilometres,
    label,
    line_number,
    minutes,
    month_day,
    retailer_lines,
    weekday_label,
)
from routing.plan import DayPlan, Plan, RetailerVisits, Stop, Unplanned
from routing.reason_labels import reason_label
from routing.retailers import Retailer

Cell = str | int | float | None
Row = tuple[Cell, ...]

COLUMNS = (
    "seq",
    "retailer_id",
    "name",
    "address",
    "retailer_class",
    "arrive",
    "start",
    "end",
    "leg_m",
    "leg_min",
    "flags",
    "notes",
)
"""Label keys of the schedule's columns, in order."""

UNPLANNED_COLUMNS = ("retailer_id", "name", "address", "retailer_class", "date", "reason")
"""Label keys of the not-visited list's columns, in order."""

MONTH_COLUMNS = (
    "date",
    "weekday",
    "area",
    "visits",
    "quota",
    "total_km",
    "travel_min",
    "service_min",
    "depart_office",
    "return_office",
    "shortfall_reason",
)
"""Label keys of the month summary's columns (one row per day), in order."""

VISIT_DATES_COLUMNS = (
    "retailer_id",
    "name",
    "retailer_class",
    "required_visits",
    "planned_visits",
    "visit_dates",
    "line",
    "unplanned_reasons",
)
"""Label keys of the retailers' visit dates columns (one row per retailer), in order."""

_WIDTHS = {
    "seq": 6,
    "retailer_id": 16,
    "name": 26,
    "address": 32,
    "retailer_class": 7,
    "arrive": 8,
    "start": 8,
    "end": 8,
    "leg_m": 10,
    "leg_min": 11,
    "flags": 18,
    "notes": 26,
    "date": 12,
    "reason": 40,
    "weekday": 8,
    "area": 8,
    "visits": 9,
    "quota": 7,
    "total_km": 12,
    "travel_min": 13,
    "service_min": 13,
    "depart_office": 9,
    "return_office": 10,
    "shortfall_reason": 30,
    "required_visits": 10,
    "planned_visits": 10,
    "visit_dates": 30,
    "line": 6,
    "unplanned_reasons": 36,
}
_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_LUNCH_FILL = PatternFill("solid", fgColor="FFF2CC")
_OFFICE_FILL = PatternFill("solid", fgColor="F2F2F2")
_SHORT_FILL = PatternFill("solid", fgColor="FCE4D6")
_THIN = Side(style="thin", color="808080")
_GRID = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def schedule_rows(day: DayPlan, retailers: Mapping[str, Retailer], lang: str = "zh") -> list[Row]:
    """Return the rows of one day's schedule, one value per :data:`COLUMNS` entry.

    The first row leaves the office and the last comes back to it; the lunch break is a row
    of its own right after stop ``lunch.after_stop``.
    """
    rows = [_office_row("leave_office_row", lang, start=clock(day.depart_office_s))]
    rows += [
        _stop_row(number, stop, retailers.get(stop.retailer_id), lang)
        for number, stop in enumerate(day.stops, start=1)
    ]
    if day.lunch is not None:
        lunch_row = _office_row(
            "lunch", lang, start=clock(day.lunch.start_s), end=clock(day.lunch.end_s)
        )
        rows.insert(min(day.lunch.after_stop, len(day.stops)) + 1, lunch_row)
    back = _office_row(
        "back_office_row",
        lang,
        arrive=clock(day.return_office_s),
        leg_m=day.travel_back_m,
        leg_min=minutes(day.travel_back_s),
    )
    return [*rows, back]


def day_summary(day: DayPlan, lang: str = "zh") -> list[tuple[str, Cell]]:
    """Return the day's header block as ``(label, value)`` pairs."""
    lunch = "—"
    if day.lunch is not None:
        lunch = f"{clock(day.lunch.start_s)}–{clock(day.lunch.end_s)}"
    pairs: list[tuple[str, Cell]] = [
        ("date", day.date.isoformat()),
        ("area", area_label(day.area, lang)),
        ("visits", len(day.stops)),
        ("quota", day.quota),
        ("depart_office", clock(day.depart_office_s)),
        ("return_office", clock(day.return_office_s)),
        ("lunch", lunch),
        ("total_km", kilometres(day.travel_m)),
        ("service_min", minutes(day.service_s)),
        ("travel_min", minutes(day.travel_s)),
    ]
    if day.shortfall_reason:
        pairs.append(("shortfall_reason", reason_label(day.shortfall_reason, lang)))
    return [(label(key, lang), value) for key, value in pairs]


def unplanned_rows(
    unplanned: Sequence[Unplanned], retailers: Mapping[str, Retailer], lang: str = "zh"
) -> list[Row]:
    """Return one row per :data:`UNPLANNED_COLUMNS` entry for each retailer left out."""
    rows: list[Row] = []
    for item in unplanned:
        retailer = retailers.get(item.retailer_id)
        rows.append(
            (
                item.retailer_id,
                retailer.name if retailer else label("unknown_retailer", lang),
                retailer.address if retailer else "",
                retailer.retailer_class if retailer else "",
                item.date.isoformat() if item.date else "",
                reason_label(item.reason, lang),
            )
        )
    return rows


def month_rows(plan: Plan, lang: str = "zh") -> list[Row]:
    """Return the month summary: one :data:`MONTH_COLUMNS` row per day, then the totals.

    The totals row adds up visits and quotas, and converts the summed metres and seconds
    once (so it may differ by rounding from adding up the rounded day rows).
    """
    rows: list[Row] = [
        (
            day.date.isoformat(),
            weekday_label(day.date, lang),
            area_label(day.area, lang),
            len(day.stops),
            day.quota,
            kilometres(day.travel_m),
            minutes(day.travel_s),
            minutes(day.service_s),
            clock(day.depart_office_s),
            clock(day.return_office_s),
            reason_label(day.shortfall_reason or "", lang),
        )
        for day in plan.days
    ]
    totals: Row = (
        label("total", lang),
        "",
        "",
        sum(len(day.stops) for day in plan.days),
        sum(day.quota for day in plan.days),
        kilometres(sum(day.travel_m for day in plan.days)),
        minutes(sum(day.travel_s for day in plan.days)),
        minutes(sum(day.service_s for day in plan.days)),
        "",
        "",
        "",
    )
    return [*rows, totals]


def visit_date_rows(plan: Plan, retailers: Mapping[str, Retailer], lang: str = "zh") -> list[Row]:
    """Return one :data:`VISIT_DATES_COLUMNS` row per retailer in ``plan.retailers``.

    Dates are ``MM-DD``, comma-separated; the line is the number a user reads (index + 1,
    empty when the plan has no lines); the reasons are those of ``plan.unplanned``.
    """
    lines = retailer_lines(plan)
    reasons: dict[str, list[str]] = {}
    for item in plan.unplanned:
        found = reasons.setdefault(item.retailer_id, [])
        if item.reason not in found:
            found.append(item.reason)
    sep = label("list_sep", lang)
    return [
        _visit_date_row(
            entry,
            retailers.get(entry.id),
            lines.get(entry.id),
            sep.join(reason_label(reason, lang) for reason in reasons.get(entry.id, [])),
            lang,
        )
        for entry in plan.retailers
    ]


def _visit_date_row(
    entry: RetailerVisits, retailer: Retailer | None, line: int | None, reasons: str, lang: str
) -> Row:
    return (
        entry.id,
        retailer.name if retailer else label("unknown_retailer", lang),
        retailer.retailer_class if retailer else "",
        entry.required_visits,
        len(entry.dates),
        ", ".join(month_day(d) for d in sorted(entry.dates)),
        "" if line is None else line_number(line),
        reasons,
    )


def write_schedule_xlsx(
    plan: Plan, retailers: Mapping[str, Retailer], path: Path, *, lang: str = "zh"
) -> None:
    """Write the schedule as an Excel workbook: one sheet per day, then the not-visited sheet.

    A plan of more than one day starts with two more sheets: the month summary (月汇总,
    :func:`month_rows`) and every retailer's visit dates (客户拜访日期,
    :func:`visit_date_rows`).

    Parameters
    ----------
    plan
        The plan to print.
    retailers
        Retailer records by id, for names, addresses, classes and flags.
    path
        The ``.xlsx`` file to write (its folder is created if needed).
    lang
        ``zh`` (default) or ``en`` labels.
    """
    label("date", lang)  # fail early on an unknown language
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    if len(plan.days) > 1:
        sheet = workbook.create_sheet(_sheet_title(label("month_summary_sheet", lang), used))
        _write_month_sheet(sheet, plan, lang)
        sheet = workbook.create_sheet(_sheet_title(label("visit_dates_sheet", lang), used))
        _write_visit_dates_sheet(sheet, plan, retailers, lang)
    for day in plan.days:
        sheet = workbook.create_sheet(_sheet_title(day.date, used))
        _write_day_sheet(sheet, plan, day, retailers, lang)
    sheet = workbook.create_sheet(_sheet_title(label("not_visited_sheet", lang), used))
    _write_unplanned_sheet(sheet, plan, retailers, lang)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)


def write_schedule_csv(
    plan: Plan, retailers: Mapping[str, Retailer], path: Path, *, lang: str = "zh"
) -> None:
    """Write the schedule of all days as one CSV file, and the not-visited list beside it.

    Both files are UTF-8 with a byte-order mark so that Excel shows Chinese correctly. The
    schedule starts with a date column; the not-visited list goes to ``<stem>_unplanned.csv``
    in the same folder.

    Parameters
    ----------
    plan
        The plan to print.
    retailers
        Retailer records by id, for names, addresses, classes and flags.
    path
        The schedule CSV file to write (its folder is created if needed).
    lang
        ``zh`` (default) or ``en`` labels.
    """
    header = [label("date", lang), *(label(key, lang) for key in COLUMNS)]
    rows = [
        (day.date.isoformat(), *row)
        for day in plan.days
        for row in schedule_rows(day, retailers, lang)
    ]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_csv(path, header, rows)
    _write_csv(
        unplanned_csv_path(path),
        [label(key, lang) for key in UNPLANNED_COLUMNS],
        unplanned_rows(plan.unplanned, retailers, lang),
    )


def unplanned_csv_path(path: Path) -> Path:
    """Return where :func:`write_schedule_csv` puts the not-visited list for ``path``."""
    return Path(path).with_name(f"{Path(path).stem}_unplanned.csv")


def _stop_row(number: int, stop: Stop, retailer: Retailer | None, lang: str) -> Row:
    notes = _notes(stop, retailer, lang)
    return (
        number,
        stop.retailer_id,
        retailer.name if retailer else "",
        retailer.address if retailer else "",
        retailer.retailer_class if retailer else "",
        clock(stop.arrive_s),
        clock(stop.start_s),
        clock(stop.end_s),
        stop.travel_m,
        minutes(stop.travel_s),
        flags_text(retailer, lang) if retailer else "",
        label("list_sep", lang).join(notes),
    )


def _notes(stop: Stop, retailer: Retailer | None, lang: str) -> list[str]:
    notes = []
    if retailer is None:
        notes.append(label("unknown_retailer", lang))
    wait = minutes(stop.start_s - stop.arrive_s)
    if wait > 0:
        notes.append(label("wait_note", lang).format(minutes=wait))
    if retailer is not None and retailer.forecast_sample:
        notes.append(label("forecast_sample", lang))
    return notes


def _office_row(key: str, lang: str, **values: Cell) -> Row:
    cells: dict[str, Cell] = dict.fromkeys(COLUMNS, "")
    cells["name"] = label(key, lang)
    cells.update(values)
    return tuple(cells[column] for column in COLUMNS)


def _sheet_title(text: str | date, used: set[str]) -> str:
    base = str(text)[:28]
    for char in "[]:*?/\\":
        base = base.replace(char, "-")
    title, copy = base, 2
    while title in used:
        title, copy = f"{base}({copy})", copy + 1
    used.add(title)
    return title


def _write_day_sheet(
    sheet: Any, plan: Plan, day: DayPlan, retailers: Mapping[str, Retailer], lang: str
) -> None:
    _write_title(sheet, f"{label('schedule_title', lang)}  {day.date.isoformat()}", plan, lang)
    next_row = _write_summary(sheet, day_summary(day, lang), first_row=2)
    header_row = next_row + 1
    _write_table(sheet, [label(key, lang) for key in COLUMNS], header_row)
    names = {label(key, lang) for key in ("lunch", "leave_office_row", "back_office_row")}
    for offset, row in enumerate(schedule_rows(day, retailers, lang), start=1):
        _write_row(sheet, header_row + offset, row)
        if row[0] == "" and row[2] in names:
            fill = _LUNCH_FILL if row[2] == label("lunch", lang) else _OFFICE_FILL
            for column in range(1, len(COLUMNS) + 1):
                sheet.cell(row=header_row + offset, column=column).fill = fill
    _set_widths(sheet, COLUMNS)
    _set_printing(sheet, header_row)


def _write_summary(sheet: Any, pairs: list[tuple[str, Cell]], first_row: int) -> int:
    """Write the header block two pairs a row (columns B-C and D-E); return the next row."""
    row = first_row
    for index, (name, value) in enumerate(pairs):
        column = 2 if index % 2 == 0 else 4
        sheet.cell(row=row, column=column, value=name).font = _BOLD
        cell = sheet.cell(row=row, column=column + 1, value=value)
        cell.alignment = Alignment(horizontal="left")
        if index % 2 == 1 or index == len(pairs) - 1:
            row += 1
    return row


def _write_unplanned_sheet(
    sheet: Any, plan: Plan, retailers: Mapping[str, Retailer], lang: str
) -> None:
    sheet.cell(row=1, column=1, value=label("not_visited", lang)).font = Font(bold=True, size=14)
    header_row = 3
    _write_table(sheet, [label(key, lang) for key in UNPLANNED_COLUMNS], header_row)
    for offset, row in enumerate(unplanned_rows(plan.unplanned, retailers, lang), start=1):
        _write_row(sheet, header_row + offset, row)
    _set_widths(sheet, UNPLANNED_COLUMNS)
    _set_printing(sheet, header_row)


def _write_month_sheet(sheet: Any, plan: Plan, lang: str) -> None:
    first, last = plan.days[0].date, plan.days[-1].date
    title = f"{label('month_summary_title', lang)}  {first.isoformat()} – {last.isoformat()}"
    _write_title(sheet, title, plan, lang)
    header_row = 3
    _write_table(sheet, [label(key, lang) for key in MONTH_COLUMNS], header_row)
    rows = month_rows(plan, lang)
    for offset, row in enumerate(rows, start=1):
        _write_row(sheet, header_row + offset, row)
    for column in range(1, len(MONTH_COLUMNS) + 1):
        cell = sheet.cell(row=header_row + len(rows), column=column)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
    _set_widths(sheet, MONTH_COLUMNS)
    _set_printing(sheet, header_row)


def _write_visit_dates_sheet(
    sheet: Any, plan: Plan, retailers: Mapping[str, Retailer], lang: str
) -> None:
    _write_title(sheet, label("visit_dates_sheet", lang), plan, lang)
    header_row = 3
    _write_table(sheet, [label(key, lang) for key in VISIT_DATES_COLUMNS], header_row)
    rows = visit_date_rows(plan, retailers, lang)
    for offset, (entry, row) in enumerate(zip(plan.retailers, rows, strict=True), start=1):
        _write_row(sheet, header_row + offset, row)
        if len(entry.dates) < entry.required_visits:  # short of visits: shade the row
            for column in range(1, len(VISIT_DATES_COLUMNS) + 1):
                sheet.cell(row=header_row + offset, column=column).fill = _SHORT_FILL
    _set_widths(sheet, VISIT_DATES_COLUMNS)
    _set_printing(sheet, header_row)


def _write_title(sheet: Any, title: str, plan: Plan, lang: str) -> None:
    if plan.manager:
        title += f"  {label('manager', lang)}: {plan.manager}"
    sheet.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)


def _write_table(sheet: Any, header: list[str], row: int) -> None:
    for column, text in enumerate(header, start=1):
        cell = sheet.cell(row=row, column=column, value=text)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.border = _GRID
        cell.alignment = Alignment(horizontal="center", vertical="center")
    sheet.freeze_panes = sheet.cell(row=row + 1, column=1)


def _write_row(sheet: Any, row: int, values: Row) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column, value=None if value == "" else value)
        cell.border = _GRID


def _set_widths(sheet: Any, columns: Sequence[str]) -> None:
    for index, key in enumerate(columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = _WIDTHS[key]


def _set_printing(sheet: Any, header_row: int) -> None:
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _write_csv(path: Path, header: Sequence[str], rows: Sequence[Row]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(["" if value is None else value for value in row] for row in rows)
