"""Malformed retailer files, shared by the reader tests and the CLI tests.

Each case is one small file with exactly one problem. Use it like this::

    from bad_inputs import BAD_RETAILER_FILES, EXPECTED, write_case

    @pytest.mark.parametrize(("case", "filename", "content"), BAD_RETAILER_FILES)
    def test_bad(tmp_path, case, filename, content):
        path = write_case(tmp_path, filename, content)
        ...  # expect an InputError (exit code 2) whose one problem is at EXPECTED[case]

``content`` is the file's text (written as UTF-8), its bytes, or a builder called with
the path (for XLSX workbooks; the ``missing_file`` builder writes nothing).
``EXPECTED[case]`` is ``(row, field)`` of the problem (``None`` for file-level problems)
and ``HINTS[case]`` a phrase of the message that tells the fix.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Builder = Callable[[Path], None]
Content = str | bytes | Builder

HEADER = "id,name,lon,lat,area,class"
GOOD_ROW = "R1,张记烟酒店,121.4737,31.2304,urban,A"


@dataclass(frozen=True)
class BadCase:
    """One malformed file and where its one problem is."""

    name: str
    filename: str
    content: Content
    row: int | None
    field: str | None
    hint: str


def csv_text(*rows: str, header: str = HEADER) -> str:
    """Return a CSV with ``header``, the good row (row 2) and ``rows`` (from row 3)."""
    return "\n".join([header, GOOD_ROW, *rows]) + "\n"


def _optional(column: str, good: str, bad: str) -> str:
    """Return a CSV with one optional ``column``: good in row 2, bad in row 3."""
    return "\n".join(
        [f"{HEADER},{column}", f"{GOOD_ROW},{good}", f"R2,鑫源便利店,121.475,31.231,urban,B,{bad}"]
    )


def _xlsx(rows: list[list[Any]]) -> Builder:
    def build(path: Path) -> None:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        for row in rows:
            sheet.append(row)
        book.save(path)

    return build


def _no_file(path: Path) -> None:
    """Write nothing: the reader gets a path that does not exist."""


def _geojson(*features: Any) -> str:
    return json.dumps(
        {"type": "FeatureCollection", "features": list(features)}, ensure_ascii=False
    )


def _feature(lon: float, lat: float, **properties: Any) -> dict[str, Any]:
    values = {"id": "R1", "name": "张记烟酒店", "area": "urban", "class": "A", **properties}
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": values,
    }


XLSX_HEADER = ["id", "name", "lon", "lat", "area", "class"]
XLSX_GOOD = [12345, "张记烟酒店", 121.4737, 31.2304, "urban", "A"]
OPEN_CLOSE = f"{HEADER},open,close"
OPEN_GOOD = f"{GOOD_ROW},07:00,22:00"

CASES: list[BadCase] = [
    # The file as a whole
    BadCase("empty_file", "empty.csv", "", None, None, "add a header row"),
    BadCase("header_only", "header_only.csv", HEADER + "\n", None, None, "add one row"),
    BadCase(
        "blank_rows_only", "blank.csv", HEADER + "\n,,,,,\n,,,,,\n", None, None, "add one row"
    ),
    BadCase("missing_file", "does_not_exist.csv", _no_file, None, None, "file not found"),
    BadCase("unsupported_extension", "retailers.txt", csv_text(), None, None, "use .csv"),
    BadCase("old_excel", "retailers.xls", "not really excel", None, None, ".xlsx"),
    BadCase("utf16_csv", "utf16.csv", csv_text().encode("utf-16"), None, None, "UTF-8 CSV"),
    BadCase("latin1_csv", "latin1.csv", b"id,name\nR1,Caf\xe9 Tabac\n", None, None, "UTF-8 CSV"),
    # The header
    BadCase(
        "missing_lat",
        "no_lat.csv",
        "id,name,lon,area,class\nR1,张记烟酒店,121.47,urban,A\n",
        1,
        "lat",
        "expected columns",
    ),
    BadCase(
        "missing_class",
        "no_class.csv",
        "id,name,lon,lat,area\nR1,张记烟酒店,121.47,31.23,urban\n",
        1,
        "class",
        "add it",
    ),
    BadCase(
        "duplicate_column",
        "two_ids.csv",
        f"{HEADER},ID\n{GOOD_ROW},R9\n",
        1,
        "ID",
        "delete or rename",
    ),
    # Coordinates
    BadCase("empty_lon", "empty_lon.csv", csv_text("R2,b,,31.23,urban,A"), 3, "lon", "fill it in"),
    BadCase("nan_lat", "nan_lat.csv", csv_text("R2,b,121.47,NaN,urban,A"), 3, "lat", "fill it in"),
    BadCase(
        "text_lon", "text_lon.csv", csv_text("R2,b,东经121,31.23,urban,A"), 3, "lon", "number"
    ),
    BadCase(
        "lon_out_of_range",
        "lon_range.csv",
        csv_text("R2,b,200,31.23,urban,A"),
        3,
        "lon",
        "decimal degrees",
    ),
    BadCase(
        "lat_out_of_range",
        "lat_range.csv",
        csv_text("R2,b,121.47,-95,urban,A"),
        3,
        "lat",
        "decimal degrees",
    ),
    BadCase("swapped", "swapped.csv", csv_text("R2,b,31.23,121.47,urban,A"), 3, "lat", "swap"),
    BadCase("zero_zero", "zero.csv", csv_text("R2,b,0,0,urban,A"), 3, "lon", "fill in the real"),
    # Ids, names, classes, areas
    BadCase(
        "duplicate_id", "dup.csv", csv_text("R1,b,121.47,31.23,urban,A"), 3, "id", "rows 2 and 3"
    ),
    BadCase("empty_id", "no_id.csv", csv_text(",b,121.47,31.23,urban,A"), 3, "id", "unique id"),
    BadCase(
        "empty_name", "no_name.csv", csv_text("R2,,121.47,31.23,urban,A"), 3, "name", "shop name"
    ),
    BadCase(
        "unknown_class",
        "class.csv",
        csv_text("R2,b,121.47,31.23,urban,Z"),
        3,
        "class",
        "A, B, C, D, E",
    ),
    BadCase(
        "empty_class",
        "no_class_value.csv",
        csv_text("R2,b,121.47,31.23,urban,"),
        3,
        "class",
        "A, B",
    ),
    BadCase(
        "unknown_area",
        "area.csv",
        csv_text("R2,b,121.47,31.23,suburb,A"),
        3,
        "area",
        "urban or rural",
    ),
    BadCase(
        "chinese_header_bad_area",
        "中文.csv",
        "客户编码,客户名称,经度,纬度,区域,档位\nR1,张记烟酒店,121.47,31.23,城区,A\n"
        "R2,鑫源便利店,121.48,31.24,郊区,B\n",
        3,
        "区域",
        "城区 or 农村",
    ),
    BadCase(
        "too_many_values",
        "commas.csv",
        csv_text("R2,b,121.47,31.23,urban,A,人民路1号"),
        3,
        None,
        "double quotes",
    ),
    # Opening hours
    BadCase(
        "bad_open_time",
        "open.csv",
        "\n".join([OPEN_CLOSE, OPEN_GOOD, "R2,b,121.47,31.23,urban,A,25:00,22:00"]),
        3,
        "open",
        "HH:MM",
    ),
    BadCase(
        "bad_close_format",
        "close.csv",
        "\n".join([OPEN_CLOSE, OPEN_GOOD, "R2,b,121.47,31.23,urban,A,07:00,9pm"]),
        3,
        "close",
        "HH:MM",
    ),
    BadCase(
        "close_before_open",
        "close_early.csv",
        "\n".join([OPEN_CLOSE, OPEN_GOOD, "R2,b,121.47,31.23,urban,A,22:00,07:00"]),
        3,
        "close",
        "not after open",
    ),
    BadCase(
        "open_without_close",
        "half.csv",
        "\n".join([OPEN_CLOSE, OPEN_GOOD, "R2,b,121.47,31.23,urban,A,07:00,"]),
        3,
        "close",
        "fill in both",
    ),
    BadCase(
        "opening_bad_format",
        "opening.csv",
        _optional("opening", "07:00-22:00", "7-12"),
        3,
        "opening",
        "HH:MM",
    ),
    BadCase(
        "opening_single_time",
        "opening_one.csv",
        _optional("opening", "07:00-22:00", "07:00"),
        3,
        "opening",
        "HH:MM-HH:MM",
    ),
    BadCase(
        "opening_reversed",
        "reversed.csv",
        _optional("opening", "07:00-22:00", "12:00-07:00"),
        3,
        "opening",
        "ends before it starts",
    ),
    BadCase(
        "opening_overlap",
        "overlap.csv",
        _optional("opening", "07:00-22:00", "07:00-12:00;11:00-14:00"),
        3,
        "opening",
        "merge",
    ),
    BadCase(
        "opening_and_open_close",
        "both.csv",
        "\n".join(
            [
                f"{OPEN_CLOSE},opening",
                f"{OPEN_GOOD},",
                "R2,b,121.47,31.23,urban,A,07:00,22:00,09:00-20:00",
            ]
        ),
        3,
        "opening",
        "not both",
    ),
    # Flags, numbers
    BadCase(
        "bad_boolean",
        "flag.csv",
        _optional("fluctuating", "是", "maybe"),
        3,
        "fluctuating",
        "yes/no",
    ),
    BadCase(
        "bad_boolean_number",
        "flag2.csv",
        _optional("must_visit", "1", "2"),
        3,
        "must_visit",
        "1/0",
    ),
    BadCase(
        "negative_visits",
        "visits.csv",
        _optional("visits_per_month", "4", "-1"),
        3,
        "visits_per_month",
        "0 or more",
    ),
    BadCase(
        "fractional_visits",
        "visits2.csv",
        _optional("visits_per_month", "4", "2.5"),
        3,
        "visits_per_month",
        "whole number",
    ),
    BadCase(
        "service_below_minimum",
        "service.csv",
        _optional("service_min", "10", "5"),
        3,
        "service_min",
        "rule minimum of 8 minutes",
    ),
    BadCase(
        "service_text",
        "service2.csv",
        _optional("service_min", "10", "ten"),
        3,
        "service_min",
        "as a number",
    ),
    # Excel
    BadCase("not_a_workbook", "fake.xlsx", csv_text(), None, None, "re-save"),
    BadCase(
        "xlsx_unknown_class",
        "class.xlsx",
        _xlsx([XLSX_HEADER, XLSX_GOOD, [12346, "鑫源便利店", 121.48, 31.24, "urban", "Z"]]),
        3,
        "class",
        "A, B, C, D, E",
    ),
    BadCase("xlsx_header_only", "header.xlsx", _xlsx([XLSX_HEADER]), None, None, "add one row"),
    BadCase(
        "xlsx_empty_lat",
        "lat.xlsx",
        _xlsx([XLSX_HEADER, XLSX_GOOD, [12346, "鑫源便利店", 121.48, None, "urban", "B"]]),
        3,
        "lat",
        "fill it in",
    ),
    # GeoJSON (rows are feature numbers, from 1)
    BadCase(
        "json_malformed", "broken.geojson", '{"type": "FeatureCollection", ', None, None, "JSON"
    ),
    BadCase(
        "json_not_collection",
        "feature.json",
        json.dumps(_feature(121.47, 31.23)),
        None,
        None,
        "FeatureCollection",
    ),
    BadCase("geojson_no_features", "none.geojson", _geojson(), None, None, "add one Point"),
    BadCase(
        "geojson_line",
        "line.geojson",
        _geojson(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[121.4, 31.2], [121.5, 31.3]]},
                "properties": {"id": "R1", "name": "a", "area": "urban", "class": "A"},
            },
            _feature(121.48, 31.24, id="R2"),
        ),
        1,
        "geometry",
        "Point",
    ),
    BadCase(
        "geojson_missing_geometry",
        "nogeom.geojson",
        _geojson(_feature(121.47, 31.23), {"type": "Feature", "properties": {"id": "R2"}}),
        2,
        "geometry",
        "give it a Point",
    ),
    BadCase(
        "geojson_unknown_class",
        "class.geojson",
        _geojson(_feature(121.47, 31.23, **{"class": "Z"})),
        1,
        "class",
        "A, B, C, D, E",
    ),
    BadCase(
        "geojson_swapped",
        "swapped.geojson",
        _geojson(_feature(121.47, 31.23), _feature(31.24, 121.48, id="R2")),
        2,
        "geometry",
        "swap",
    ),
    BadCase(
        "geojson_missing_property",
        "noclass.geojson",
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [121.47, 31.23]},
                        "properties": {"id": "R1", "name": "a", "area": "urban"},
                    }
                ],
            }
        ),
        None,
        "class",
        "missing required property",
    ),
]

BAD_RETAILER_FILES: list[tuple[str, str, Content]] = [
    (case.name, case.filename, case.content) for case in CASES
]
"""``(case name, file name, content)``: text, bytes, or a builder called with the path."""

EXPECTED: dict[str, tuple[int | None, str | None]] = {
    case.name: (case.row, case.field) for case in CASES
}
"""``(row, field)`` of each case's one problem."""

HINTS: dict[str, str] = {case.name: case.hint for case in CASES}
"""A phrase of each case's message that tells the fix."""


def write_case(directory: Path, filename: str, content: Content) -> Path:
    """Write one case's file into ``directory`` and return its path."""
    path = directory / filename
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        content(path)
    return path
