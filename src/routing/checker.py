"""An independent check of a plan: recompute each day's timeline and list every violation.

It trusts nothing the planner computed except the recorded travel legs: times, quotas,
areas, windows and the retailer list are all recomputed from the plan, the retailer file
and the rules. A plan from any tool that writes ``visitplan/plan@1`` can be checked.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from routing.plan import DayPlan, Plan, Stop
from routing.retailers import Area, Retailer
from routing.rules import Rules
from routing.timeofday import format_clock

#: A stop this far from its retailer's recorded position belongs to another file.
MAX_POSITION_DRIFT_M = 50.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Violation:
    """One broken rule: which, where, and what the figures were."""

    rule: str
    message: str
    date: date | None = None
    retailer_id: str | None = None

    def __str__(self) -> str:
        where = self.date.isoformat() if self.date else "plan"
        who = f" [{self.retailer_id}]" if self.retailer_id else ""
        return f"{where}{who} {self.rule}: {self.message}"


def check_plan(plan: Plan, retailers: Sequence[Retailer], rules: Rules) -> tuple[Violation, ...]:
    """Return every violation of ``rules`` in ``plan``; empty when the plan holds them all."""
    by_id = {retailer.id: retailer for retailer in retailers}
    found: list[Violation] = []
    for day in plan.days:
        found += _check_day(day, by_id, rules)
    found += _check_retailers(plan, by_id)
    return tuple(found)


def _check_day(day: DayPlan, by_id: Mapping[str, Retailer], rules: Rules) -> Iterator[Violation]:
    check = _DayCheck(day=day, by_id=by_id, rules=rules)
    yield from check.retailers_known()
    yield from check.area_and_quota()
    yield from check.day_limits()
    yield from check.visits()
    yield from check.lunch()


@dataclass(frozen=True, slots=True, kw_only=True)
class _DayCheck:
    """The checks of one day; each method yields the violations of one group of rules."""

    day: DayPlan
    by_id: Mapping[str, Retailer]
    rules: Rules

    def violation(self, rule: str, message: str, retailer_id: str | None = None) -> Violation:
        return Violation(rule=rule, message=message, date=self.day.date, retailer_id=retailer_id)

    def retailers_known(self) -> Iterator[Violation]:
        for stop in self.day.stops:
            if stop.retailer_id not in self.by_id:
                yield self.violation(
                    "unknown_retailer", "not in the retailer file", stop.retailer_id
                )
        for retailer_id, count in Counter(s.retailer_id for s in self.day.stops).items():
            if count > 1:
                yield self.violation("duplicate_visit", f"visited {count} times", retailer_id)

    def area_and_quota(self) -> Iterator[Violation]:
        day = self.day
        stops = [self.by_id[s.retailer_id] for s in day.stops if s.retailer_id in self.by_id]
        rural = sum(retailer.area is Area.RURAL for retailer in stops)
        area = Area.RURAL.value if stops and rural * 2 > len(stops) else Area.URBAN.value
        if stops and day.area != area:
            message = f"day marked {day.area} but {rural}/{len(stops)} stops are rural"
            yield self.violation("area", message)
        quota = self.rules.quota(day.area)
        if day.quota != quota:
            yield self.violation("quota", f"records quota {day.quota}, the rules say {quota}")
        if len(day.stops) < quota and not day.shortfall_reason:
            message = (
                f"{len(day.stops)} visits, below the quota of {quota}, and no shortfall_reason"
            )
            yield self.violation("quota", message)

    def day_limits(self) -> Iterator[Violation]:
        day, rules, clock = self.day, self.rules, format_clock
        if day.depart_office_s < rules.depart_office_after_s:
            limit = clock(rules.depart_office_after_s)
            message = f"leaves at {clock(day.depart_office_s)}, before {limit}"
            yield self.violation("depart_office", message)
        if not day.stops:
            return
        first, last = day.stops[0], day.stops[-1]
        if first.start_s > rules.first_visit_by_s:
            limit = clock(rules.first_visit_by_s)
            message = f"first visit at {clock(first.start_s)}, after {limit}"
            yield self.violation("first_visit", message)
        if last.end_s > rules.field_end_s:
            limit = clock(rules.field_end_s)
            yield self.violation(
                "field_end", f"last visit ends {clock(last.end_s)}, after {limit}"
            )
        back = last.end_s + day.travel_back_s
        if day.return_office_s < back:
            message = f"return {clock(day.return_office_s)} is before last visit end + travel back"
            yield self.violation("timeline", f"{message} ({clock(back)})")
        if max(back, day.return_office_s) > rules.office_return_by_s:
            limit = clock(rules.office_return_by_s)
            back_at = clock(max(back, day.return_office_s))
            yield self.violation("office_return", f"back at the office {back_at}, after {limit}")
        if rules.min_field_s and day.service_s < rules.min_field_s:
            hours = rules.min_field_s / 3600
            message = f"{day.service_s / 3600:.1f} h of visiting, under {hours:g} h"
            yield self.violation("min_field", message)

    def visits(self) -> Iterator[Violation]:
        day = self.day
        previous_end = day.depart_office_s
        for number, stop in enumerate(day.stops, start=1):
            rid = stop.retailer_id
            needed = stop.travel_s
            if day.lunch is not None and day.lunch.after_stop == number - 1:
                needed += day.lunch.end_s - day.lunch.start_s
            if (
                stop.start_s - previous_end < needed
                or stop.arrive_s - previous_end < stop.travel_s
            ):
                gap = clock_pair(previous_end, stop.start_s)
                yield self.violation(
                    "timeline", f"stop {number}: {gap} cannot hold {needed} s", rid
                )
            if not stop.arrive_s <= stop.start_s <= stop.end_s:
                yield self.violation(
                    "timeline", f"stop {number}: arrive/start/end out of order", rid
                )
            previous_end = stop.end_s
            retailer = self.by_id.get(rid)
            if retailer is not None:
                yield from self.retailer_visit(stop, retailer)

    def retailer_visit(self, stop: Stop, retailer: Retailer) -> Iterator[Violation]:
        rid = retailer.id
        service = retailer.service_s or self.rules.service_s
        if stop.end_s - stop.start_s < service:
            minutes = (stop.end_s - stop.start_s) / 60
            yield self.violation(
                "service_time", f"{minutes:.1f} min, needs {service / 60:g} min", rid
            )
        if retailer.opening and not any(
            w.start_s <= stop.start_s and stop.end_s <= w.end_s for w in retailer.opening
        ):
            hours = ", ".join(clock_pair(w.start_s, w.end_s) for w in retailer.opening)
            visit = clock_pair(stop.start_s, stop.end_s)
            yield self.violation(
                "opening_hours", f"visit {visit} outside opening hours {hours}", rid
            )
        drift = _distance_m(stop.lon, stop.lat, retailer.lon, retailer.lat)
        if drift > MAX_POSITION_DRIFT_M:
            yield self.violation(
                "location", f"stop is {drift:.0f} m from the retailer's position", rid
            )

    def lunch(self) -> Iterator[Violation]:
        lunch_rule, lunch, day = self.rules.lunch, self.day.lunch, self.day
        if lunch_rule is None:
            return
        if lunch is None:
            if day.stops and day.return_office_s > lunch_rule.earliest_start_s:
                yield self.violation(
                    "lunch", "no lunch break on a day that runs past the lunch window"
                )
            return
        earliest, latest = lunch_rule.earliest_start_s, lunch_rule.latest_start_s
        if not earliest <= lunch.start_s <= latest:
            window = clock_pair(earliest, latest)
            yield self.violation(
                "lunch", f"starts {format_clock(lunch.start_s)}, outside {window}"
            )
        if lunch.end_s - lunch.start_s < lunch_rule.duration_s:
            minutes = (lunch.end_s - lunch.start_s) / 60
            needed = lunch_rule.duration_s / 60
            yield self.violation("lunch", f"{minutes:g} min, needs {needed:g} min")
        if lunch.after_stop > len(day.stops):
            yield self.violation(
                "lunch", f"placed after stop {lunch.after_stop} of {len(day.stops)}"
            )
            return
        before = day.stops[lunch.after_stop - 1].end_s if lunch.after_stop else day.depart_office_s
        after = (
            day.stops[lunch.after_stop].start_s
            if lunch.after_stop < len(day.stops)
            else day.return_office_s
        )
        if lunch.start_s < before or lunch.end_s > after:
            overlap = clock_pair(lunch.start_s, lunch.end_s)
            yield self.violation("lunch", f"overlaps a visit ({overlap})")


def _check_retailers(plan: Plan, by_id: Mapping[str, Retailer]) -> Iterator[Violation]:
    entries = {entry.id: entry for entry in plan.retailers}
    for retailer_id in by_id:
        if retailer_id not in entries:
            yield Violation(
                rule="retailer_missing",
                message="in the retailer file but neither planned nor listed in the plan",
                retailer_id=retailer_id,
            )
    visits: dict[str, list[date]] = {}
    for day in plan.days:
        for stop in day.stops:
            visits.setdefault(stop.retailer_id, []).append(day.date)
    unplanned = Counter(item.retailer_id for item in plan.unplanned)
    for entry in plan.retailers:
        got = sorted(visits.get(entry.id, []))
        if sorted(entry.dates) != got:
            yield Violation(
                rule="retailer_dates",
                message=f"lists dates {_dates(entry.dates)} but is routed on {_dates(got)}",
                retailer_id=entry.id,
            )
        missing = entry.required_visits - len(got) - unplanned[entry.id]
        if missing > 0:
            message = f"{missing} of {entry.required_visits} required visits neither planned "
            yield Violation(
                rule="visit_lost",
                message=message + "nor listed as unplanned with a reason",
                retailer_id=entry.id,
            )


def clock_pair(start_s: int, end_s: int) -> str:
    """Return ``HH:MM–HH:MM``."""
    return f"{format_clock(start_s)}–{format_clock(end_s)}"


def _dates(dates: Sequence[date]) -> str:
    return "[" + ", ".join(d.isoformat() for d in dates) + "]"


def _distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    # Equirectangular is exact enough for a 50 m drift test.
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return 6_371_000 * math.hypot(x, y)
