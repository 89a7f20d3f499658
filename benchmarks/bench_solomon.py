"""Solomon VRPTW: the OR-Tools core against PyVRP and VROOM: ``visitplan bench solomon``.

Usage::

    python benchmarks/bench_solomon.py [--instances DIR] [--time-limit 60]
        [--solvers ortools,pyvrp,vroom] [--only R101,RC101] [--workers 2] [--seed 0]

As the README's figures were made: all 33 instances of the shared data's ``solomon/``
folder, 60 s per solver and instance, the core against both peers (the ``[bench]``
extra). Takes the options of ``visitplan bench solomon --help`` and writes its report
(``solomon.csv``, ``solomon.md``, ``solomon.png``) to ``benchmarks/results/solomon/``
(``--out`` elsewhere; a folder).
"""

from __future__ import annotations

import sys

from common import run_suite

if __name__ == "__main__":
    sys.exit(run_suite("solomon", ["--time-limit", "60"], data_option="--instances solomon"))
