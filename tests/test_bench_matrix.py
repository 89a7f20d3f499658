"""``visitplan bench matrix``: time, memory and the networkx check, on small matrices.

The smoke test builds matrices on Kotka's roads (shipped with pyrosm) and on a small
synthetic grid, so it runs offline and without the shared data.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench_suites import KOTKA, assert_input_error, assert_report, read_rows, run
from routing.bench.matrix import against_networkx, grid_network, peak_mib
from routing.rules import Rules


def test_the_synthetic_grid_is_the_same_for_the_same_seed(rules: Rules):
    first, second = (grid_network(6, rules.mode("ebike"), seed=3) for _ in range(2))
    assert first.n_nodes == 36
    assert first.fingerprint == second.fingerprint
    assert grid_network(6, rules.mode("ebike"), seed=4).fingerprint != first.fingerprint


def test_road_matrix_equals_the_networkx_loop_on_the_grid(rules: Rules):
    grid = grid_network(8, rules.mode("ebike"), seed=1)
    record = against_networkx(grid, 12, seed=0)
    assert (record.method, record.points, record.identical) == ("networkx loop", 12, True)


def test_the_peak_memory_counts_numpy_arrays():
    assert peak_mib(lambda: bytearray(4 * 2**20)) >= 4.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sizes", "10,many", *KOTKA], "expected whole numbers"),
        (["--sizes", "1", *KOTKA], "each at least 2"),
        (["--mode", "rocket", *KOTKA], "unknown travel mode 'rocket'"),
        (["--sizes", "5000", "--grid-side", "0", *KOTKA], "has 1255 nodes"),
        (["--shared-data", "/nowhere/shared"], "shared data folder not found"),
    ],
)
def test_bad_options_exit_2_with_a_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], message: str
):
    assert_input_error(capsys, "matrix", args, message, tmp_path)


def test_smoke_small_matrices_on_real_roads_and_a_grid(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    args = [*KOTKA, "--sizes", "10,20", "--compare-size", "10", "--grid-side", "12"]
    code, out, err = run(capsys, "bench", "matrix", *args, "--repeats", "1", "--out", tmp_path)
    assert code == 0, err
    assert "wrote" in out
    rows = read_rows(tmp_path / "matrix.csv")
    kinds = [(row["network"].split(" ")[0], row["method"], row["points"]) for row in rows]
    assert kinds == [
        ("bundled:kotka", "road_matrix", "10"),
        ("bundled:kotka", "road_matrix", "20"),
        ("bundled:kotka", "networkx loop", "10"),
        ("synthetic", "road_matrix", "10"),
        ("synthetic", "road_matrix", "20"),
    ]
    assert rows[2]["identical"] == "True"
    ours = [row for row in rows if row["method"] == "road_matrix"]
    assert all(float(row["wall_s"]) > 0 and float(row["peak_mib"]) > 0 for row in ours)
    text = assert_report(tmp_path, "matrix")
    assert "## road_matrix against a networkx Dijkstra loop" in text
    assert "| 10 x 10 |" in text
    assert "| yes |" in text
