"""``visitplan bench pvrp``: registered by territory, bad inputs, two tiny instances.

The tiny instances are written to ``tmp_path`` in Cordeau's format, so the smoke test runs
offline, without the shared data. Their best-known costs are their optima, found here by
enumeration.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import pytest

import routing.bench.cli
from bench_suites import assert_input_error, assert_report, read_rows, run
from territory.bench.pvrp import BKS_FILE, load_cases
from territory.bench.pvrp_cli import pvrp_command
from territory.cordeau import PvrpInstance, read_pvrp, real_distances, route_length

# Two days, two vehicles of capacity 20 (two customers each). Customer 1 (0, 10) every
# day, the others on one day of their choice. Optimum 102.43: {1, 5} on day 1, then
# {1, 2} and {3, 4} on day 2, each route 20 + 10 √2.
TWO_VEHICLES = """1 2 5 2
0 20
0 20
0 0 0 0 0 0 0
1 0 10 0 10 2 1 3
2 10 0 0 10 1 2 1 2
3 -10 0 0 10 1 2 1 2
4 0 -10 0 10 1 2 1 2
5 10 10 0 10 1 2 1 2
"""
# Two days, one vehicle of capacity 50 within 100 (service 2 each); customer 5 only on
# day 2, customer 6 only on day 1. Optimum 71.54.
ONE_VEHICLE = """1 1 6 2
100 50
100 50
0 0 0 0 0 0 0
1 3 4 2 10 2 1 3
2 6 8 2 10 1 2 1 2
3 -3 4 2 10 1 2 1 2
4 0 -5 2 10 1 2 1 2
5 0 -10 2 10 1 1 2
6 -6 -8 2 10 1 1 1
"""
TINY = {"t1": TWO_VEHICLES, "t2": ONE_VEHICLE}
OPTIMA = {"t1": 102.43, "t2": 71.54}
COLUMNS = [
    "instance",
    "n",
    "m",
    "t",
    "cost",
    "bks",
    "gap_pct",
    "wall_s",
    "cpu_s",
    "feasible",
    "first_routed",
    "perturbations",
    "accepted",
]
QUICK = ["--time-limit", "1"]


def write_tiny(folder: Path, bks: dict[str, float] = OPTIMA) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in TINY.items():
        (folder / name).write_text(text, encoding="utf-8")
    rows = "".join(f"{name},{cost}\n" for name, cost in bks.items())
    (folder / BKS_FILE).write_text(f"instance,bks\n{rows}", encoding="utf-8")
    return folder


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A folder holding the two tiny instances and their BKS table."""
    return write_tiny(tmp_path / "pvrp")


def enumerated_optimum(instance: PvrpInstance) -> float:
    """Return the least cost over every combination, assignment to vehicles and order."""
    distances = real_distances(instance)

    def route(day: int, group: list[int]) -> float:
        if sum(instance.demands[c - 1] for c in group) > instance.capacities[day]:
            return math.inf
        length = min(route_length(distances, order) for order in itertools.permutations(group))
        limit = instance.max_durations[day]
        duration = length + sum(instance.service[c - 1] for c in group)
        return math.inf if limit and duration > limit else length

    def day_cost(day: int, customers: list[int]) -> float:
        labels = itertools.product(range(instance.vehicles), repeat=len(customers))
        return min(
            sum(
                route(day, [c for c, v in zip(customers, label, strict=True) if v == vehicle])
                for vehicle in range(instance.vehicles)
            )
            for label in labels
        )

    return min(
        sum(
            day_cost(day, [i + 1 for i, days in enumerate(choice) if day in days])
            for day in range(instance.days)
        )
        for choice in itertools.product(*instance.combos)
    )


@pytest.mark.parametrize("name", sorted(TINY))
def test_the_tiny_best_known_costs_are_the_optima(tiny: Path, name: str):
    assert enumerated_optimum(read_pvrp(tiny / name)) == pytest.approx(OPTIMA[name], abs=0.005)


def test_the_suite_comes_from_territory_through_its_entry_point(
    capsys: pytest.CaptureFixture[str],
):
    assert routing.bench.cli.suites()["pvrp"] is pvrp_command
    code, out, _ = run(capsys, "bench", "--help")
    assert code == 0
    assert "pvrp" in out


