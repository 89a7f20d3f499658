"""Daily routes on a real road network against the proven optimum: ``visitplan bench daily``.

Usage::

    python benchmarks/bench_daily.py [--shared-data PATH] [--days 12] [--compare-settings]

Takes the options of ``visitplan bench daily --help`` and writes its report to
``benchmarks/results/daily/`` (``--out`` elsewhere; a folder).
"""

from __future__ import annotations

import sys

from common import run_suite

if __name__ == "__main__":
    sys.exit(run_suite("daily"))
