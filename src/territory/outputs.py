"""Write a month's results: plan JSON, workbook and CSV, and the maps folder.

The maps folder holds the month map (``month.html``), the territory map
(``territory.html``: every retailer coloured by line, each line's outline and workload),
and for each working day its map (``YYYY-MM-DD.html``) and its schedule page for a phone
(``YYYY-MM-DD-schedule.html``, linking to that day's map).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from routing.errors import InputError, Problem
from routing.export import write_schedule_csv, write_schedule_xlsx
from routing.labels import line_label, weekday_label
from routing.maps import day_map, month_map, save_map, territory_map, write_schedule_page
from routing.maps.territory import GroupWorkload
from routing.outputs import MapOptions
from routing.plan import Plan, write_plan
from routing.retailers import Retailer
from territory.month import MonthResult


@dataclass(frozen=True, slots=True, kw_only=True)
class MonthOutputs:
    """Where a month's files go; ``maps`` is a folder (month, territory and day maps)."""

    plan: Path
    xlsx: Path
    csv: Path
    maps: Path | None

    def month_map(self) -> Path | None:
        """Return the month map's path, if maps are written."""
        return None if self.maps is None else self.maps / "month.html"

    def territory_map(self) -> Path | None:
        """Return the territory map's path, if maps are written."""
        return None if self.maps is None else self.maps / "territory.html"

    def written(self, result: MonthResult) -> list[Path]:
        """Return the files :func:`write_month_outputs` writes for ``result``."""
        files = [self.plan, self.xlsx, self.csv]
        if self.maps is not None:
            files += [self.maps / "month.html", self.maps / "territory.html"]
            for day in result.plan.days:
                files += [self.day_map(day.date), self.schedule_page(day.date)]
        return files

    def day_map(self, day: date) -> Path:
        """Return the path of ``day``'s map (in the maps folder)."""
        return self._folder() / f"{day.isoformat()}.html"

    def schedule_page(self, day: date) -> Path:
        """Return the path of ``day``'s schedule page (beside its map)."""
        return self._folder() / f"{day.isoformat()}-schedule.html"

    def _folder(self) -> Path:
        if self.maps is None:
            msg = "Expected a maps folder; these outputs write no maps."
            raise ValueError(msg)
        return self.maps


def write_month_outputs(
    result: MonthResult,
    retailers: Sequence[Retailer],
    outputs: MonthOutputs,
    *,
    lang: str = "zh",
    maps: MapOptions | None = None,
) -> None:
    """Write every file ``outputs`` names.

    ``maps`` says how maps are drawn (its ``lang`` wins over ``lang``); by default with no
    road base layer and OpenStreetMap tiles offered.

    Raises
    ------
    InputError
        If a file cannot be written.
    """
    options = maps or MapOptions(lang=lang)
    by_id = {retailer.id: retailer for retailer in retailers}
    try:
        write_plan(result.plan, outputs.plan)
        write_schedule_xlsx(result.plan, by_id, outputs.xlsx, lang=options.lang)
        write_schedule_csv(result.plan, by_id, outputs.csv, lang=options.lang)
        if outputs.maps is not None:
            _write_maps(result, by_id, outputs, options)
    except OSError as error:
        where = error.filename or outputs.plan
        msg = f"cannot write ({error.strerror or error}); choose another path or folder"
        raise InputError([Problem(source=str(where), message=msg)]) from error


def _write_maps(
    result: MonthResult, by_id: dict[str, Retailer], outputs: MonthOutputs, options: MapOptions
) -> None:
    folder = outputs._folder()
    folder.mkdir(parents=True, exist_ok=True)
    plan, lang = result.plan, options.lang
    on_roads = not str(plan.extra.get("travel_matrix", "")).startswith("straight")
    paths = {day: [list(leg) for leg in legs] for day, legs in result.legs.items()}
    group_by = "line" if plan.extra.get("lines") else "day"
    month = month_map(
        plan,
        by_id,
        paths=paths if on_roads else None,
        group_by=group_by,
        roads=options.roads,
        tiles=options.tiles,
        lang=lang,
    )
    save_map(month, folder / "month.html")
    _write_territory(plan, by_id, folder / "territory.html", options)
    for index, day in enumerate(plan.days):
        route = paths.get(day.date) if on_roads else None
        m = day_map(
            plan,
            index,
            by_id,
            paths=route,
            roads=options.roads,
            tiles=options.tiles,
            rules=options.rules,
            lang=lang,
        )
        save_map(m, outputs.day_map(day.date))
        write_schedule_page(
            plan,
            index,
            by_id,
            outputs.schedule_page(day.date),
            map_href=outputs.day_map(day.date).name,
            rules=options.rules,
            lang=lang,
        )