def test_the_instances_are_the_files_without_an_extension(tiny: Path):
    (tiny / "notes.txt").write_text("not an instance", encoding="utf-8")
    (tiny / "solutions").mkdir()
    assert [case.instance.name for case in load_cases(tiny)] == ["t1", "t2"]
    assert [case.bks for case in load_cases(tiny, only=["T2"])] == [OPTIMA["t2"]]


def test_smoke_two_tiny_instances(capsys: pytest.CaptureFixture[str], tmp_path: Path):
    folder = write_tiny(tmp_path / "pvrp")
    out = tmp_path / "report"
    code, printed, err = run(capsys, "bench", "pvrp", "--instances", folder, *QUICK, "--out", out)
    assert code == 0, err
    assert "wrote" in printed
    rows = read_rows(out / "pvrp.csv")
    assert list(rows[0]) == COLUMNS
    assert [(row["instance"], row["n"], row["m"], row["t"]) for row in rows] == [
        ("t1", "5", "2", "2"),
        ("t2", "6", "1", "2"),
    ]
    for row in rows:
        assert row["feasible"] == "yes"
        assert float(row["bks"]) == OPTIMA[row["instance"]]
        assert float(row["gap_pct"]) == pytest.approx(0.0, abs=0.01)
        assert float(row["cost"]) == pytest.approx(OPTIMA[row["instance"]], abs=0.01)
        assert float(row["first_routed"]) >= float(row["cost"]) - 0.01
        assert 0 < float(row["wall_s"]) < 10
        assert int(row["perturbations"]) >= int(row["accepted"]) >= 0
    text = assert_report(out, "pvrp")
    assert "- instances: 2, feasible: 2/2" in text
    assert "within 1 %: 2, within 2 %: 2" in text
    assert "--time-limit 1 --seed 0" in text
    assert "| t2 | 6 | 1 | 2 | 71.54 | 71.54 |" in text


def test_the_shared_data_folder_holds_the_instances(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    write_tiny(tmp_path / "shared" / "pvrp")
    args = ["--shared-data", tmp_path / "shared", "--only", "t2", *QUICK, "--out", tmp_path]
    code, _, err = run(capsys, "bench", "pvrp", *args)
    assert code == 0, err
    assert [row["instance"] for row in read_rows(tmp_path / "pvrp.csv")] == ["t2"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--instances", "/nowhere/pvrp"], "PVRP instances folder not found"),
        (["--shared-data", "/nowhere/shared"], "pass --instances DIR, or --shared-data"),
    ],
)
def test_a_missing_folder_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], message: str
):
    assert_input_error(capsys, "pvrp", args, message, tmp_path)


def test_an_unknown_instance_name_exits_2(capsys: pytest.CaptureFixture[str], tiny: Path):
    args = ["--instances", tiny, "--only", "t1,p99"]
    message = "--only: no instance file for p99"
    assert_input_error(capsys, "pvrp", args, message, tiny.parent / "report")


@pytest.mark.parametrize(
    ("bks", "message"),
    [
        ({"t1": OPTIMA["t1"]}, "no best-known cost for t2; add their rows"),
        ({"t1": OPTIMA["t1"], "t2": 0.0}, "row 3, field 'bks': '0.0' is not a positive number"),
    ],
)
def test_a_missing_or_bad_best_known_cost_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, bks: dict[str, float], message: str
):
    folder = write_tiny(tmp_path / "pvrp", bks)
    assert_input_error(capsys, "pvrp", ["--instances", folder], message, tmp_path / "report")


def test_a_missing_best_known_table_exits_2(capsys: pytest.CaptureFixture[str], tiny: Path):
    (tiny / BKS_FILE).unlink()
    message = f"{BKS_FILE}: missing; put {BKS_FILE}"
    assert_input_error(capsys, "pvrp", ["--instances", tiny], message, tiny.parent / "report")


def test_a_file_that_is_not_an_instance_exits_2(capsys: pytest.CaptureFixture[str], tiny: Path):
    (tiny / "t1").write_text("2 1 1 1\n0 10\n", encoding="utf-8")
    message = "t1: not a Cordeau PVRP instance"
    assert_input_error(capsys, "pvrp", ["--instances", tiny], message, tiny.parent / "report")
