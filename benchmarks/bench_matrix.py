"""Travel matrices of growing size on the central Shanghai extract: ``visitplan bench matrix``.

Usage::

    python benchmarks/bench_matrix.py [--shared-data PATH] [--grid-side 0]

Takes the options of ``visitplan bench matrix --help`` and writes its report to
``benchmarks/results/matrix/`` (``--out`` elsewhere; a folder).
"""

from __future__ import annotations

import sys

from common import run_suite

if __name__ == "__main__":
    sys.exit(run_suite("matrix"))
