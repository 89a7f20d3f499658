"""``visitplan bench solomon``: reading, the core on a tiny instance, reports, the CLI.

The tiny instance is written to ``tmp_path`` so most tests run without the shared data;
the smoke test runs two shared instances for one second each and skips when they are
absent, and skips a peer whose package is not installed.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable
from pathlib import Path

import click
import pytest

import routing.bench.cli
import routing.solver
from routing.bench.report import COLUMNS, RunRecord, markdown, write_reports
from routing.bench.solomon import load_instances, run_one, run_suite
from routing.bench.solomon_data import BKS_COLUMN, BKS_FILE, SCALE
from routing.bench.solvers import SOLVERS, RunLimits
from routing.cli import main
from routing.errors import EXIT_INPUT, InputError
from routing.solver import VrptwSettings, solve_vrptw
from routing.vrptw import VrptwProblem, VrptwSolution, routes_cost
from routing.vrptw_check import check_routes
from routing.vrptw_ils import IlsSettings

# Five customers around a depot at (0, 0), in Solomon's text format. Capacity 20 needs at
# least two routes; the optimum, by enumeration, is 50.0: {1, 2}, {3}, {4, 5}.
TINY = """T5

VEHICLE
NUMBER     CAPACITY
  3          20

CUSTOMER
CUST NO.   XCOORD.   YCOORD.    DEMAND   READY TIME   DUE DATE   SERVICE TIME

    0          0       0           0       0         100           0
    1          3       4          10       0          20           1
    2          6       8           5       0          40           1
    3         -3       4          10      10          30           1
    4          0      -5           5       0          60           1
    5          0     -10          10      20          50           1
"""
TINY_OPTIMUM = 50.0
FAST = RunLimits(time_limit_s=1.0, workers=1)


# T5 less customer 3: {1, 2} and {4, 5} (20.0 each) is the optimum, by enumeration.
TINY_WITHOUT_3 = TINY.replace("T5", "T4").replace(
    "    3         -3       4          10      10          30           1\n", ""
)
TINY_WITHOUT_3_OPTIMUM = 40.0


def write_tiny(folder: Path, *, bks: str = str(TINY_OPTIMUM), second: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "T5.txt").write_text(TINY, encoding="utf-8")
    table = f"instance,{BKS_COLUMN}\nT5,{bks}\n"
    if second:
        (folder / "T4.txt").write_text(TINY_WITHOUT_3, encoding="utf-8")
        table += f"T4,{TINY_WITHOUT_3_OPTIMUM}\n"
    (folder / BKS_FILE).write_text(table, encoding="utf-8")
    return folder


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A folder holding the tiny instance and its BKS table."""
    return write_tiny(tmp_path / "solomon")


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(arg) for arg in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_reader_scales_to_integers(tiny: Path):
    (instance,) = load_instances(tiny)
    problem = instance.problem
    assert (problem.name, problem.size, problem.vehicles, problem.capacity) == ("T5", 5, 3, 20)
    assert problem.distances[0, 1] == 5 * SCALE
    assert problem.windows[2] == (10 * SCALE, 30 * SCALE)
    assert problem.depot_window == (0, 100 * SCALE)
    assert instance.real_distances[1, 2] == pytest.approx(5.0)


def test_the_core_finds_the_tiny_optimum_and_the_checker_accepts_it(tiny: Path):
    (instance,) = load_instances(tiny)
    record = run_one(instance, "ortools", FAST)
    assert record.feasible
    assert record.cost == pytest.approx(TINY_OPTIMUM)
    assert record.gap_pct == pytest.approx(0.0)
    assert record.vehicles == 3


def test_a_count_limited_search_repeats_exactly(tiny: Path):
    (instance,) = load_instances(tiny)
    ils = IlsSettings(max_steps=10)
    settings = VrptwSettings(time_limit_s=30.0, workers=1, solution_limit=50, ils=ils)
    first, second = (solve_vrptw(instance.problem, settings) for _ in range(2))
    assert first.routes == second.routes
    assert check_routes(instance.problem, first.routes) == []


def test_the_multi_start_keeps_the_best_of_its_searches(
    tiny: Path, monkeypatch: pytest.MonkeyPatch
):
    # One solver process at a time on this machine: a thread pool stands in for the
    # process pool, which exercises the same split of strategies and budget.
    from concurrent.futures import ThreadPoolExecutor

    def threads(max_workers: int, mp_context: object) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=max_workers)

    monkeypatch.setattr(routing.solver, "ProcessPoolExecutor", threads)
    (instance,) = load_instances(tiny)
    solution = solve_vrptw(instance.problem, VrptwSettings(time_limit_s=1.0, solution_limit=50))
    assert check_routes(instance.problem, solution.routes) == []
    assert solution.cost == round(TINY_OPTIMUM * SCALE)


def test_a_solver_whose_routes_break_a_rule_gets_an_infeasible_row(
    tiny: Path, monkeypatch: pytest.MonkeyPatch
):
    def all_on_one_route(problem: VrptwProblem, limits: RunLimits) -> VrptwSolution:
        route = tuple(range(problem.size))
        return VrptwSolution(routes=(route,), cost=round(routes_cost(problem.distances, [route])))

    monkeypatch.setitem(SOLVERS, "ortools", all_on_one_route)
    (instance,) = load_instances(tiny)
    record = run_one(instance, "ortools", FAST)
    assert record.feasible is False
    assert record.note.startswith("route 0: load 40 over capacity 20.")


