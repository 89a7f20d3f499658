"""``visitplan bench month``: registered by territory, its report, the command on real roads.

The smoke test plans two small territories on Kotka's roads (shipped with pyrosm), so it
runs offline and without the shared data.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import routing.bench.cli
from bench_suites import KOTKA, assert_input_error, assert_report, read_rows, run
from territory.bench.cli import month_command
from territory.bench.month import MonthRecord, weekday_changes
from territory.bench.report import kept_long_records, write_month_report

QUICK = ["--time-limit", "0.5", "--steps", "20", "--workers", "1"]


def month(size: int, run_name: str, **fields: object) -> MonthRecord:
    values: dict[str, object] = {
        "retailers": size,
        "run": run_name,
        "planning": "lines",
        "working_days": 20,
        "visits": 600,
        "travel_h": 15.0,
        "travel_km": 230.0,
        "unplanned": 0,
        "violations": 0,
        "wall_s": 9.0,
    }
    values.update(fields)
    return MonthRecord(**values)  # type: ignore[arg-type]


def result_with_lines(lines: dict[str, int]) -> Any:
    return SimpleNamespace(plan=SimpleNamespace(extra={"lines": lines}))


def test_the_suite_comes_from_territory_through_its_entry_point():
    assert routing.bench.cli.suites()["month"] is month_command


def test_weekday_changes_count_retailers_in_both_months():
    january = result_with_lines({"A": 0, "B": 1, "C": 2, "D": 3})
    february = result_with_lines({"A": 0, "B": 4, "C": 2, "N0": 1})
    assert weekday_changes(january, february) == pytest.approx(100 / 3)


def test_the_report_shows_weekday_changes_and_the_long_search(tmp_path: Path):
    records = [
        month(250, "January, lines"),
        month(250, "February, lines, previous = January", weekday_changed_pct=0.0),
        month(250, "January, lines, long search", travel_h=14.85, wall_s=3600.0),
    ]
    paths = write_month_report(records, tmp_path, convention="Convention.")
    text = paths.markdown.read_text(encoding="utf-8")
    assert "| 250 | February, lines, previous = January | 0.0 % |" in text
    assert "250 retailers: default travel is 1.01 % above the long search" in text


def test_an_earlier_long_search_is_kept_for_the_sizes_asked(tmp_path: Path):
    records = [
        month(100, "January, lines, long search"),
        month(250, "January, lines"),
        month(250, "January, lines, long search (earlier run)", travel_h=14.5),
    ]
    write_month_report(records, tmp_path, convention="Convention.")
    kept = kept_long_records(tmp_path / "month.csv", [250, 500])
    assert [(r.retailers, r.run, r.travel_h) for r in kept] == [
        (250, "January, lines, long search (earlier run)", 14.5)
    ]
    assert kept_long_records(tmp_path / "absent.csv", [250]) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sizes", "5,100"], "each at least 10"),
        (["--sizes", "100;250"], "expected whole numbers"),
        (["--planning", "weekly"], "unknown planning modes ['weekly']"),
        (["--planning", "free", "--stability"], "add lines to --planning"),
        (["--shared-data", "/nowhere/shared"], "shared data folder not found"),
        (["--office", "200,100", "--sizes", "10", *KOTKA], "out of range"),
    ],
)
def test_bad_options_exit_2_with_a_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], message: str
):
    assert_input_error(capsys, "month", args, message, tmp_path)


def test_smoke_two_small_territories_on_real_roads(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    args = [*KOTKA, "--sizes", "10,12", "--planning", "lines", *QUICK, "--out", tmp_path]
    code, out, err = run(capsys, "bench", "month", *args)
    assert code == 0, err
    assert "wrote" in out
    rows = read_rows(tmp_path / "month.csv")
    assert [(row["retailers"], row["run"]) for row in rows] == [
        ("10", "January, lines"),
        ("12", "January, lines"),
    ]
    for row in rows:
        assert row["violations"] == "0"
        assert int(row["working_days"]) == 20  # January 2027
        assert int(row["visits"]) > 0
        assert float(row["travel_h"]) > 0
        assert float(row["wall_s"]) > 0
    text = assert_report(tmp_path, "month")
    assert "## Time and travel" in text
    assert "| 12 | January, lines | 20 |" in text
