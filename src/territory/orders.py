"""Order history (订货记录): read from a file, summed by ISO week, measured for fluctuation.

An order file has one row per order, with the columns ``retailer_id, date, quantity``
(headers case-insensitive; Chinese aliases in :data:`ALIASES`), as a CSV (UTF-8 or GBK)
or an XLSX workbook (first sheet, header in row 1). Ids that are not in the retailer
file are not an error here: the caller reports them (see
:func:`territory.demand.unknown_history_ids`).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
import statistics
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

from routing.errors import InputError, Problem
from routing.readers import fields
from routing.readers.columns import header_key
from routing.readers.fields import FieldError
from routing.readers.tables import Table, read_table

logger = logging.getLogger(__name__)

T = TypeVar("T")

MIN_FLUCTUATION_WEEKS = 4
"""Fewest weekly totals a fluctuation measure is computed from.

With two or three weeks a single large order decides the result, so a retailer with a
shorter history (a new licence) gets no measure rather than a misleading one.
"""

COLUMNS = ("retailer_id", "date", "quantity")
"""Columns every order file must have."""

ALIASES: Mapping[str, tuple[str, ...]] = {
    "retailer_id": ("id", "客户编码", "许可证号"),
    "date": ("日期", "订货日期", "order_date"),
    "quantity": ("订货量", "数量", "qty"),
}
"""Other header names accepted for a column, in order of preference."""

Order = tuple[dt.date, float]
"""One order: its date and quantity."""

_FORMATS = (".csv", ".xlsx")
_YMD = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_EXCEL_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderHistory:
    """Orders per retailer, each retailer's sorted by date (oldest first).

    Build one with :meth:`from_orders` or :func:`read_order_history`.

    Parameters
    ----------
    orders
        ``{retailer id: ((date, quantity), ...)}``; quantities are finite and >= 0.
    source
        The file the orders came from, for messages.
    """

    orders: Mapping[str, tuple[Order, ...]]
    source: str = ""

    def __post_init__(self) -> None:
        for retailer_id, records in self.orders.items():
            if not retailer_id:
                msg = "Expected non-empty retailer ids in an order history."
                raise ValueError(msg)
            if any(not (math.isfinite(q) and q >= 0) for _, q in records):
                msg = f"Expected finite quantities >= 0 for retailer {retailer_id!r}."
                raise ValueError(msg)
        frozen = {key: tuple(sorted(records)) for key, records in sorted(self.orders.items())}
        object.__setattr__(self, "orders", MappingProxyType(frozen))

    @classmethod
    def from_orders(
        cls, orders: Iterable[tuple[str, dt.date, float]], *, source: str = ""
    ) -> OrderHistory:
        """Return the history of ``(retailer id, date, quantity)`` orders, in any order."""
        grouped: dict[str, list[Order]] = {}
        for retailer_id, day, quantity in orders:
            grouped.setdefault(retailer_id, []).append((day, float(quantity)))
        return cls(orders={key: tuple(records) for key, records in grouped.items()}, source=source)

    @property
    def retailer_ids(self) -> tuple[str, ...]:
        """Return the ids of the retailers with orders, sorted."""
        return tuple(self.orders)

    def of(self, retailer_id: str) -> tuple[Order, ...]:
        """Return the orders of ``retailer_id``, oldest first (empty if it has none)."""
        return self.orders.get(retailer_id, ())


# --- weekly totals and fluctuation ----------------------------------------------------------


def weekly_totals(
    history: OrderHistory, retailer_id: str, *, end: dt.date, weeks: int
) -> list[float]:
    """Return the retailer's order totals of the ``weeks`` ISO weeks that end before ``end``.

    Only whole ISO weeks (Monday to Sunday) count, oldest first: the week containing
    ``end`` is left out unless ``end`` is a Monday, so that a week only partly in the
    history does not look like a drop in orders. Weeks without orders count 0; orders
    on or after ``end`` are ignored.

    Raises
    ------
    ValueError
        If ``weeks`` is not positive.
    """
    if weeks < 1:
        msg = "Expected weeks >= 1."
        raise ValueError(msg)
    first = _week_start(end) - dt.timedelta(weeks=weeks)
    totals = [0.0] * weeks
    for day, quantity in history.of(retailer_id):
        index = (day - first).days // 7
        if 0 <= index < weeks:
            totals[index] += quantity
    return totals


def measured_weeks(history: OrderHistory, retailer_id: str, *, end: dt.date, weeks: int) -> int:
    """Return how many of the ``weeks`` whole weeks before ``end`` the retailer's record covers.

    A record starts in the week of the retailer's first order: the weeks before it are
    not "no orders" but "not yet a customer", and counting them as zeros would make a
    new retailer look like it fluctuates. Returns 0 for a retailer without orders before
    the window ends.
    """
    orders = history.of(retailer_id)
    window_end = _week_start(end)
    if not orders or orders[0][0] >= window_end:
        return 0
    covered = (window_end - _week_start(orders[0][0])).days // 7
    return min(covered, weeks)


def fluctuation(history: OrderHistory, *, end: dt.date, weeks: int) -> dict[str, float]:
    """Return the coefficient of variation of each retailer's weekly orders before ``end``.

    The measure is the population standard deviation of the weekly totals divided by
    their mean, over the ``weeks`` whole ISO weeks before ``end`` (see
    :func:`weekly_totals`), or over fewer weeks when the retailer's first order is more
    recent (see :func:`measured_weeks`).

    * A retailer whose weekly totals are all zero (mean 0) gets 0.0: not ordering at all
      is steady, not fluctuating, and the ratio is undefined.
    * A retailer covering fewer than :data:`MIN_FLUCTUATION_WEEKS` weeks is left out:
      two or three totals give no meaningful measure.

    Raises
    ------
    ValueError
        If ``weeks`` is less than :data:`MIN_FLUCTUATION_WEEKS`.
    """
    if weeks < MIN_FLUCTUATION_WEEKS:
        msg = f"Expected weeks >= {MIN_FLUCTUATION_WEEKS} for a fluctuation measure."
        raise ValueError(msg)
    result = {}
    for retailer_id in history.retailer_ids:
        covered = measured_weeks(history, retailer_id, end=end, weeks=weeks)
        if covered < MIN_FLUCTUATION_WEEKS:
            continue
        totals = weekly_totals(history, retailer_id, end=end, weeks=covered)
        result[retailer_id] = coefficient_of_variation(totals)
    return result


def coefficient_of_variation(values: list[float]) -> float:
    """Return the population standard deviation of ``values`` over their mean (0.0 if 0)."""
    mean = statistics.fmean(values)
    return 0.0 if mean == 0 else statistics.pstdev(values) / mean


def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


# --- reading --------------------------------------------------------------------------------


def read_order_history(path: Path) -> OrderHistory:
    """Return the orders in the file at ``path``.

    Parameters
    ----------
    path
        A ``.csv`` (UTF-8, UTF-8 with BOM, or GBK/GB18030) or ``.xlsx`` (first sheet,
        header in row 1) file with the columns ``retailer_id, date, quantity``.

    Raises
    ------
    InputError
        With every problem found (file, row, column and fix), if the file is missing,
        unreadable, has no orders or has any bad cell: an empty id, a date that is not
        a real ``YYYY-MM-DD`` date, a quantity that is not a number >= 0.
    """
    source = str(path)
    if Path(path).suffix.lower() not in _FORMATS:
        msg = f"unsupported order file type {Path(path).suffix or '(none)'!r}; use .csv or .xlsx"
        raise InputError([Problem(source=source, message=msg)])
    table = read_table(Path(path))
    if not any(table.header) and not table.problems:
        raise InputError([Problem(source=source, message=_EMPTY_FILE)])
    orders, problems = _orders_from_table(table)
    if problems:
        raise InputError(sorted(problems, key=lambda problem: problem.row or 0))
    history = OrderHistory.from_orders(orders, source=source)
    logger.info("read %d orders of %d retailers from %s", len(orders), len(history.orders), path)
    return history


def _orders_from_table(table: Table) -> tuple[list[tuple[str, dt.date, float]], list[Problem]]:
    """Return the orders of ``table`` and every problem in it."""
    columns, problems = _find_columns(table)
    problems += table.problems
    if len(columns) < len(COLUMNS):
        return [], problems  # without a column, every row would repeat the same problem
    if not table.rows and not table.problems:
        problems.append(Problem(source=table.source, message=_NO_ORDERS))
    orders = []
    for row, values in table.rows:
        order = _order(table, columns, row, values, problems)
        if order is not None:
            orders.append(order)
    return orders, problems


_NO_ORDERS = "no orders found; add one row per order (retailer_id,date,quantity) under the header"
_EMPTY_FILE = (
    "the file is empty; add a header row (retailer_id,date,quantity) and one row per order"
)


def _find_columns(table: Table) -> tuple[dict[str, str], list[Problem]]:
    """Return ``{column: header as written}`` and a problem per missing or doubled column."""
    keys: dict[str, list[str]] = {}
    for header in table.header:
        keys.setdefault(header_key(header), []).append(header)
    columns: dict[str, str] = {}
    problems = []
    for column in COLUMNS:
        names = [column, *ALIASES[column]]
        found = next((keys[name] for name in names if name in keys), None)
        if found is None:
            problems.append(_header_problem(table, column, _missing_message(column)))
            continue
        if len(found) > 1:
            msg = f"column {found[0]!r} appears {len(found)} times; delete or rename the others"
            problems.append(_header_problem(table, found[0], msg))
        columns[column] = found[0]
    return columns, problems


def _missing_message(column: str) -> str:
    also = " / ".join(ALIASES[column])
    return (
        f"missing required column {column!r} (or {also}); add it. "
        f"Expected columns: {', '.join(COLUMNS)}"
    )


def _header_problem(table: Table, field: str, message: str) -> Problem:
    return Problem(source=table.source, row=table.header_row, field=field, message=message)


def _order(
    table: Table,
    columns: Mapping[str, str],
    row: int,
    values: Mapping[str, str],
    problems: list[Problem],
) -> tuple[str, dt.date, float] | None:
    """Return one row's order, or ``None`` after adding its problems to ``problems``."""

    def cell(column: str, parser: Callable[[str], T]) -> T | None:
        header = columns[column]
        try:
            return parser(values.get(header, ""))
        except FieldError as error:
            problems.append(
                Problem(source=table.source, row=row, field=header, message=str(error))
            )
            return None

    retailer_id = cell("retailer_id", partial(fields.required_text, what="retailer id", hint=_ID))
    day = cell("date", parse_date)
    quantity = cell("quantity", parse_quantity)
    if retailer_id is None or day is None or quantity is None:
        return None
    return retailer_id, day, quantity


