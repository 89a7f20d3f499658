"""The month rules: the procedure's figures by default; a bad value names the file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from routing.errors import InputError
from territory.month_rules import MonthRules, load_month_rules


def write_rules(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "my-rules.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[tuple[str, str | None]]:
    with pytest.raises(InputError) as caught:
        load_month_rules(path)
    return [(problem.source, problem.field) for problem in caught.value.problems]


def test_the_defaults_are_the_procedures_month() -> None:
    assert load_month_rules() == MonthRules(
        min_gap_working_days=3,
        fluctuation_weeks=8,
        fluctuation_cv=0.5,
        forecast_days=(1, 5),  # total demand forecast on days 1-5
        priority_days=(6, 10),  # fluctuating and enterprise-level retailers on days 6-10
    )


def test_a_user_file_overrides_only_what_it_names(tmp_path: Path) -> None:
    path = write_rules(tmp_path, "[month]\nfluctuation_cv = 0.8\npriority_days = [6, 12]\n")

    rules = load_month_rules(path)

    assert rules.fluctuation_cv == 0.8
    assert rules.priority_days == (6, 12)
    assert rules.fluctuation_weeks == 8
    assert rules.forecast_days == (1, 5)


def test_an_integer_threshold_is_read_as_a_number(tmp_path: Path) -> None:
    rules = load_month_rules(write_rules(tmp_path, "[month]\nfluctuation_cv = 1\n"))

    assert rules.fluctuation_cv == 1.0
    assert isinstance(rules.fluctuation_cv, float)


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("min_gap_working_days = 0", "min_gap_working_days"),
        ("min_gap_working_days = 2.5", "min_gap_working_days"),
        ("min_gap_working_days = true", "min_gap_working_days"),
        ("fluctuation_weeks = 3", "fluctuation_weeks"),
        ('fluctuation_weeks = "8"', "fluctuation_weeks"),
        ("fluctuation_cv = 0", "fluctuation_cv"),
        ("fluctuation_cv = -0.5", "fluctuation_cv"),
        ("fluctuation_cv = nan", "fluctuation_cv"),
        ('fluctuation_cv = "0.5"', "fluctuation_cv"),
        ("forecast_days = [5, 1]", "forecast_days"),
        ("forecast_days = [0, 5]", "forecast_days"),
        ("forecast_days = [1]", "forecast_days"),
        ('forecast_days = "1-5"', "forecast_days"),
        ("priority_days = [6, 32]", "priority_days"),
        ("priority_days = [6.0, 10]", "priority_days"),
    ],
)
def test_a_bad_value_names_the_file_and_the_key(tmp_path: Path, line: str, key: str) -> None:
    path = write_rules(tmp_path, f"[month]\n{line}\n")

    assert problems_of(path) == [(str(path), f"month.{key}")]


def test_every_bad_value_is_reported_at_once(tmp_path: Path) -> None:
    path = write_rules(tmp_path, "[month]\nmin_gap_working_days = -1\nfluctuation_cv = 0\n")

    fields = {field for _, field in problems_of(path)}

    assert fields == {"month.min_gap_working_days", "month.fluctuation_cv"}


def test_the_message_says_how_to_fix_the_value(tmp_path: Path) -> None:
    path = write_rules(tmp_path, "[month]\nfluctuation_weeks = 2\n")

    with pytest.raises(InputError, match="at least 4") as caught:
        load_month_rules(path)

    assert str(path) in str(caught.value)


def test_a_month_that_is_not_a_table_names_the_file(tmp_path: Path) -> None:
    path = write_rules(tmp_path, "month = 3\n")

    assert problems_of(path) == [(str(path), "month")]


def test_broken_toml_names_the_file(tmp_path: Path) -> None:
    path = write_rules(tmp_path, "[month\nfluctuation_cv = 0.5\n")

    assert [source for source, _ in problems_of(path)] == [str(path)]


def test_a_missing_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.toml"

    assert [source for source, _ in problems_of(path)] == [str(path)]


@pytest.mark.parametrize(
    "change",
    [
        {"min_gap_working_days": 0},
        {"fluctuation_weeks": 1},
        {"fluctuation_cv": 0.0},
        {"forecast_days": (3, 2)},
        {"priority_days": (6, 40)},
    ],
)
def test_month_rules_are_checked_on_construction(change: dict[str, object]) -> None:
    values: dict[str, object] = {
        "min_gap_working_days": 3,
        "fluctuation_weeks": 8,
        "fluctuation_cv": 0.5,
        "forecast_days": (1, 5),
        "priority_days": (6, 10),
    }

    with pytest.raises(ValueError, match=next(iter(change))):
        MonthRules(**{**values, **change})  # type: ignore[arg-type]