def _write_territory(
    plan: Plan, by_id: Mapping[str, Retailer], path: Path, options: MapOptions
) -> None:
    groups, names = territory_groups(plan, options.lang)
    visited = {rid for rid in groups if rid in by_id}
    dates = {entry.id: entry.dates for entry in plan.retailers}
    m = territory_map(
        [by_id[rid] for rid in sorted(visited | _left_out(plan, by_id))],
        groups,
        names=names,
        workloads=group_workloads(plan, groups),
        visit_dates=dates,
        office=(plan.office_lon, plan.office_lat),
        roads=options.roads,
        tiles=options.tiles,
        rules=options.rules,
        lang=options.lang,
    )
    save_map(m, path)


def _left_out(plan: Plan, by_id: Mapping[str, Retailer]) -> set[str]:
    return {item.retailer_id for item in plan.unplanned if item.retailer_id in by_id}


def territory_groups(plan: Plan, lang: str) -> tuple[dict[str, int], dict[Hashable, str]]:
    """Return each retailer's group and the groups' names for the territory map.

    A plan made by lines groups by line (线路1 …, with the weekday it is worked on when
    every day of the line falls on one weekday). A free plan groups each retailer by the
    weekday it is visited on most (the earliest on a tie), Monday as 0.
    """
    lines = {str(k): int(v) for k, v in (plan.extra.get("lines") or {}).items()}
    if lines:
        weekdays = _line_weekdays(plan, lines)
        names: dict[Hashable, str] = {}
        for index in sorted(set(lines.values())):
            name = line_label(index, lang)
            if (worked_on := weekdays.get(index)) is not None:
                name = f"{name} ({weekday_label(worked_on, lang)})"
            names[index] = name
        return lines, names
    counts: dict[str, Counter[int]] = {}
    for day in plan.days:
        for stop in day.stops:
            counts.setdefault(stop.retailer_id, Counter())[day.date.weekday()] += 1
    groups = {rid: min(c, key=lambda weekday: (-c[weekday], weekday)) for rid, c in counts.items()}
    sample = {day.date.weekday(): day.date for day in plan.days}
    return groups, {w: weekday_label(sample[w], lang) for w in sorted(set(groups.values()))}


def _line_weekdays(plan: Plan, lines: Mapping[str, int]) -> dict[int, date]:
    """Return, for lines worked on one weekday only, a date of that weekday."""
    seen: dict[int, set[int]] = {}
    sample: dict[int, date] = {}
    for day in plan.days:
        worked = Counter(lines[s.retailer_id] for s in day.stops if s.retailer_id in lines)
        if worked:
            line = min(worked, key=lambda index: (-worked[index], index))
            seen.setdefault(line, set()).add(day.date.weekday())
            sample.setdefault(line, day.date)
    return {line: sample[line] for line, weekdays in seen.items() if len(weekdays) == 1}


def group_workloads(plan: Plan, groups: Mapping[str, Hashable]) -> dict[Hashable, GroupWorkload]:
    """Return each group's planned month: retailers, visits, and minutes of service + travel.

    A visit's minutes are its service time and the leg that led to it, so the groups add up
    to the month's time in the field less the ride back to the office.
    """
    members: Counter[Hashable] = Counter(groups.values())
    visits: Counter[Hashable] = Counter()
    seconds: Counter[Hashable] = Counter()
    for day in plan.days:
        for stop in day.stops:
            if (key := groups.get(stop.retailer_id)) is not None:
                visits[key] += 1
                seconds[key] += stop.end_s - stop.start_s + stop.travel_s
    return {
        key: GroupWorkload(
            retailers=members[key], visits=visits[key], minutes=round(seconds[key] / 60)
        )
        for key in members
    }
