"""Tables to retailers: every cell checked, every problem collected, then one error."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

from routing.coords import Crs, to_wgs84
from routing.errors import InputError, Problem
from routing.readers import fields
from routing.readers.columns import BOOLEAN_COLUMNS, REQUIRED, find_columns
from routing.readers.fields import FieldError
from routing.readers.tables import Table
from routing.retailers import Retailer, TimeWindow
from routing.rules import Rules

T = TypeVar("T")

_NO_RETAILERS = "no retailers found; add one row per retailer under the header"
_NO_FEATURES = (
    "no retailers found: the FeatureCollection has no features; add one Point feature per retailer"
)
_EMPTY_FILE = (
    "no retailers found: the file is empty; add a header row (id,name,lon,lat,area,class) "
    "and one row per retailer under it"
)


@dataclass(slots=True)
class _Cells:
    """One row's cells, and the problems found in them so far."""

    table: Table
    columns: dict[str, str]
    row: int
    values: dict[str, str]
    problems: list[Problem] = field(default_factory=list)

    def raw(self, column: str) -> str:
        header = self.columns.get(column)
        return "" if header is None else self.values.get(header, "")

    def report(self, column: str, message: str) -> None:
        label = self.table.labels.get(column, self.columns.get(column, column))
        problem = Problem(source=self.table.source, row=self.row, field=label, message=message)
        self.problems.append(problem)

    def parse(self, column: str, parser: Callable[[str], T]) -> T | None:
        if column in REQUIRED and column not in self.columns:
            return None  # reported once, as a missing column
        try:
            return parser(self.raw(column))
        except FieldError as error:
            self.report(column, str(error))
            return None


def retailers_from_table(table: Table, *, rules: Rules, crs: Crs) -> tuple[Retailer, ...]:
    """Return the retailers of ``table`` in row order.

    Raises
    ------
    InputError
        With every problem in the table, if there is any.
    """
    if not table.rows and not table.problems and not _has_header(table):
        message = _NO_FEATURES if table.header_row is None else _EMPTY_FILE
        raise InputError([Problem(source=table.source, message=message)])
    if not table.rows and table.problems:
        raise InputError(table.problems)  # nothing else to check
    columns, problems = find_columns(table)
    problems += table.problems
    if not table.rows:
        problems.append(Problem(source=table.source, message=_NO_RETAILERS))
    retailers = []
    for row, values in table.rows:
        cells = _Cells(table, columns, row, values)
        retailer = _retailer(cells, rules, crs)
        problems += cells.problems
        if retailer is not None:
            retailers.append(retailer)
    problems += _duplicate_ids(table, columns)
    if problems:
        raise InputError(sorted(problems, key=lambda problem: problem.row or 0))
    return tuple(retailers)


def _has_header(table: Table) -> bool:
    return table.header_row is not None and any(table.header)


def _retailer(cells: _Cells, rules: Rules, crs: Crs) -> Retailer | None:
    retailer_id = cells.parse("id", partial(fields.required_text, what="id", hint=_ID_HINT))
    name = cells.parse("name", partial(fields.required_text, what="name", hint=_NAME_HINT))
    lonlat = _lonlat(cells, crs)
    area = cells.parse("area", fields.area)
    klass = cells.parse("class", partial(fields.retailer_class, known=rules.classes))
    service_s = cells.parse("service_min", partial(fields.service_s, minimum_s=rules.service_s))
    opening = _opening(cells)
    flags = {column: bool(cells.parse(column, fields.boolean)) for column in BOOLEAN_COLUMNS}
    visits = cells.parse("visits_per_month", fields.visits_per_month)
    if (
        cells.problems
        or retailer_id is None
        or name is None
        or lonlat is None
        or area is None
        or klass is None
        or opening is None
    ):
        return None
    return Retailer(
        id=retailer_id,
        name=name,
        lon=lonlat[0],
        lat=lonlat[1],
        area=area,
        retailer_class=klass,
        service_s=service_s,
        opening=opening,
        visits_per_month=visits,
        address=fields.text(cells.raw("address")),
        **flags,
    )


_ID_HINT = "give every retailer a unique id (e.g. its licence number 许可证号)"
_NAME_HINT = "fill in the shop name (客户名称)"


def _lonlat(cells: _Cells, crs: Crs) -> tuple[float, float] | None:
    lon = cells.parse("lon", partial(fields.number, what="longitude", example="121.4737"))
    lat = cells.parse("lat", partial(fields.number, what="latitude", example="31.2304"))
    if lon is None or lat is None:
        # The other one is still checked, so that every problem of the row is reported.
        if lon is not None and (message := fields.longitude_problem(lon)):
            cells.report("lon", message)
        if lat is not None and (message := fields.latitude_problem(lat)):
            cells.report("lat", message)
        return None
    found = fields.coordinate_problems(lon, lat)
    for column, message in found:
        cells.report(column, message)
    return None if found else to_wgs84(lon, lat, crs)


def _opening(cells: _Cells) -> tuple[TimeWindow, ...] | None:
    """Return the windows of ``opening`` or of ``open``/``close``, reporting bad cells."""
    windows = cells.parse("opening", fields.windows)
    open_raw, close_raw = cells.raw("open"), cells.raw("close")
    if not (open_raw.strip() or close_raw.strip()):
        return windows
    if cells.raw("opening").strip():
        msg = "give the opening hours in 'opening' or in 'open'/'close', not both"
        cells.report("opening", msg)
        return None
    for column, raw, other in (("open", open_raw, "close"), ("close", close_raw, "open")):
        if not raw.strip():
            msg = f"{other} is given but {column} is empty; fill in both open and close (HH:MM)"
            cells.report(column, msg + " or leave both empty for a shop open all day")
    if not (open_raw.strip() and close_raw.strip()):
        return None
    checked = [cells.parse(column, fields.clock) for column in ("open", "close")]
    if None in checked:
        return None
    return cells.parse("close", lambda _: fields.open_close(open_raw, close_raw))


def _duplicate_ids(table: Table, columns: dict[str, str]) -> list[Problem]:
    header = columns.get("id")
    if header is None:
        return []
    first: dict[str, int] = {}
    problems = []
    rows = "features" if table.header_row is None else "rows"
    for row, values in table.rows:
        key = values.get(header, "").strip()
        if not key:
            continue
        if key in first:
            msg = (
                f"duplicate id {key!r}: {rows} {first[key]} and {row} have the same id; "
                "ids must be unique, fix or delete one of them"
            )
            problems.append(Problem(source=table.source, row=row, field=header, message=msg))
        first.setdefault(key, row)
    return problems
