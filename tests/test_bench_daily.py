"""``visitplan bench daily``: the proven optimum, the report, the command on real roads.

The smoke test plans two small days on Kotka's roads (shipped with pyrosm), so it runs
offline and without the shared data.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np
import pytest

from bench_suites import KOTKA, assert_input_error, assert_report, read_rows, run
from routing.bench.daily import DailyRecord, day_sizes
from routing.bench.daily_report import markdown
from routing.bench.exact import optimal_tour
from routing.errors import EXIT_INPUT


def brute_force(costs: np.ndarray) -> int:
    others = range(1, len(costs))
    return min(
        sum(int(costs[a, b]) for a, b in itertools.pairwise((0, *order, 0)))
        for order in itertools.permutations(others)
    )


@pytest.mark.parametrize("seed", range(4))
def test_the_exact_tour_is_the_optimum_of_a_small_asymmetric_matrix(seed: int):
    rng = np.random.default_rng(seed)
    costs = rng.integers(1, 100, size=(7, 7))
    np.fill_diagonal(costs, 0)
    tour = optimal_tour(costs)
    assert sorted(tour.order) == list(range(1, 7))
    assert tour.cost == brute_force(costs)


def test_days_cycle_through_the_stop_range():
    assert day_sizes(7, 30, 40) == [30, 32, 34, 36, 38, 40, 30]
    assert day_sizes(2, 8, 8) == [8, 8]


def record(seed: int, **fields: object) -> DailyRecord:
    values: dict[str, object] = {
        "setting": "default",
        "windowed": False,
        "seed": seed,
        "stops": 30,
        "visited": 30,
        "travel_s": 1000,
        "solver_s": 0.5,
        "plan_day_s": 0.6,
        "gap_pct": 0.0,
        "bound_s": 1000,
        "optimum_s": 1000,
        "exact_s": 0.1,
        "proven": True,
        "stopped_by": "solution limit",
        "violations": 0,
    }
    values.update(fields)
    return DailyRecord(**values)  # type: ignore[arg-type]


def test_the_summary_averages_the_gap_over_days_with_a_proven_optimum():
    records = [
        record(0, travel_s=1010, gap_pct=1.0),
        record(1, travel_s=1030, gap_pct=3.0),
        # The optimal tour breaks the day's rules: the day has a bound but no gap.
        record(2, visited=29, travel_s=900, gap_pct=None, optimum_s=None, proven=False),
    ]
    text = markdown(records, None, convention="Convention.")
    means = text.split("## Means per setting")[1]
    assert "| default | no | 2/3 | 2.000 | 2 |" in means
    assert "| 2 | no | 30 | 29 | 900 | 1000 | no | — |" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--stops", "9-3", *KOTKA], "expected LOW-HIGH"),
        (["--stops", "many", *KOTKA], "expected LOW-HIGH"),
        (["--days", "0", *KOTKA], "--days"),
        (["--shared-data", "/nowhere/shared"], "shared data folder not found"),
        (["--network", "/nowhere/roads.osm"], "file not found"),
    ],
)
def test_bad_options_exit_2_with_a_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], message: str
):
    assert_input_error(capsys, "daily", args, message, tmp_path)


def test_without_highspy_the_suite_says_how_to_install_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setitem(sys.modules, "highspy", None)  # makes `import highspy` fail
    code, _, err = run(capsys, "bench", "daily", *KOTKA, "--out", tmp_path)
    assert code == EXIT_INPUT
    assert "needs highspy: pip install -e '.[bench]'" in err


def test_smoke_two_small_days_on_real_roads(capsys: pytest.CaptureFixture[str], tmp_path: Path):
    args = [*KOTKA, "--days", "2", "--stops", "8-10", "--time-limit", "1", "--out", tmp_path]
    code, out, err = run(capsys, "bench", "daily", *args)
    assert code == 0, err
    assert "wrote" in out
    rows = read_rows(tmp_path / "daily.csv")
    assert [(row["seed"], row["stops"]) for row in rows] == [("0", "8"), ("1", "10")]
    for row in rows:
        assert row["proven"] == "True"
        assert row["visited"] == row["stops"]
        assert row["violations"] == "0"
        # Never below the proven optimum; a small day is solved to it or close.
        assert 0.0 <= float(row["gap_pct"]) < 5.0
        assert int(row["travel_s"]) >= int(row["bound_s"])
    text = assert_report(tmp_path, "daily")
    assert "## Means per setting" in text
    assert "| visitplan default | no | 2/2 |" in text
    assert "bundled:kotka" in text
