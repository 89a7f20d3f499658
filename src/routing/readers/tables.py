"""Files to tables of text: CSV (UTF-8 or GBK), XLSX and GeoJSON, every cell a string.

Everything is read as text so that ids keep their leading zeros; numbers Excel stored
as floats (``12345.0``) become ``"12345"``. A table's rows carry the number the user sees:
the spreadsheet row (header = 1) or, for GeoJSON, the 1-based feature number.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import math
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from routing.errors import InputError, Problem

logger = logging.getLogger(__name__)

GEOMETRY = "geometry"
"""Header shown for the lon/lat that a GeoJSON feature holds in its geometry."""

_ENCODINGS = ("utf-8-sig", "gb18030")
_FORMATS = ".csv, .xlsx, .geojson or .json"

# openpyxl warns about workbook parts it cannot keep; these do not change cell values.
_HARMLESS_OPENPYXL = (
    "Workbook contains no stylesheet",
    "Workbook contains no default style",
    "extension is not supported and will be removed",
    "Failed to load a conditional formatting rule",
    "DrawingML support is incomplete",
)


@dataclass(frozen=True, slots=True)
class Table:
    """A file's header and rows of text cells, keyed by the header as written.

    Parameters
    ----------
    source
        The file, as shown in problems.
    header
        Column names as written (stripped).
    rows
        ``(row number as the user sees it, {column: text})``; blank rows are left out.
    problems
        Rows that could not be read at all (they are not in ``rows``).
    labels
        Name to show in problems for a column, when it is not the column name itself.
    header_row
        Row number of the header (``None`` when there is no header row, as in GeoJSON).
    """

    source: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]
    problems: tuple[Problem, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)
    header_row: int | None = 1


def read_table(path: Path) -> Table:
    """Return the table in ``path``, chosen by the file extension.

    Raises
    ------
    InputError
        If the file is missing, of an unknown kind or unreadable.
    """
    source = str(path)
    suffix = path.suffix.lower()
    readers = {
        ".csv": _read_csv,
        ".xlsx": _read_xlsx,
        ".geojson": _read_geojson,
        ".json": _read_geojson,
    }
    if suffix not in readers:
        hint = " (re-save the .xls workbook as .xlsx)" if suffix == ".xls" else ""
        _fail(source, f"unsupported file type {suffix or '(none)'!r}{hint}; use {_FORMATS}")
    if not path.is_file():
        _fail(source, "file not found; check the path (and the working directory)")
    return readers[suffix](path, source)


def _fail(source: str, message: str) -> NoReturn:
    raise InputError([Problem(source=source, message=message)])


def _read_bytes(path: Path, source: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        _fail(source, f"cannot read the file ({error.strerror}); check its permissions")


def _read_csv(path: Path, source: str) -> Table:
    text = _decode(_read_bytes(path, source), source)
    lines = text.splitlines()
    delimiter = _sniff_delimiter(lines[0] if lines else "")
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        _fail(source, f"cannot parse the CSV ({error}); re-save it from Excel as UTF-8 CSV")
    if not records:
        return Table(source, (), ())
    return _table_from_records(source, records)


def _decode(data: bytes, source: str) -> str:
    for encoding in _ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        logger.debug("%s: decoded as %s", source, encoding)
        return text
    _fail(
        source,
        "cannot decode the file as UTF-8 or GBK/GB18030; "
        "in Excel use 'Save As' > 'CSV UTF-8 (comma delimited)' (save as UTF-8 CSV)",
    )


def _sniff_delimiter(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (",", "\t", ";")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ","


def _table_from_records(source: str, records: list[list[str]]) -> Table:
    header = tuple(cell.strip() for cell in records[0])
    rows = []
    problems = []
    for number, cells in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if any(cell.strip() for cell in cells[len(header) :]):
            filled = max(i for i, cell in enumerate(cells) if cell.strip()) + 1
            msg = (
                f"this row has {filled} values but the header has {len(header)} columns; "
                "put values that contain the separator in double quotes, or add a header"
            )
            problems.append(Problem(source=source, row=number, message=msg))
            continue
        values = {name: cell for name, cell in zip(header, cells, strict=False) if name}
        rows.append((number, values))
    return Table(source, header, tuple(rows), tuple(problems))


def _read_xlsx(path: Path, source: str) -> Table:
    from openpyxl.utils.exceptions import InvalidFileException

    unreadable = (zipfile.BadZipFile, InvalidFileException, OSError, KeyError, ValueError)
    try:
        records = _xlsx_records(path, source)
    except (*unreadable, TypeError, SyntaxError) as error:  # SyntaxError: bad XML inside
        msg = (
            f"cannot read the file as an Excel workbook ({type(error).__name__}: {error}); "
            "re-save it from Excel as .xlsx (not encrypted), or as a UTF-8 CSV"
        )
        _fail(source, msg)
    if not records:
        return Table(source, (), ())
    return _table_from_records(source, records)


def _xlsx_records(path: Path, source: str) -> list[list[str]]:
    """Return the cells of the first sheet as text, row by row.

    The warnings openpyxl gives while reading become log records: they concern parts of
    the workbook that are not read (styles, extensions, drawings).
    """
    import openpyxl

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            rows = sheet.iter_rows(values_only=True)
            records = [[_cell_text(cell) for cell in row] for row in rows]
        finally:
            book.close()
    for warning in caught:
        harmless = any(text in str(warning.message) for text in _HARMLESS_OPENPYXL)
        level = logging.DEBUG if harmless else logging.WARNING
        logger.log(level, "%s: openpyxl: %s", source, warning.message)
    return records


def _cell_text(value: Any) -> str:
    """Return the text of an Excel cell value (integral floats without ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    if isinstance(value, dt.timedelta):
        minutes, seconds = divmod(round(value.total_seconds()), 60)
        hours, minutes = divmod(minutes, 60)
        return f"{hours:02d}:{minutes:02d}" + (f":{seconds:02d}" if seconds else "")
    return str(value)


def _read_geojson(path: Path, source: str) -> Table:
    try:
        data = json.loads(_decode(_read_bytes(path, source), source))
    except json.JSONDecodeError as error:
        msg = f"malformed JSON ({error}); check the file with a JSON validator or re-export it"
        _fail(source, msg)
    features = _features(data, source)
    problems: list[Problem] = []
    rows = []
    header: dict[str, None] = {}
    for number, feature in enumerate(features, start=1):
        values = _feature_values(feature, number, source, problems)
        if values is not None:
            header.update(dict.fromkeys(values))
            rows.append((number, values))
    labels = {"lon": GEOMETRY, "lat": GEOMETRY}
    return Table(source, tuple(header), tuple(rows), tuple(problems), labels, header_row=None)


def _features(data: Any, source: str) -> list[Any]:
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        msg = (
            "expected a GeoJSON FeatureCollection "
            '({"type": "FeatureCollection", "features": [...]}); export the layer as GeoJSON'
        )
        _fail(source, msg)
    features = data.get("features")
    if not isinstance(features, list):
        _fail(source, "the FeatureCollection has no 'features' list; add one Point per retailer")
    return list(features)


def _feature_values(
    feature: Any, number: int, source: str, problems: list[Problem]
) -> dict[str, str] | None:
    def problem(message: str, field: str | None = GEOMETRY) -> None:
        problems.append(Problem(source=source, row=number, field=field, message=message))

    if not isinstance(feature, dict):
        problem("expected a GeoJSON Feature object; one Feature per retailer", None)
        return None
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        problem("'properties' must be an object of column: value pairs", "properties")
        return None
    values = {str(key).strip(): _json_text(value) for key, value in properties.items()}
    lonlat = _point(feature.get(GEOMETRY), problem)
    if lonlat is None:
        return None
    values["lon"], values["lat"] = lonlat
    return values


def _point(geometry: Any, problem: Any) -> tuple[str, str] | None:
    if not isinstance(geometry, dict):
        problem("the feature has no geometry; give it a Point at the retailer's location")
        return None
    if geometry.get("type") != "Point":
        kind = geometry.get("type")
        problem(f"geometry is a {kind!r}, not a 'Point'; give each retailer a Point location")
        return None
    coordinates = geometry.get("coordinates")
    if not isinstance(coordinates, list) or len(coordinates) < 2:
        problem("a Point needs coordinates [lon, lat]; fill them in")
        return None
    return _json_text(coordinates[0]), _json_text(coordinates[1])


def _json_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