_ID = "give the retailer's id (客户编码) as in the retailer file"


def parse_date(raw: str) -> dt.date:
    """Return the date of ``2024-03-04``, ``2024/3/4``, ``2024年3月4日`` or ``20240304``.

    A time after the date (``2024-03-04 00:00:00``, as Excel dates read) is ignored.

    Raises
    ------
    FieldError
        If the cell is empty, in another format, or not a real date.
    """
    value = raw.strip()
    match = _YMD.fullmatch(value) or _COMPACT.fullmatch(value)
    if match is None:
        raise FieldError(_date_hint(value))
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        msg = f"{value!r} is not a real date; check the month and day (YYYY-MM-DD)"
        raise FieldError(msg) from None


def _date_hint(value: str) -> str:
    if not value:
        return "empty date; fill in the order date as YYYY-MM-DD, e.g. 2024-03-04"
    if _EXCEL_SERIAL.fullmatch(value):
        return (
            f"{value!r} looks like an Excel date number; format the column as a date "
            "or write YYYY-MM-DD, e.g. 2024-03-04"
        )
    return f"{value!r} is not a date; write YYYY-MM-DD (year first), e.g. 2024-03-04"


def parse_quantity(raw: str) -> float:
    """Return an order quantity: a finite number >= 0.

    Raises
    ------
    FieldError
        If the cell is empty, not a number or negative.
    """
    quantity = fields.number(raw, "quantity", "10")
    if quantity < 0:
        msg = f"{raw.strip()!r} is negative; give the quantity ordered as 0 or more"
        raise FieldError(msg + " (leave returns out of the order history)")
    return quantity
