"""A user's calendar file (``--calendar``): extra days off and extra working days.

The file wins over every holiday package. It lists leave, training or a local holiday
(days off) and make-up or extra working days, for example 2027's make-up Saturdays (调休)
before a package knows them. Two forms are read:

* a table (``.csv`` in UTF-8 or GBK, or ``.xlsx``) with the columns ``date, kind, note``
  (or ``日期, 类型, 备注``); ``kind`` is ``off``/``休`` or ``work``/``班``;
* a TOML file: ``off = ["2027-01-04", ...]`` and ``work = [...]``; an entry may be a table
  ``{ date = "2027-02-20", note = "春节调休" }``, or ``off``/``work`` a table of
  ``"2027-01-04" = "年假"``.

Every problem (bad date, unknown kind, a day both off and work) is collected into one
:class:`~routing.errors.InputError` naming the file, row and field.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from routing.errors import InputError, Problem
from routing.readers.tables import Table, read_table

logger = logging.getLogger(__name__)

OFF = "off"
WORK = "work"

_KINDS: Mapping[str, str] = {
    **dict.fromkeys(("off", "休", "休息", "请假", "leave", "day off"), OFF),
    **dict.fromkeys(("work", "班", "上班", "加班", "补班", "workday"), WORK),
}
_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "date": ("date", "日期"),
    "kind": ("kind", "类型", "type"),
    "note": ("note", "备注", "notes", "说明"),
}
_TOML_KEYS: Mapping[str, str] = {"off": OFF, "休": OFF, "work": WORK, "班": WORK}
_TABLE_SUFFIXES = (".csv", ".xlsx")
_DATE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]00:00(?::00)?)?"  # an Excel date cell read as text
)
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DATE_FIX = "write it as YYYY-MM-DD, e.g. 2027-01-04"
_KIND_FIX = "use off (休) for a day not worked or work (班) for an extra working day"


@dataclass(frozen=True, slots=True, kw_only=True)
class CalendarOverrides:
    """Days the user declares off or worked, whatever the holiday packages say.

    Parameters
    ----------
    source
        The file they come from, as shown to the user.
    off
        Days not worked (leave, training, a local holiday) with the user's note, sorted.
    work
        Extra working days (make-up days, overtime) with the user's note, sorted.
    """

    source: str
    off: tuple[tuple[date, str], ...] = ()
    work: tuple[tuple[date, str], ...] = ()

    def __post_init__(self) -> None:
        for name, entries in ((OFF, self.off), (WORK, self.work)):
            days = [day for day, _ in entries]
            if days != sorted(set(days)):
                msg = f"Expected the {name} days sorted and without repeats."
                raise ValueError(msg)
        both = {day for day, _ in self.off} & {day for day, _ in self.work}
        if both:
            msg = f"Expected no day both off and work: {', '.join(map(str, sorted(both)))}."
            raise ValueError(msg)

    def in_month(self, year: int, month: int) -> CalendarOverrides:
        """Return the overrides that fall in the given month."""

        def keep(entries: tuple[tuple[date, str], ...]) -> tuple[tuple[date, str], ...]:
            return tuple(
                entry for entry in entries if (entry[0].year, entry[0].month) == (year, month)
            )

        return CalendarOverrides(source=self.source, off=keep(self.off), work=keep(self.work))


@dataclass(frozen=True, slots=True)
class _Entry:
    """One day read from the file, with where it was written."""

    day: date
    kind: str
    note: str
    row: int | None
    field: str


def read_calendar_overrides(path: Path) -> CalendarOverrides:
    """Return the days off and extra working days listed in the calendar file at ``path``.

    Parameters
    ----------
    path
        A ``.csv`` (UTF-8 or GBK) or ``.xlsx`` table with the columns ``date, kind, note``
        (``日期, 类型, 备注``), or a ``.toml`` file with ``off`` and ``work`` lists.

    Raises
    ------
    InputError
        Listing every problem (file, row, field and fix): a missing file, an unknown file
        type, a bad date, an unknown kind, a day listed both off and work.
    """
    source = str(path)
    suffix = path.suffix.lower()
    if suffix == ".toml":
        entries, problems = _toml_entries(path, source)
    elif suffix in _TABLE_SUFFIXES:
        entries, problems = _table_entries(read_table(path))
    else:
        _fail(
            source,
            f"unsupported calendar file type {suffix or '(none)'!r}; use .csv, .xlsx or .toml",
        )
    problems += _conflicts(entries, source)
    if problems:
        raise InputError(problems, source=source)
    if not entries:
        logger.info("%s: the calendar file lists no days", source)
    return _overrides(entries, source)


def parse_day(text: str) -> date:
    """Return the date written as ``text`` (``2027-01-04``, ``2027/1/4``, ``2027年1月4日``).

    Raises
    ------
    ValueError
        With the fix, if ``text`` is not such a date or no such day exists.
    """
    raw = text.strip()
    match = _DATE.fullmatch(raw) or _COMPACT_DATE.fullmatch(raw)
    if match is None:
        msg = f"{raw!r} is not a date; {_DATE_FIX}" if raw else f"the date is empty; {_DATE_FIX}"
        raise ValueError(msg)
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError as error:
        msg = f"{raw!r} is no such day ({error}); {_DATE_FIX}"
        raise ValueError(msg) from error


def parse_kind(text: str) -> str:
    """Return :data:`OFF` or :data:`WORK` for ``text`` (``off``/``休``, ``work``/``班``).

    Raises
    ------
    ValueError
        With the fix, if ``text`` is not a known kind.
    """
    kind = _KINDS.get(" ".join(text.strip().lower().split()))
    if kind is None:
        msg = f"unknown kind {text.strip()!r}; {_KIND_FIX}"
        raise ValueError(msg)
    return kind


def _fail(source: str, message: str) -> NoReturn:
    raise InputError([Problem(source=source, message=message)])


def _table_entries(table: Table) -> tuple[list[_Entry], list[Problem]]:
    columns = _find_columns(table.header)
    missing = [name for name in ("date", "kind") if name not in columns]
    if missing:
        return [], [_missing_column(table.source, name) for name in missing]
    problems = list(table.problems)
    entries = []
    for row, values in table.rows:
        entry = _table_entry(table.source, row, values, columns, problems)
        if entry is not None:
            entries.append(entry)
    return entries, problems


def _missing_column(source: str, name: str) -> Problem:
    names = " or ".join(repr(alias) for alias in _COLUMNS[name])
    msg = f"missing column {names}; the header must be date,kind,note (日期,类型,备注)"
    return Problem(source=source, row=1, field=name, message=msg)


def _find_columns(header: Iterable[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for written in header:
        key = written.strip().lower()
        for name, aliases in _COLUMNS.items():
            if key in aliases and name not in found:
                found[name] = written
    return found


def _table_entry(
    source: str,
    row: int,
    values: Mapping[str, str],
    columns: Mapping[str, str],
    problems: list[Problem],
) -> _Entry | None:
    parsed: dict[str, Any] = {}
    for name, parser in (("date", parse_day), ("kind", parse_kind)):
        try:
            parsed[name] = parser(values.get(columns[name], ""))
        except ValueError as error:
            problems.append(
                Problem(source=source, row=row, field=columns[name], message=str(error))
            )
    if len(parsed) < 2:
        return None
    note = values.get(columns["note"], "").strip() if "note" in columns else ""
    return _Entry(parsed["date"], parsed["kind"], note, row, columns["kind"])


def _toml_entries(path: Path, source: str) -> tuple[list[_Entry], list[Problem]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
        data = tomllib.loads(text)
    except FileNotFoundError:
        _fail(source, "file not found; check the path (and the working directory)")
    except OSError as error:
        _fail(source, f"cannot read the file ({error.strerror}); check its permissions")
    except UnicodeDecodeError:
        _fail(source, "a TOML file must be UTF-8; re-save it as UTF-8")
    except tomllib.TOMLDecodeError as error:
        _fail(source, f'invalid TOML ({error}); fix the syntax, e.g. off = ["2027-01-04"]')
    reader = _TomlReader(source, text)
    return reader.entries(data), reader.problems


@dataclass(slots=True)
class _TomlReader:
    """Reads the ``off`` and ``work`` entries of a parsed TOML file, collecting problems.

    TOML keeps no line numbers, so an entry's row is the line where its date is next
    written after the previous entry's (good enough to point the user at it).
    """

    source: str
    text: str
    problems: list[Problem] = field(default_factory=list)
    cursor: int = 0

    def entries(self, data: Mapping[str, Any]) -> list[_Entry]:
        found = []
        for key, value in data.items():
            kind = _TOML_KEYS.get(key)
            if kind is None:
                self._report(None, key, f"unknown key {key!r}; use off (or 休) and work (or 班)")
                continue
            for where, item, note in self._items(key, value):
                entry = self._entry(where, item, note, kind)
                if entry is not None:
                    found.append(entry)
        return found

    def _items(self, key: str, value: Any) -> list[tuple[str, Any, Any]]:
        """Return ``(field, date value, note value)`` for each entry under ``key``."""
        if isinstance(value, Mapping):
            return [(f"{key}.{day}", day, note) for day, note in value.items()]
        if not isinstance(value, list):
            self._report(None, key, f'must be a list of dates, e.g. {key} = ["2027-01-04"]')
            return []
        return [
            (f"{key}[{number}]", item.get("date"), item.get("note", ""))
            if isinstance(item, Mapping)
            else (f"{key}[{number}]", item, "")
            for number, item in enumerate(value, start=1)
        ]

    def _entry(self, where: str, item: Any, note: Any, kind: str) -> _Entry | None:
        row = self._line(item)
        try:
            day = _toml_day(item)
        except ValueError as error:
            self._report(row, where, str(error))
            return None
        return _Entry(day, kind, str(note), row, where)

    def _line(self, item: Any) -> int | None:
        if item is None:
            return None
        written = item.isoformat() if isinstance(item, date) else str(item)
        index = self.text.find(written, self.cursor)
        if index < 0:
            index = self.text.find(written)
        if index < 0:
            return None
        self.cursor = index + len(written)
        return self.text.count("\n", 0, index) + 1

    def _report(self, row: int | None, where: str, message: str) -> None:
        self.problems.append(Problem(source=self.source, row=row, field=where, message=message))


def _toml_day(item: Any) -> date:
    """Return the date of a TOML value: a TOML date (or date-time) or a string."""
    if isinstance(item, dt.datetime):
        return item.date()
    if isinstance(item, date):
        return item
    if isinstance(item, str):
        return parse_day(item)
    shown = "the date is missing" if item is None else f"{item!r} is not a date"
    msg = f"{shown}; {_DATE_FIX}"
    raise ValueError(msg)


def _conflicts(entries: list[_Entry], source: str) -> list[Problem]:
    """Return a problem for each day listed as both off and work."""
    first: dict[date, _Entry] = {}
    problems = []
    for entry in entries:
        earlier = first.setdefault(entry.day, entry)
        if earlier.kind != entry.kind:
            where = f"row {earlier.row}" if earlier.row is not None else earlier.field
            msg = (
                f"{entry.day} is listed as {entry.kind} here and as {earlier.kind} at {where}; "
                "keep one of them"
            )
            problems.append(Problem(source=source, row=entry.row, field=entry.field, message=msg))
    return problems


def _overrides(entries: list[_Entry], source: str) -> CalendarOverrides:
    chosen: dict[str, dict[date, str]] = {OFF: {}, WORK: {}}
    for entry in entries:
        chosen[entry.kind].setdefault(entry.day, entry.note)
    return CalendarOverrides(
        source=source,
        off=tuple(sorted(chosen[OFF].items())),
        work=tuple(sorted(chosen[WORK].items())),
    )
