"""Write a day's results: plan JSON, schedule XLSX + CSV, map, and the solver instance."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from routing.day import DayResult
from routing.errors import InputError, Problem
from routing.export import write_schedule_csv, write_schedule_xlsx
from routing.maps import day_map, save_map
from routing.plan import write_plan
from routing.problem import write_problem
from routing.retailers import Retailer


@dataclass(frozen=True, slots=True, kw_only=True)
class DayOutputs:
    """Where a day's files go; ``None`` skips a file."""

    plan: Path
    xlsx: Path | None
    csv: Path | None
    map: Path | None
    instance: Path | None = None

    @classmethod
    def beside(cls, plan: Path, *, map_path: Path | None, instance: Path | None) -> DayOutputs:
        """Put the schedule files next to the plan JSON (same name, other suffixes)."""
        return cls(
            plan=plan,
            xlsx=plan.with_suffix(".xlsx"),
            csv=plan.with_suffix(".csv"),
            map=map_path,
            instance=instance,
        )

    def written(self) -> list[Path]:
        """Return the files this writes, in order."""
        return [p for p in (self.plan, self.xlsx, self.csv, self.map, self.instance) if p]


def write_day_outputs(
    result: DayResult,
    retailers: Sequence[Retailer],
    outputs: DayOutputs,
    *,
    lang: str = "zh",
) -> None:
    """Write every file ``outputs`` names for ``result``.

    Raises
    ------
    InputError
        If a file cannot be written (a folder that is a file, no permission, disk full).
    """
    try:
        _write_all(result, retailers, outputs, lang)
    except OSError as error:
        where = error.filename or outputs.plan
        msg = f"cannot write ({error.strerror or error}); choose another path or folder"
        raise InputError([Problem(source=str(where), message=msg)]) from error


def _write_all(
    result: DayResult, retailers: Sequence[Retailer], outputs: DayOutputs, lang: str
) -> None:
    by_id: Mapping[str, Retailer] = {retailer.id: retailer for retailer in retailers}
    write_plan(result.plan, outputs.plan)
    if outputs.xlsx is not None:
        write_schedule_xlsx(result.plan, by_id, outputs.xlsx, lang=lang)
    if outputs.csv is not None:
        write_schedule_csv(result.plan, by_id, outputs.csv, lang=lang)
    if outputs.map is not None:
        # Straight legs are drawn as such and labelled so; only road paths are passed on.
        route = [list(leg) for leg in result.legs] if result.on_roads else None
        save_map(day_map(result.plan, 0, by_id, paths=route, lang=lang), outputs.map)
    if outputs.instance is not None:
        write_problem(result.problem, outputs.instance)
