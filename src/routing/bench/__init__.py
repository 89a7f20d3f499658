"""``visitplan bench``: measured comparisons of the OR-Tools core with its peers.

A suite reads its instances, runs every solver on each with the same limits, checks every
solution independently and hands its rows to :mod:`routing.bench.report`. Suites are looked
up by name (:mod:`routing.bench.cli`); other packages add theirs through the
``visitplan.bench_suites`` entry points, so this package never imports them.
"""
