"""Write a month's results: plan JSON, the workbook and CSV, the month map and day maps."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from routing.errors import InputError, Problem
from routing.export import write_schedule_csv, write_schedule_xlsx
from routing.maps import day_map, month_map, save_map
from routing.plan import write_plan
from routing.retailers import Retailer
from territory.month import MonthResult


@dataclass(frozen=True, slots=True, kw_only=True)
class MonthOutputs:
    """Where a month's files go; ``maps`` is a folder (month map plus one map per day)."""

    plan: Path
    xlsx: Path
    csv: Path
    maps: Path | None

    def month_map(self) -> Path | None:
        """Return the month map's path, if maps are written."""
        return None if self.maps is None else self.maps / "month.html"

    def written(self, result: MonthResult) -> list[Path]:
        """Return the files :func:`write_month_outputs` writes for ``result``."""
        files = [self.plan, self.xlsx, self.csv]
        if self.maps is not None:
            files.append(self.maps / "month.html")
            files += [self.maps / f"{day.date.isoformat()}.html" for day in result.plan.days]
        return files


def write_month_outputs(
    result: MonthResult, retailers: Sequence[Retailer], outputs: MonthOutputs, *, lang: str = "zh"
) -> None:
    """Write every file ``outputs`` names.

    Raises
    ------
    InputError
        If a file cannot be written.
    """
    by_id = {retailer.id: retailer for retailer in retailers}
    try:
        write_plan(result.plan, outputs.plan)
        write_schedule_xlsx(result.plan, by_id, outputs.xlsx, lang=lang)
        write_schedule_csv(result.plan, by_id, outputs.csv, lang=lang)
        if outputs.maps is not None:
            _write_maps(result, by_id, outputs.maps, lang)
    except OSError as error:
        where = error.filename or outputs.plan
        msg = f"cannot write ({error.strerror or error}); choose another path or folder"
        raise InputError([Problem(source=str(where), message=msg)]) from error


def _write_maps(result: MonthResult, by_id: dict[str, Retailer], folder: Path, lang: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    on_roads = not str(result.plan.extra.get("travel_matrix", "")).startswith("straight")
    paths = {day: [list(leg) for leg in legs] for day, legs in result.legs.items()}
    group_by = "line" if result.plan.extra.get("lines") else "day"
    month = month_map(
        result.plan, by_id, paths=paths if on_roads else None, lang=lang, group_by=group_by
    )
    save_map(month, folder / "month.html")
    for index, day in enumerate(result.plan.days):
        route = paths.get(day.date) if on_roads else None
        save_map(
            day_map(result.plan, index, by_id, paths=route, lang=lang),
            folder / f"{day.date.isoformat()}.html",
        )
