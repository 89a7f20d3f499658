"""Reading Solomon VRPTW instances (with ``vrplib``) and their best-known distances.

Convention of the suite: Euclidean distances scaled by :data:`SCALE` and rounded to
integers for solving, time = distance, the file's fleet and capacity. Costs are then
recomputed in real-valued Euclidean distance, the unit of the best-known solutions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from routing.bench.best_known import read_best_known
from routing.errors import InputError, Problem
from routing.vrptw import VrptwProblem

#: Distances, times and windows are multiplied by this and rounded for the solvers.
SCALE = 1000
#: The table of best-known solutions expected beside the instances.
BKS_FILE = "solomon_bks.csv"
BKS_COLUMN = "bks_dist_only_distance"


@dataclass(frozen=True, slots=True, kw_only=True)
class SolomonInstance:
    """One instance: the integer problem, the real-valued distances and the best known.

    Parameters
    ----------
    problem
        What the solvers get (scaled, rounded).
    real_distances
        Unscaled, unrounded Euclidean distances, depot first, to price routes with.
    bks
        Best-known total distance when minimising distance only.
    """

    problem: VrptwProblem
    real_distances: npt.NDArray[np.float64]
    bks: float

    def __post_init__(self) -> None:
        size = self.problem.size + 1
        if self.real_distances.shape != (size, size) or self.bks <= 0:
            msg = f"Expected real distances of shape {(size, size)} and a positive BKS."
            raise ValueError(msg)


def instance_files(folder: Path) -> list[Path]:
    """Return the Solomon files (``*.txt``) in ``folder``, sorted by name.

    Raises
    ------
    InputError
        When ``folder`` is not a folder or holds no ``.txt`` file.
    """
    if not folder.is_dir():
        msg = "not a folder; pass --instances DIR, the folder of Solomon .txt files."
        raise InputError([Problem(source=str(folder), message=msg, field="--instances")])
    files = sorted(folder.glob("*.txt"))
    if not files:
        msg = "holds no Solomon .txt file; pass the folder of R101.txt, C101.txt, ..."
        raise InputError([Problem(source=str(folder), message=msg, field="--instances")])
    return files


def read_bks(folder: Path) -> dict[str, float]:
    """Return each instance's distance-only best-known cost from ``folder/solomon_bks.csv``.

    Raises
    ------
    InputError
        When the file is missing, lacks a column, or holds a value that is not a positive
        number.
    """
    return read_best_known(folder / BKS_FILE, BKS_COLUMN)


def read_instance(path: Path, bks: float) -> SolomonInstance:
    """Return the instance in the Solomon file ``path``, scaled for the solvers.

    Raises
    ------
    InputError
        When ``vrplib`` cannot read the file or its data is not a valid VRPTW.
    """
    import vrplib  # deferred: only the benchmark reads Solomon files

    try:
        data = vrplib.read_instance(str(path), instance_format="solomon")
        problem = _scaled_problem(path.stem, data)
    except (ValueError, IndexError, KeyError) as error:
        msg = f"not a readable Solomon instance ({error})."
        raise InputError([Problem(source=str(path), message=msg)]) from error
    distances = np.asarray(data["edge_weight"], dtype=np.float64)
    return SolomonInstance(problem=problem, real_distances=distances, bks=bks)


def _scaled_problem(name: str, data: dict[str, object]) -> VrptwProblem:
    def scaled(key: str) -> npt.NDArray[np.int64]:
        values = np.asarray(data[key], dtype=np.float64)
        return np.rint(values * SCALE).astype(np.int64)

    matrix, windows, service = scaled("edge_weight"), scaled("time_window"), scaled("service_time")
    demands = np.asarray(data["demand"], dtype=np.int64)
    return VrptwProblem(
        distances=matrix,
        durations=matrix.copy(),
        demands=tuple(int(d) for d in demands[1:]),
        service=tuple(int(s) for s in service[1:]),
        windows=tuple((int(lo), int(hi)) for lo, hi in windows[1:]),
        depot_window=(int(windows[0, 0]), int(windows[0, 1])),
        capacity=int(np.asarray(data["capacity"])),
        vehicles=int(np.asarray(data["vehicles"])),
        name=name,
    )
