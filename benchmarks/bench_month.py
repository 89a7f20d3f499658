"""Month plans on a real road network: time, travel, stability: ``visitplan bench month``.

Usage::

    python benchmarks/bench_month.py [--shared-data PATH] [--sizes 250] [--long-minutes 10]

As this script always has: 250 retailers, with the stability runs (January re-planned,
February after January) and a 10-minute long search, unless the options say otherwise.
Takes the options of ``visitplan bench month --help`` and writes its report to
``benchmarks/results/month/`` (``--out`` elsewhere; a folder; ``--keep-long`` reuses the
long search of the month.csv there).
"""

from __future__ import annotations

import sys

from common import run_suite

if __name__ == "__main__":
    sys.exit(run_suite("month", ["--sizes", "250", "--stability", "--long-minutes", "10"]))
