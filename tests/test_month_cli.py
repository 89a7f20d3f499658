"""``visitplan month`` as a user meets it: files written, the plan checks, bad input exits 2.

The territory is sixteen shops in a CSV file: fifteen visited weekly (so that every day of
every line has shops, and no day waits on the solver's time cap) and one that is open only
in the evening and can never be visited. January 2027 has 20 working days from the 4th.
"""

from __future__ import annotations

import contextlib
import io
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from routing.cli import main
from routing.errors import EXIT_INPUT
from routing.readers import write_retailers_csv
from routing.retailers import Area, Retailer, TimeWindow
from routing.timeofday import parse_clock as t
from territory.calendar import working_calendar

OFFICE = "121.4700,31.2300"
JANUARY = working_calendar(2027, 1).working_days


def shops() -> list[Retailer]:
    """Fifteen weekly shops on a grid ~40 m apart north-east of the office, one closed."""
    weekly = [
        Retailer(
            id=f"S{k:02d}",
            name=f"烟酒店{k}",
            lon=121.4710 + 0.0004 * (k % 5),
            lat=31.2310 + 0.0004 * (k // 5),
            area=Area.URBAN,
            retailer_class="AB"[k % 2],
            fluctuating=k == 3,
            forecast_sample=k == 7,
        )
        for k in range(15)
    ]
    closed = Retailer(
        id="X1",
        name="夜市烟酒",
        lon=121.4712,
        lat=31.2330,
        area=Area.URBAN,
        retailer_class="C",
        opening=(TimeWindow(start_s=t("18:00"), end_s=t("23:00")),),
    )
    return [*weekly, closed]


@dataclass(frozen=True, slots=True)
class Run:
    """One ``main([...])`` call: exit code, what it printed, where its files went."""

    code: int
    out: str
    err: str
    folder: Path

    @property
    def plan(self) -> Path:
        return self.folder / "plan.json"

    @property
    def maps(self) -> Path:
        return self.folder / "maps"

    def json(self) -> dict[str, Any]:
        return json.loads(self.plan.read_text(encoding="utf-8"))


def run(*args: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(arg) for arg in args])
    return code, out.getvalue(), err.getvalue()


def month(retailers: Path, folder: Path, *extra: str | Path, when: str = "2027-01") -> Run:
    code, out, err = run(
        "month",
        "--retailers",
        retailers,
        "--network",
        "none",
        "--office",
        OFFICE,
        "--month",
        when,
        "--out",
        folder / "plan.json",
        "--maps",
        folder / "maps",
        "--workers",
        "1",
        "--search-steps",
        "10",
        "--cache-dir",
        folder / "cache",
        *extra,
    )
    return Run(code=code, out=out, err=err, folder=folder)


@pytest.fixture(scope="module")
def retailers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("territory") / "shops.csv"
    write_retailers_csv(shops(), path)
    return path


@pytest.fixture(scope="module")
def january(retailers: Path, tmp_path_factory: pytest.TempPathFactory) -> Run:
    """January 2027 planned on lines, written once for the module."""
    return month(retailers, tmp_path_factory.mktemp("january"))


