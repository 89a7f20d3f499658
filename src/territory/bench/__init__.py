"""``visitplan bench month``: the month planner measured on generated territories.

Registered through the ``visitplan.bench_suites`` entry point, so that ``routing`` never
imports this package; it uses ``routing.bench`` for its options and report files.
"""
