"""Write a day's results: plan JSON, schedule XLSX + CSV, map, schedule page and instance."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from routing.day import DayResult
from routing.errors import InputError, Problem
from routing.export import write_schedule_csv, write_schedule_xlsx
from routing.maps import BaseRoads, day_map, save_map, write_schedule_page
from routing.plan import write_plan
from routing.problem import write_problem
from routing.retailers import Retailer
from routing.rules import Rules


@dataclass(frozen=True, slots=True, kw_only=True)
class DayOutputs:
    """Where a day's files go; ``None`` skips a file."""

    plan: Path
    xlsx: Path | None
    csv: Path | None
    map: Path | None
    instance: Path | None = None
    schedule_page: Path | None = None

    @classmethod
    def beside(
        cls,
        plan: Path,
        *,
        map_path: Path | None,
        instance: Path | None,
        schedule_page: Path | None = None,
    ) -> DayOutputs:
        """Put the schedule files next to the plan JSON (same name, other suffixes)."""
        return cls(
            plan=plan,
            xlsx=plan.with_suffix(".xlsx"),
            csv=plan.with_suffix(".csv"),
            map=map_path,
            instance=instance,
            schedule_page=schedule_page,
        )

    def written(self) -> list[Path]:
        """Return the files this writes, in order."""
        files = (self.plan, self.xlsx, self.csv, self.map, self.schedule_page, self.instance)
        return [path for path in files if path]


def refuse_overwriting(inputs: Sequence[Path], outputs: Sequence[Path | None]) -> None:
    """Raise before any output file would replace one of the ``inputs``.

    Schedule files take the plan's name with other suffixes, so ``--out shops.json``
    beside ``shops.csv`` would otherwise overwrite the retailer file.

    Raises
    ------
    InputError
        Naming each input an output would overwrite.
    """
    given = {path.resolve(): path for path in inputs}
    problems = [
        Problem(
            source=str(given[path.resolve()]),
            message=f"an output ({path}) would overwrite this input; give --out another name",
        )
        for path in outputs
        if path is not None and path.resolve() in given
    ]
    if problems:
        raise InputError(problems)


@dataclass(frozen=True, slots=True, kw_only=True)
class MapOptions:
    """How maps are drawn: language, the offline road base layer, and the tile layer offered.

    ``roads`` of ``None`` draws no base layer; ``tiles`` is ``osm``, ``amap`` (the map is
    drawn in GCJ-02) or ``none`` (see :mod:`routing.maps.tiles`).
    """

    lang: str = "zh"
    roads: BaseRoads | None = None
    tiles: str = "osm"
    rules: Rules | None = None


def write_day_outputs(
    result: DayResult,
    retailers: Sequence[Retailer],
    outputs: DayOutputs,
    *,
    lang: str = "zh",
    maps: MapOptions | None = None,
) -> None:
    """Write every file ``outputs`` names for ``result``.

    ``maps`` says how the map is drawn (its ``lang`` wins over ``lang``); by default with no
    road base layer and OpenStreetMap tiles offered.

    Raises
    ------
    InputError
        If a file cannot be written (a folder that is a file, no permission, disk full).
    """
    options = maps or MapOptions(lang=lang)
    try:
        _write_all(result, retailers, outputs, options)
    except OSError as error:
        where = error.filename or outputs.plan
        msg = f"cannot write ({error.strerror or error}); choose another path or folder"
        raise InputError([Problem(source=str(where), message=msg)]) from error


def _write_all(
    result: DayResult, retailers: Sequence[Retailer], outputs: DayOutputs, options: MapOptions
) -> None:
    by_id: Mapping[str, Retailer] = {retailer.id: retailer for retailer in retailers}
    lang = options.lang
    write_plan(result.plan, outputs.plan)
    if outputs.xlsx is not None:
        write_schedule_xlsx(result.plan, by_id, outputs.xlsx, lang=lang)
    if outputs.csv is not None:
        write_schedule_csv(result.plan, by_id, outputs.csv, lang=lang)
    if outputs.map is not None:
        # Straight legs are drawn as such and labelled so; only road paths are passed on.
        route = [list(leg) for leg in result.legs] if result.on_roads else None
        m = day_map(
            result.plan,
            0,
            by_id,
            paths=route,
            roads=options.roads,
            tiles=options.tiles,
            rules=options.rules,
            lang=lang,
        )
        save_map(m, outputs.map)
    if outputs.schedule_page is not None:
        href = link_from(outputs.schedule_page, outputs.map) if outputs.map else None
        write_schedule_page(
            result.plan,
            0,
            by_id,
            outputs.schedule_page,
            map_href=href,
            rules=options.rules,
            lang=lang,
        )
    if outputs.instance is not None:
        write_problem(result.problem, outputs.instance)


def link_from(page: Path, target: Path) -> str:
    """Return the relative, URL-quoted link from HTML file ``page`` to ``target``."""
    relative = os.path.relpath(Path(target).resolve(), Path(page).resolve().parent)
    return quote(Path(relative).as_posix())