def calendar_file(folder: Path, rows: list[tuple[date, str]]) -> Path:
    path = folder / "calendar.csv"
    lines = ["date,kind,note", *(f"{day.isoformat()},off,{note}" for day, note in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- A month planned --------------------------------------------------------------------


def test_month_writes_the_plan_the_schedules_and_a_map_per_day(january):
    assert january.code == 0, january.err
    for name in ("plan.json", "plan.xlsx", "plan.csv", "maps/month.html", "maps/territory.html"):
        assert (january.folder / name).stat().st_size > 0, name
    day_maps = sorted(path.name for path in january.maps.glob("2027-??-??.html"))
    assert day_maps == [f"{day.isoformat()}.html" for day in JANUARY]
    pages = sorted(path.name for path in january.maps.glob("2027-*-schedule.html"))
    assert pages == [f"{day.isoformat()}-schedule.html" for day in JANUARY]
    assert "Traceback" not in january.err


def test_the_written_plan_passes_visitplan_check(january, retailers):
    code, out, _ = run("check", january.plan, "--retailers", retailers)
    assert code == 0, out
    assert "every rule holds" in out


def test_the_plan_covers_every_working_day_and_explains_the_closed_shop(january):
    plan = january.json()
    assert plan["month"] == "2027-01"
    assert plan["planning"] == "lines"
    assert [day["date"] for day in plan["days"]] == [day.isoformat() for day in JANUARY]
    assert set(plan["lines"]) == {f"S{k:02d}" for k in range(15)}
    closed = [item for item in plan["unplanned"] if item["retailer_id"] == "X1"]
    assert len(closed) == 2  # class C: two visits a month
    assert all("opening hours" in item["reason"] for item in closed)


def test_the_summary_names_the_month_its_days_and_what_is_unplanned(january):
    assert "2027-01 (lines): 20 working days" in january.out
    assert all(day.isoformat() in january.out for day in JANUARY)
    assert "unplanned X1" in january.out


def test_replanning_with_the_previous_plan_keeps_its_lines(january, retailers, tmp_path):
    # January again rather than February: a February day with a single shop would wait
    # twice for the solver's 10 s time cap (see test_month.py).
    again = month(retailers, tmp_path, "--previous", january.plan)
    assert again.code == 0, again.err
    assert again.json()["lines"] == january.json()["lines"]
    code, out, _ = run("check", again.plan, "--retailers", retailers)
    assert code == 0, out


def test_a_day_off_in_the_calendar_file_leaves_that_date_out(retailers, tmp_path):
    leave = date(2027, 1, 13)
    path = calendar_file(tmp_path, [(leave, "年假")])
    result = month(retailers, tmp_path, "--planning", "free", "--calendar", path)
    assert result.code == 0, result.err
    plan = result.json()
    dates = [day["date"] for day in plan["days"]]
    assert dates == [day.isoformat() for day in JANUARY if day != leave]
    assert leave.isoformat() not in plan["calendar"]["working_days"]
    assert not (result.maps / f"{leave.isoformat()}.html").exists()
    code, out, _ = run("check", result.plan, "--retailers", retailers)
    assert code == 0, out


# --- Bad input exits 2 and says where ----------------------------------------------------


@pytest.mark.parametrize("text", ["2027-13", "2027-00", "2027/01", "January", "2027-01-05"])
def test_a_bad_month_exits_2_naming_month(retailers, tmp_path, text):
    result = month(retailers, tmp_path, when=text)
    assert result.code == EXIT_INPUT
    assert "--month" in result.err
    assert "YYYY-MM" in result.err
    assert "Traceback" not in result.err
    assert not result.plan.exists()


def test_a_missing_network_option_exits_2_naming_network(retailers, tmp_path):
    code, _, err = run("month", "--retailers", retailers, "--office", OFFICE, "--month", "2027-01")
    assert code == EXIT_INPUT
    assert "--network" in err


def test_a_day_plan_as_previous_exits_2_it_has_no_lines(retailers, tmp_path):
    day_plan = tmp_path / "day.json"
    code, _, err = run(
        "day",
        "--retailers",
        retailers,
        "--network",
        "none",
        "--office",
        OFFICE,
        "--date",
        "2027-01-04",
        "--out",
        day_plan,
        "--map",
        tmp_path / "day.html",
    )
    assert code == 0, err
    result = month(retailers, tmp_path / "month", "--previous", day_plan)
    assert result.code == EXIT_INPUT
    assert str(day_plan) in result.err
    assert "no lines" in result.err
    assert not result.plan.exists()


def test_a_free_month_plan_as_previous_exits_2_it_has_no_lines(january, retailers, tmp_path):
    plan = january.json()
    plan["lines"] = {}
    plan["planning"] = "free"
    free = tmp_path / "free.json"
    free.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    result = month(retailers, tmp_path / "month", "--previous", free)
    assert result.code == EXIT_INPUT
    assert "no lines" in result.err


@pytest.mark.parametrize("line", [7, -1, "Monday"])
def test_a_previous_plan_with_a_bad_line_exits_2_naming_the_file(
    january, retailers, tmp_path, line
):
    plan = january.json()
    plan["lines"]["S00"] = line
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    result = month(retailers, tmp_path / "month", "--previous", edited)
    assert result.code == EXIT_INPUT
    assert str(edited) in result.err


def test_a_calendar_file_that_removes_every_working_day_exits_2(retailers, tmp_path):
    path = calendar_file(tmp_path, [(day, "培训") for day in JANUARY])
    result = month(retailers, tmp_path, "--calendar", path)
    assert result.code == EXIT_INPUT
    assert str(path) in result.err
    assert "no working day" in result.err
    assert not result.plan.exists()