def test_a_missing_peer_gets_a_not_installed_row(tiny: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(sys.modules, "pyvrp", None)  # makes `import pyvrp` fail
    (instance,) = load_instances(tiny)
    record = run_one(instance, "pyvrp", FAST)
    assert (record.note, record.feasible, record.cost) == ("not installed", None, None)


def test_reports_have_the_columns_and_the_summary(tiny: Path, tmp_path: Path):
    records = run_suite(load_instances(tiny), ["ortools"], FAST)
    records.append(RunRecord(instance="T5", solver="vroom", bks=50.0, note="not installed"))
    paths = write_reports(
        records, tmp_path / "out", suite="solomon", title="Tiny", convention="Convention."
    )
    with paths.csv.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == COLUMNS
    assert [(row["solver"], row["feasible"], row["note"]) for row in rows] == [
        ("ortools", "True", ""),
        ("vroom", "", "not installed"),
    ]
    text = paths.markdown.read_text(encoding="utf-8")
    assert "## Means per solver" in text
    assert "## ortools against each peer" in text
    assert "| T5 | vroom |" in text
    assert "not installed" in text
    if paths.plot is not None:
        assert paths.plot.read_bytes().startswith(b"\x89PNG")


def test_the_core_is_compared_with_a_peer_by_the_ratio_of_costs():
    def row(solver: str, cost: float, instance: str) -> RunRecord:
        gap = 100 * (cost - 100.0) / 100.0
        return RunRecord(
            instance=instance, solver=solver, cost=cost, bks=100.0, gap_pct=gap, feasible=True
        )

    # The peer beats the best known on one instance: a ratio of gaps would be meaningless.
    records = [row("ortools", 101.0, "A"), row("pyvrp", 99.0, "A")]
    records += [row("ortools", 103.0, "B"), row("pyvrp", 100.0, "B")]
    text = markdown(records, title="T", convention="C.")
    table = text.split("## ortools against each peer")[1].split("## Every run")[0]
    peer_row = next(line for line in table.splitlines() if line.startswith("| pyvrp |"))
    assert "| 1.0251 |" in peer_row  # (101/99 + 103/100) / 2


def without_bks(folder: Path) -> Path:
    (write_tiny(folder) / BKS_FILE).unlink()
    return folder


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda folder: folder / "absent", "not a folder"),
        (lambda folder: folder, "holds no Solomon .txt file"),
        (without_bks, "missing; put"),
        (lambda folder: write_tiny(folder, bks="n/a"), "'n/a' is not a positive number"),
    ],
)
def test_bad_instance_folders_exit_2_with_a_message(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make: Callable[[Path], Path],
    message: str,
):
    folder = make(tmp_path)
    code, _, err = run(capsys, "bench", "solomon", "--instances", folder, "--out", tmp_path)
    assert code == EXIT_INPUT
    assert message in err
    assert "Traceback" not in err


def test_an_instance_without_a_best_known_cost_is_refused(tiny: Path):
    (tiny / "T6.txt").write_text(TINY.replace("T5", "T6"), encoding="utf-8")
    with pytest.raises(InputError, match="no best-known cost for T6"):
        load_instances(tiny)


def test_an_unknown_solver_is_a_usage_error(tiny: Path, capsys: pytest.CaptureFixture[str]):
    code, _, err = run(capsys, "bench", "solomon", "--instances", tiny, "--solvers", "lkh")
    assert code == EXIT_INPUT
    assert "unknown solvers ['lkh']" in err


def test_smoke_every_solver_on_two_tiny_instances_one_second_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    # Runs without the shared data, so the suite, its peers and its report cannot rot
    # on a machine that lacks them; each peer must find the proven optimum.
    pytest.importorskip("pyvrp")
    pytest.importorskip("vroom")
    folder = write_tiny(tmp_path / "solomon", second=True)
    args = ["--instances", folder, "--time-limit", "1", "--workers", "1", "--out", tmp_path]
    code, out, _ = run(capsys, "bench", "solomon", *args)
    assert code == 0, out
    with (tmp_path / "solomon.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted((row["instance"], row["solver"], row["feasible"]) for row in rows) == [
        (name, solver, "True") for name in ("T4", "T5") for solver in SOLVERS
    ]
    assert all(abs(float(row["gap_pct"])) < 1e-6 for row in rows)
    assert "## ortools against each peer" in (tmp_path / "solomon.md").read_text("utf-8")


@pytest.mark.shared_data
@pytest.mark.parametrize("solver", ["ortools", "pyvrp", "vroom"])
def test_smoke_two_shared_instances_one_second_each(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], solver: str
):
    module = {"pyvrp": "pyvrp", "vroom": "vroom"}.get(solver)
    if module:
        pytest.importorskip(module)
    args = ["--instances", shared_data / "solomon", "--limit-instances", "2"]
    args += ["--time-limit", "1", "--workers", "1", "--solvers", solver, "--out", tmp_path]
    code, out, _ = run(capsys, "bench", "solomon", *args)
    assert code == 0, out
    with (tmp_path / "solomon.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(row["solver"], row["feasible"]) for row in rows] == [(solver, "True")] * 2
    assert all(float(row["gap_pct"]) < 5.0 for row in rows)
    assert (tmp_path / "solomon.md").is_file()


def test_suites_from_other_packages_are_looked_up_by_name(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    @click.command()
    def month() -> None:
        click.echo("month suite ran")

    class Entry:
        name = "month"

        def load(self) -> click.Command:
            return month

    monkeypatch.setattr(routing.bench.cli, "entry_points", lambda group: [Entry()])
    assert set(routing.bench.cli.suites()) == {"solomon", "daily", "matrix", "month"}
    code, out, _ = run(capsys, "bench", "month")
    assert (code, out) == (0, "month suite ran\n")
