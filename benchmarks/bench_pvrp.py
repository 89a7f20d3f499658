"""Cordeau's periodic VRP instances p01-p32 against the best known: ``visitplan bench pvrp``.

Usage::

    python benchmarks/bench_pvrp.py [--shared-data PATH] [--only p01,p02]
        [--time-limit 120] [--seed 0] [--out DIR]

As this script always has: every instance of the shared data's ``pvrp/`` folder, 120 s
each, seed 0, unless the options say otherwise. Each is solved by
``territory.cordeau.solve_pvrp`` (the month planner's periodic search with the instance's
m vehicles a day), checked by the independent checker in ``territory.cordeau`` and
compared with the ``bks`` column of ``pvrp/pvrp_bks.csv``. Takes the options of
``visitplan bench pvrp --help`` and writes its report (``pvrp.csv``, ``pvrp.md``,
``pvrp.png``) to ``benchmarks/results/pvrp/`` (``--out`` elsewhere; a folder) after every
instance, so a run stopped early keeps what it measured.
"""

from __future__ import annotations

import sys

from common import run_suite

if __name__ == "__main__":
    sys.exit(run_suite("pvrp", ["--time-limit", "120", "--seed", "0"]))
