"""The solver's input: checked on construction, and dumped to JSON exactly as solved."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from routing.problem import DayProblem, problem_from_dict, problem_to_dict, write_problem
from routing.rules import LunchRule
from routing.timeofday import parse_clock as t

LUNCH = LunchRule(earliest_start_s=t("11:30"), latest_start_s=t("13:00"), duration_s=1800)


@pytest.fixture
def three_shops() -> DayProblem:
    """Three shops listed out of name order; one-way streets make travel asymmetric.

    S3 opens twice a day, S1 is a must-visit, the day is capped at two visits.
    """
    durations = np.array(
        [[0, 300, 420, 540], [360, 0, 120, 240], [480, 180, 0, 120], [600, 300, 150, 0]],
        dtype=np.int64,
    )
    return DayProblem(
        retailer_ids=("S3", "S1", "S2"),
        durations_s=durations,
        distances_m=durations * 4,
        service_s=(480, 600, 480),
        windows=(((t("08:30"), t("11:30")), (t("14:00"), t("14:52"))), (), ()),
        drop_penalty=(300_000, None, 200_000),
        depart_after_s=t("08:30"),
        first_visit_by_s=t("09:30"),
        field_end_s=t("15:00"),
        return_by_s=t("16:00"),
        lunch=LUNCH,
        max_visits=2,
    )


def assert_same(a: DayProblem, b: DayProblem) -> None:
    for field in dataclasses.fields(DayProblem):
        left, right = getattr(a, field.name), getattr(b, field.name)
        if isinstance(left, np.ndarray):
            assert right.dtype == np.int64, field.name
            np.testing.assert_array_equal(left, right, err_msg=field.name)
        else:
            assert left == right, field.name


def test_the_size_counts_retailers_not_the_office(three_shops: DayProblem) -> None:
    assert three_shops.size == 3


def test_a_problem_survives_the_json_round_trip(three_shops: DayProblem) -> None:
    text = json.dumps(problem_to_dict(three_shops))
    assert_same(problem_from_dict(json.loads(text)), three_shops)


def test_a_problem_without_lunch_or_cap_survives_the_round_trip(
    three_shops: DayProblem,
) -> None:
    plain = dataclasses.replace(three_shops, lunch=None, max_visits=None)
    again = problem_from_dict(json.loads(json.dumps(problem_to_dict(plain))))
    assert_same(again, plain)
    assert again.lunch is None
    assert again.max_visits is None


def test_an_empty_day_survives_the_round_trip() -> None:
    empty = DayProblem(
        retailer_ids=(),
        durations_s=np.zeros((1, 1), dtype=np.int64),
        distances_m=np.zeros((1, 1), dtype=np.int64),
        service_s=(),
        windows=(),
        drop_penalty=(),
        depart_after_s=t("08:30"),
        first_visit_by_s=t("09:30"),
        field_end_s=t("15:00"),
        return_by_s=t("16:00"),
    )
    assert_same(problem_from_dict(json.loads(json.dumps(problem_to_dict(empty)))), empty)


def test_the_dump_lists_retailers_in_matrix_order(three_shops: DayProblem, tmp_path: Path) -> None:
    path = tmp_path / "dump" / "instance.json"
    write_problem(three_shops, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["schema"] == "visitplan/day-instance@1"
    assert data["retailer_ids"] == ["S3", "S1", "S2"]  # not sorted: index i + 1 is S-id i
    # Row and column 0 are the office: office -> S3 300 s, S3 -> office 360 s, S1 -> S3 180 s.
    assert data["durations_s"][0][1] == 300
    assert data["durations_s"][1][0] == 360
    assert data["durations_s"][2][1] == 180
    assert data["distances_m"][3][2] == 600
    assert data["service_s"] == [480, 600, 480]
    assert data["windows"][0] == [[t("08:30"), t("11:30")], [t("14:00"), t("14:52")]]
    assert data["drop_penalty"] == [300_000, None, 200_000]  # null = must visit
    assert data["lunch"] == {
        "earliest_start_s": 41400,
        "latest_start_s": 46800,
        "duration_s": 1800,
    }
    assert (data["first_visit_by_s"], data["max_visits"]) == (t("09:30"), 2)


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"durations_s": np.zeros((3, 3), dtype=np.int64)}, "durations_s of shape"),
        ({"distances_m": np.zeros((4, 5), dtype=np.int64)}, "distances_m of shape"),
        ({"durations_s": np.full((4, 4), -1, dtype=np.int64)}, "non-negative int64 durations"),
        ({"distances_m": np.zeros((4, 4), dtype=np.float64)}, "int64 distances"),
        ({"durations_s": np.zeros((4, 4), dtype=np.int32)}, "int64 durations"),
        ({"retailer_ids": ("S3", "S1", "S3")}, "unique retailer ids"),
        ({"service_s": (480, 480)}, "one service time"),
        ({"windows": ((), ())}, "window list"),
        ({"drop_penalty": (1, 2, 3, 4)}, "penalty per retailer"),
        ({"depart_after_s": t("09:45")}, "depart_after <= first_visit_by"),
        ({"field_end_s": t("09:00")}, "first_visit_by <= field_end"),
        ({"return_by_s": t("14:00")}, "field_end <= return_by"),
    ],
)
def test_an_inconsistent_problem_is_refused(
    three_shops: DayProblem, changes: dict[str, object], match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        dataclasses.replace(three_shops, **changes)  # type: ignore[arg-type]


def test_one_negative_travel_time_is_enough_to_refuse(three_shops: DayProblem) -> None:
    durations = three_shops.durations_s.copy()
    durations[2, 3] = -1
    with pytest.raises(ValueError, match="non-negative"):
        dataclasses.replace(three_shops, durations_s=durations)


def test_a_problem_is_frozen(three_shops: DayProblem) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        three_shops.max_visits = 3  # type: ignore[misc]
