"""The rules: the procedure's figures by default, a user file overrides just what it names."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from routing.errors import InputError, Problem
from routing.rules import (
    LunchRule,
    RetailerClass,
    Rules,
    TravelMode,
    load_rules,
)
from routing.timeofday import parse_clock as t


def write_rules(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "my-rules.toml"
    path.write_text(text, encoding="utf-8")
    return path


# --- the defaults are the procedure's figures (RULES.md) -----------------------------------


def test_the_default_day_is_the_procedures_day(rules: Rules) -> None:
    assert (rules.min_visits_urban, rules.min_visits_rural) == (30, 25)
    assert rules.service_s == 8 * 60
    assert rules.depart_office_after_s == t("08:30")
    assert rules.first_visit_by_s == t("09:30")
    assert rules.field_end_s == t("15:00")
    assert rules.office_return_by_s == t("16:00")
    assert rules.min_field_s == 0  # the "5 hours a day" variant is off by default


def test_the_default_lunch_is_half_an_hour_starting_between_1130_and_1300(rules: Rules) -> None:
    assert rules.lunch == LunchRule(
        earliest_start_s=t("11:30"), latest_start_s=t("13:00"), duration_s=30 * 60
    )


@pytest.mark.parametrize(("area", "quota"), [("urban", 30), ("rural", 25)])
def test_the_daily_quota_depends_on_the_area(rules: Rules, area: str, quota: int) -> None:
    assert rules.quota(area) == quota


def test_classes_a_to_e_rank_a_first(rules: Rules) -> None:
    priorities = [rules.classes[name].priority for name in "ABCDE"]
    assert priorities == sorted(priorities, reverse=True)
    assert len(set(priorities)) == 5


@pytest.mark.parametrize("mode", ["ebike", "bicycle", "motorcycle", "walk"])
def test_two_wheelers_and_walkers_never_take_the_motorway(rules: Rules, mode: str) -> None:
    assert {"motorway", "motorway_link"} <= rules.mode(mode).excluded


@pytest.mark.parametrize("mode", ["ebike", "bicycle"])
def test_ebikes_and_bicycles_never_take_trunk_roads(rules: Rules, mode: str) -> None:
    assert {"trunk", "trunk_link"} <= rules.mode(mode).excluded


def test_the_procedures_vehicles_are_all_configured(rules: Rules) -> None:
    # 摩托车/电动车/自行车: motorcycle, e-bike, bicycle.
    labels = {rules.mode(name).label_zh for name in ("motorcycle", "ebike", "bicycle")}
    assert labels == {"摩托车", "电动车", "自行车"}


def test_walking_ignores_one_way_streets_and_riding_does_not(rules: Rules) -> None:
    assert not rules.mode("walk").oneway
    assert rules.mode("ebike").oneway


def test_a_road_class_without_its_own_speed_gets_the_default(rules: Rules) -> None:
    ebike = rules.mode("ebike")
    assert ebike.speed_kph("residential") == 14
    assert ebike.speed_kph("no_such_class") == ebike.default_kph == 15


def test_an_unknown_mode_is_an_input_error_listing_the_known_ones(rules: Rules) -> None:
    with pytest.raises(InputError) as error:
        rules.mode("rocket")
    message = str(error.value)
    assert "rocket" in message
    for known in ("bicycle", "car", "ebike", "motorcycle", "walk"):
        assert known in message


# --- a user file overrides only what it names ----------------------------------------------


def test_loading_no_file_gives_the_defaults(rules: Rules) -> None:
    assert load_rules(None) == rules


@pytest.mark.parametrize(
    ("text", "changes"),
    [
        ("[day]\nservice_min = 10\n", {"service_s": 600}),
        ("[day]\nmin_visits_rural = 20\n", {"min_visits_rural": 20}),
        ('[day]\nfield_end = "14:30"\n', {"field_end_s": t("14:30")}),
        ("[day]\nmin_field_min = 300\n", {"min_field_s": 5 * 3600}),
        ("[lunch]\nenabled = false\n", {"lunch": None}),
        ("[network]\nstraight_line_detour = 1.5\n", {"straight_line_detour": 1.5}),
    ],
)
def test_a_user_file_changes_only_the_keys_it_names(
    rules: Rules, tmp_path: Path, text: str, changes: dict[str, object]
) -> None:
    loaded = load_rules(write_rules(tmp_path, text))
    assert loaded == dataclasses.replace(rules, **changes)  # type: ignore[arg-type]


def test_a_user_lunch_keeps_the_unnamed_lunch_figures(rules: Rules, tmp_path: Path) -> None:
    loaded = load_rules(write_rules(tmp_path, "[lunch]\nduration_min = 45\n"))
    assert loaded.lunch == dataclasses.replace(rules.lunch, duration_s=45 * 60)  # type: ignore[arg-type]


def test_a_user_class_setting_keeps_the_rest_of_the_class(rules: Rules, tmp_path: Path) -> None:
    loaded = load_rules(write_rules(tmp_path, "[classes.E]\npriority = 9\n"))
    assert loaded.classes["E"] == RetailerClass(name="E", visits_per_month=1, priority=9)
    assert {name: loaded.classes[name] for name in "ABCD"} == {
        name: rules.classes[name] for name in "ABCD"
    }


def test_a_user_may_add_a_class_and_a_mode(rules: Rules, tmp_path: Path) -> None:
    text = (
        "[classes.F]\nvisits_per_month = 8\npriority = 7\n"
        '[modes.tricycle]\ndefault_kph = 10\nexcluded = ["motorway"]\nspeeds_kph = {}\n'
    )
    loaded = load_rules(write_rules(tmp_path, text))
    assert loaded.classes["F"].priority == 7
    assert set(loaded.classes) == {*rules.classes, "F"}
    assert loaded.mode("tricycle").speed_kph("primary") == 10
    assert loaded.mode("ebike") == rules.mode("ebike")


def test_a_user_speed_keeps_the_other_speeds(rules: Rules, tmp_path: Path) -> None:
    loaded = load_rules(write_rules(tmp_path, "[modes.ebike.speeds_kph]\nprimary = 20\n"))
    ebike, default = loaded.mode("ebike"), rules.mode("ebike")
    assert ebike.speed_kph("primary") == 20
    assert ebike.speed_kph("residential") == default.speed_kph("residential")
    assert ebike.excluded == default.excluded


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("[day\nservice_min = 8\n", id="broken TOML"),
        pytest.param('[day]\nservice_min = "eight"\n', id="service not a number"),
        pytest.param("[day]\nservice_min = 0\n", id="no service time"),
        pytest.param("[day]\nmin_visits_urban = -1\n", id="negative quota"),
        pytest.param('[day]\nfirst_visit_by = "9.30"\n', id="clock with a dot"),
        pytest.param('[day]\ndepart_office_after = "25:00"\n', id="clock past midnight"),
        pytest.param('[day]\nfield_end = "17:00"\n', id="field end after the return"),
        pytest.param('[day]\nfirst_visit_by = "08:00"\n', id="first visit before departure"),
        pytest.param('[lunch]\nlatest_start = "11:00"\n', id="lunch window reversed"),
        pytest.param("[lunch]\nduration_min = 0\n", id="no lunch time"),
        pytest.param("[network]\nstraight_line_detour = 0.9\n", id="detour below 1"),
        pytest.param("[modes.ebike]\ndefault_kph = 0\n", id="standing still"),
        pytest.param("[classes.A]\npriority = -1\n", id="negative priority"),
        pytest.param("[classes.G]\npriority = 1\n", id="class without frequency"),
        pytest.param("day = 5\n", id="day not a table"),
    ],
)
def test_a_bad_rules_file_is_an_input_error_naming_it(tmp_path: Path, text: str) -> None:
    path = write_rules(tmp_path, text)
    with pytest.raises(InputError) as error:
        load_rules(path)
    assert str(path) in str(error.value)
    assert error.value.problems[0].source == str(path)


def test_a_missing_rules_file_is_an_input_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "absent.toml"
    with pytest.raises(InputError, match=r"absent\.toml"):
        load_rules(path)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("lunch = false\n", id="lunch = false"),
        pytest.param("classes = 5\n", id="classes not a table"),
        pytest.param("[modes.ebike]\nspeeds_kph = 5\n", id="speeds not a table"),
    ],
)
def test_a_scalar_where_a_table_belongs_is_an_input_error(tmp_path: Path, text: str) -> None:
    path = write_rules(tmp_path, text)
    with pytest.raises(InputError) as error:
        load_rules(path)
    assert str(path) in str(error.value)


def test_excluded_roads_given_as_one_string_are_refused(tmp_path: Path) -> None:
    path = write_rules(tmp_path, '[modes.ebike]\nexcluded = "motorway"\n')
    with pytest.raises(InputError):
        load_rules(path)


# --- the domain types refuse impossible rules ----------------------------------------------


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"field_end_s": t("16:30")}, "field_end <= office_return_by"),
        ({"first_visit_by_s": t("08:00")}, "depart_office_after <= first_visit_by"),
        ({"field_end_s": t("09:00")}, "first_visit_by <= field_end"),
        ({"service_s": 0}, "positive service"),
        ({"min_visits_rural": -1}, "non-negative daily visit quotas"),
        ({"straight_line_detour": 0.5}, "straight_line_detour"),
        ({"classes": {}}, "at least one retailer class"),
    ],
)
def test_impossible_rules_are_refused(
    rules: Rules, changes: dict[str, object], match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        dataclasses.replace(rules, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("earliest", "latest", "minutes"),
    [("13:00", "11:30", 30), ("11:30", "13:00", 0), ("11:30", "13:00", -30)],
)
def test_an_impossible_lunch_rule_is_refused(earliest: str, latest: str, minutes: int) -> None:
    with pytest.raises(ValueError, match="lunch"):
        LunchRule(earliest_start_s=t(earliest), latest_start_s=t(latest), duration_s=minutes * 60)


def test_a_class_with_negative_figures_is_refused() -> None:
    with pytest.raises(ValueError, match="class 'X'"):
        RetailerClass(name="X", visits_per_month=-1, priority=1)


@pytest.mark.parametrize(("default", "primary"), [(0.0, 10.0), (10.0, -5.0)])
def test_a_mode_that_does_not_move_is_refused(default: float, primary: float) -> None:
    with pytest.raises(ValueError, match="'hover'"):
        TravelMode(
            name="hover",
            label_zh="悬浮",
            default_kph=default,
            speeds_kph={"primary": primary},
            excluded=frozenset(),
        )


def the_one_problem(tmp_path: Path, text: str) -> tuple[Path, Problem]:
    """Load a rules file that must be refused for exactly one reason; return it."""
    path = write_rules(tmp_path, text)
    with pytest.raises(InputError) as error:
        load_rules(path)
    (problem,) = error.value.problems
    return path, problem


@pytest.mark.parametrize(
    ("text", "field", "hint"),
    [
        pytest.param("min_visits_urban = 200\n", "min_visits_urban", "[day]", id="no section"),
        pytest.param(
            "[day]\nmin_visit_urban = 40\n", "day.min_visit_urban", "spelling", id="typo"
        ),
        pytest.param(
            "[classes.A]\npriorty = 3\n", "classes.A.priorty", "spelling", id="in a class"
        ),
    ],
)
def test_a_setting_the_rules_do_not_know_is_refused_not_ignored(
    tmp_path: Path, text: str, field: str, hint: str
) -> None:
    path, problem = the_one_problem(tmp_path, text)
    assert (problem.source, problem.field) == (str(path), field)
    assert hint in problem.message


def test_optional_settings_and_new_names_in_open_tables_are_accepted(tmp_path: Path) -> None:
    text = "[day]\nmin_field_min = 60\n[modes.ebike.speeds_kph]\nbusway = 12\n"
    rules = load_rules(write_rules(tmp_path, text))
    assert rules.min_field_s == 3600
    assert rules.mode("ebike").speed_kph("busway") == 12


@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        pytest.param(
            '[day]\nmin_visits_urban = "many"\n', "day.min_visits_urban", "a whole", id="text"
        ),
        pytest.param(
            "[day]\nmin_visits_urban = 30.5\n", "day.min_visits_urban", "a whole", id="fraction"
        ),
        pytest.param("[lunch]\nenabled = 1\n", "lunch.enabled", "true or false", id="flag"),
        pytest.param(
            '[modes.ebike]\nexcluded = "motorway"\n',
            "modes.ebike.excluded",
            "a list",
            id="one road",
        ),
        pytest.param("[month]\npriority_days = 6\n", "month.priority_days", "a list", id="month"),
        pytest.param(
            '[modes.ebike.speeds_kph]\nbusway = "fast"\n',
            "modes.ebike.speeds_kph.busway",
            "a number",
            id="new speed",
        ),
    ],
)
def test_a_value_of_the_wrong_kind_is_refused_naming_the_setting(
    tmp_path: Path, text: str, field: str, expected: str
) -> None:
    path, problem = the_one_problem(tmp_path, text)
    assert (problem.source, problem.field) == (str(path), field)
    assert f"must be {expected}" in problem.message


def test_a_fraction_is_accepted_where_the_rules_measure_rather_than_count(
    tmp_path: Path,
) -> None:
    rules = load_rules(
        write_rules(tmp_path, "[day]\nservice_min = 8.5\nmin_visits_rural = 25.0\n")
    )
    assert (rules.service_s, rules.min_visits_rural) == (510, 25)


def test_a_new_class_without_its_frequency_is_refused_naming_what_is_missing(
    tmp_path: Path,
) -> None:
    _, problem = the_one_problem(tmp_path, "[classes.G]\npriority = 1\n")
    assert problem.field == "classes.G.visits_per_month"
    assert "missing" in problem.message
