"""One customer manager's day: inputs, road matrix, OR-Tools route, schedule, check and maps.

The pipeline runs one way::

    read_retailers / load_network  ->  DayProblem (frozen, integers)  ->  solve_day
        ->  DayPlan / Plan  ->  check_plan, write_schedule_xlsx / _csv, day_map

``routing`` never imports ``territory``; the month planner builds on this package.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
