"""One periodic plan as plain lists, and the moves that improve it.

Pure Python on lists costs microseconds a move, where re-solving one day with OR-Tools
costs tenths of a second, so the search (:mod:`territory.periodic_search`) affords
thousands of perturbations. Routes hold nodes (customer + 1; depot 0).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from territory.periodic import Days, PeriodicProblem, PeriodicSolution

#: A plan's snapshot: every day's routes (node lists) and every option choice at that moment.
Snapshot = tuple[list[list[list[int]]], list[int]]


@dataclass(slots=True)
class EnginePlan:
    """A plan with 0-based customers: each customer's option and every day's routes."""

    combo: list[int]
    routes: list[list[list[int]]]

    def solution(self) -> PeriodicSolution:
        """Return the plan as a frozen solution (empty routes left out)."""
        return PeriodicSolution(
            choices=tuple(self.combo),
            routes=tuple(tuple(tuple(route) for route in day if route) for day in self.routes),
        )


class PeriodicEngine:
    """The whole plan as plain lists, searched by penalised local search.

    Pure Python on lists costs microseconds a move, where re-solving one day with OR-Tools
    costs about 0.4 s on p13, so the search affords thousands of perturbations. Routes hold
    nodes (customer + 1; depot 0). Load beyond a route's capacity costs ``penalty`` a unit,
    so an insertion always succeeds and the local search repairs overloads itself; only
    plans without overload become the best. A day's duration limit, when it has one, is
    hard for moves (one is applied only when the routes it makes fit); a customer that
    fits nowhere is inserted anyway, and the plan is not kept as best until fixed.
    """

    def __init__(self, problem: PeriodicProblem, penalty: float, neighbours: int) -> None:
        n, self.days, self.m = problem.size, problem.days, problem.vehicles
        self.dist: list[list[int]] = problem.distances.tolist()
        self.time: list[list[int]] = problem.durations.tolist()
        self.service: list[int] = [0, *problem.service]
        self.demand: list[int] = [0, *problem.demands]
        self.capacity = list(problem.capacities)
        self.limit = list(problem.max_durations)
        self.penalty, self.minimum_penalty = penalty, penalty / 10
        self.order: list[list[int]] = [[]] + [
            [int(j) + 1 for j in row if j != i]
            for i, row in enumerate(np.argsort(problem.distances[1:, 1:], axis=1, kind="stable"))
        ]
        # Moves look at the nearest ``neighbours``; insertions, which must find a route on
        # the day even when few neighbours are visited then, at twice as many.
        self.near = [row[:neighbours] for row in self.order]
        self.wide = [row[: 2 * neighbours] for row in self.order]
        self.combos: list[tuple[Days, ...]] = [(), *problem.options]
        self.combo = [-1] * (n + 1)
        self.routes: list[list[list[int]]] = [
            [[] for _ in range(self.m)] for _ in range(self.days)
        ]
        self.loads = [[0] * self.m for _ in range(self.days)]
        self.prefix: list[list[list[int]]] = [
            [[] for _ in range(self.m)] for _ in range(self.days)
        ]
        self.route_of = [[-1] * (n + 1) for _ in range(self.days)]
        self.pos_of = [[0] * (n + 1) for _ in range(self.days)]

    # --- bookkeeping ---

    def reindex(self, day: int, r: int) -> None:
        """Refresh positions, load and prefix loads of route ``r`` after it changed."""
        route, where, pos, demand = (
            self.routes[day][r],
            self.route_of[day],
            self.pos_of[day],
            self.demand,
        )
        prefix, load = [], 0
        for k, node in enumerate(route):
            where[node], pos[node] = r, k
            load += demand[node]
            prefix.append(load)
        self.loads[day][r], self.prefix[day][r] = load, prefix

    def over(self, day: int, load: int) -> float:
        """Return the penalty of a route carrying ``load`` on ``day``."""
        return self.penalty * max(0, load - self.capacity[day])

    def day_cost(self, day: int) -> float:
        """Return the day's route length plus overload penalties."""
        dist, total = self.dist, 0.0
        for r, route in enumerate(self.routes[day]):
            if route:
                total += (
                    dist[0][route[0]] + dist[route[-1]][0] + self.over(day, self.loads[day][r])
                )
                total += sum(dist[a][b] for a, b in itertools.pairwise(route))
        return total

    def feasible(self) -> bool:
        """Whether every route is within the capacity and the duration limit."""
        return self.excess() == 0

    def excess(self) -> int:
        """Return the load beyond capacity plus the routes beyond the duration limit, summed."""
        total = 0
        for day in range(self.days):
            total += sum(max(0, load - self.capacity[day]) for load in self.loads[day])
            if self.limit[day]:
                total += sum(not self.fits(day, route) for route in self.routes[day])
        return total

    def length(self) -> int:
        """Return the total route cost of the plan, without penalties."""
        dist, total = self.dist, 0
        for day in self.routes:
            for route in day:
                if route:
                    nodes = [0, *route, 0]
                    total += sum(dist[a][b] for a, b in itertools.pairwise(nodes))
        return total

    def fits(self, day: int, *routes: list[int]) -> bool:
        """Whether ``routes`` are within the day's duration limit (always, without one)."""
        limit = self.limit[day]
        if not limit:
            return True
        time, service = self.time, self.service
        for route in routes:
            if route:
                nodes = [0, *route, 0]
                used = sum(time[a][b] for a, b in itertools.pairwise(nodes))
                if used + sum(service[p] for p in route) > limit:
                    return False
        return True

    def snapshot(self) -> Snapshot:
        """Return a copy of the routes and combinations, for :meth:`restore`."""
        return [[list(route) for route in day] for day in self.routes], list(self.combo)

    def restore(self, snapshot: Snapshot, days: Iterable[int]) -> None:
        """Return ``days`` (all days that changed since ``snapshot``) to it."""
        routes, combo = snapshot
        self.combo = list(combo)
        for day in days:
            for node in itertools.chain.from_iterable(self.routes[day]):
                self.route_of[day][node] = -1
            self.routes[day] = [list(route) for route in routes[day]]
            for r in range(self.m):
                self.reindex(day, r)

    def load_plan(self, plan: EnginePlan) -> None:
        """Copy ``plan`` (0-based customers) into the engine."""
        self.combo = [-1, *plan.combo]
        for day in range(self.days):
            self.route_of[day] = [-1] * len(self.route_of[day])
            self.routes[day] = [[p + 1 for p in route] for route in plan.routes[day]]
            self.routes[day] += [[] for _ in range(self.m - len(self.routes[day]))]
            for r in range(self.m):
                self.reindex(day, r)

    def plan(self) -> EnginePlan:
        """Return the engine's plan with 0-based customers."""
        routes = [[[p - 1 for p in route] for route in day] for day in self.routes]
        return EnginePlan(self.combo[1:], routes)

    # --- insertion and removal ---

    def removal_gain(self, day: int, u: int) -> float:
        """Return what taking ``u`` off ``day`` saves (length and overload)."""
        r, k = self.route_of[day][u], self.pos_of[day][u]
        route, dist = self.routes[day][r], self.dist
        before = route[k - 1] if k else 0
        after = route[k + 1] if k + 1 < len(route) else 0
        gain = dist[before][u] + dist[u][after] - dist[before][after]
        load = self.loads[day][r]
        return gain + self.over(day, load) - self.over(day, load - self.demand[u])

    def best_insertion(self, day: int, u: int) -> tuple[float, int, int]:
        """Return (cost, route, index) of ``u``'s cheapest insertion on ``day``.

        Only the places next to ``u``'s nearest neighbours and one empty route are priced
        (granular search); a day with none of them is scanned in full.
        """
        dist, where, pos, routes = (
            self.dist,
            self.route_of[day],
            self.pos_of[day],
            self.routes[day],
        )
        best, best_r, best_k = math.inf, -1, 0
        tried: set[int] = set()
        for v in self.wide[u]:
            r = where[v]
            if r < 0:
                continue
            tried.add(r)
            route, k = routes[r], pos[v]
            extra = self.over(day, self.loads[day][r] + self.demand[u]) - self.over(
                day, self.loads[day][r]
            )
            before = route[k - 1] if k else 0
            after = route[k + 1] if k + 1 < len(route) else 0
            for slot, a, b in ((k, before, v), (k + 1, v, after)):
                delta = dist[a][u] + dist[u][b] - dist[a][b] + extra
                if delta < best and self._insert_fits(day, r, slot, u):
                    best, best_r, best_k = delta, r, slot
        for r, route in enumerate(routes):
            if not route:
                delta = dist[0][u] + dist[u][0] + self.over(day, self.demand[u])
                if delta < best and self._insert_fits(day, r, 0, u):
                    best, best_r, best_k = delta, r, 0
                break
        if best_r < 0 or not tried:
            found = self._scan_insertion(day, u, (best, best_r, best_k), check=True)
            # Nowhere within the duration limit: break it (the plan is then not kept).
            return found if found[1] >= 0 else self._scan_insertion(day, u, found, check=False)
        return best, best_r, best_k

    def _scan_insertion(
        self, day: int, u: int, best: tuple[float, int, int], *, check: bool
    ) -> tuple[float, int, int]:
        dist = self.dist
        for r, route in enumerate(self.routes[day]):
            if not route:
                if not check:
                    return dist[0][u] + dist[u][0] + self.over(day, self.demand[u]), r, 0
                continue
            load = self.loads[day][r]
            extra = self.over(day, load + self.demand[u]) - self.over(day, load)
            nodes = [0, *route, 0]
            for k in range(len(nodes) - 1):
                a, b = nodes[k], nodes[k + 1]
                delta = dist[a][u] + dist[u][b] - dist[a][b] + extra
                if delta < best[0] and (not check or self._insert_fits(day, r, k, u)):
                    best = (delta, r, k)
        return best

    def _insert_fits(self, day: int, r: int, slot: int, u: int) -> bool:
        if not self.limit[day]:
            return True
        route = self.routes[day][r]
        return self.fits(day, [*route[:slot], u, *route[slot:]])

    def insert(self, day: int, u: int, r: int, slot: int) -> None:
        """Put ``u`` at index ``slot`` of route ``r`` on ``day``."""
        self.routes[day][r].insert(slot, u)
        self.reindex(day, r)

    def remove(self, day: int, u: int) -> None:
        """Take ``u`` off its route on ``day``."""
        r = self.route_of[day][u]
        self.routes[day][r].pop(self.pos_of[day][u])
        self.route_of[day][u] = -1
        self.reindex(day, r)

    def place(self, u: int, option: int) -> None:
        """Give the unrouted ``u`` combination ``option``, cheapest place on each day."""
        self.combo[u] = option
        for day in self.combos[u][option]:
            _, r, slot = self.best_insertion(day, u)
            self.insert(day, u, r, slot)

    # --- combination moves ---

    def try_combo(self, u: int) -> set[int]:
        """Switch ``u`` to a cheaper combination if one exists; return the days changed."""
        options = self.combos[u]
        if len(options) < 2:
            return set()
        current = set(options[self.combo[u]])
        gains = {day: self.removal_gain(day, u) for day in current}
        best, best_k = -1e-9, -1
        for k, option in enumerate(options):
            if k == self.combo[u]:
                continue
            new = set(option)
            delta = -sum(gains[day] for day in current - new)
            for day in new - current:
                if delta >= best:
                    break
                delta += self.best_insertion(day, u)[0]
            if delta < best:
                best, best_k = delta, k
        if best_k < 0:
            return set()
        new = set(options[best_k])
        for day in current - new:
            self.remove(day, u)
        for day in sorted(new - current):
            _, r, slot = self.best_insertion(day, u)
            self.insert(day, u, r, slot)
        self.combo[u] = best_k
        return current ^ new

    # --- one day's local search ---

    def improve_day(self, day: int, nodes: Iterable[int], rng: np.random.Generator) -> None:
        """Apply improving moves around ``nodes`` on ``day`` until none is left.

        Moves (each to one of ``u``'s nearest neighbours ``v`` on the day): relocate ``u``
        next to ``v``, swap them, 2-opt* between their routes (both ways), 2-opt inside a
        route, and moving ``u`` to an empty route. First improvement; the customers of the
        routes a move changes are examined again.
        """
        where = self.route_of[day]
        queue = sorted({u for u in nodes if where[u] >= 0})
        while queue:
            rng.shuffle(queue)
            again: set[int] = set()
            for u in queue:
                if where[u] < 0:
                    continue
                changed = self._move(day, u)
                for r in changed:
                    again.update(self.routes[day][r])
            queue = sorted(again)

    def _move(self, day: int, u: int) -> tuple[int, ...]:
        """Apply the first improving move of ``u``; return the routes it changed."""
        where = self.route_of[day]
        for v in self.near[u]:
            if where[v] >= 0:
                changed = self._pair(day, u, v)
                if changed:
                    return changed
        return self._to_empty(day, u)

    def _pair(self, day: int, u: int, v: int) -> tuple[int, ...]:
        dist, routes = self.dist, self.routes[day]
        ru, rv = self.route_of[day][u], self.route_of[day][v]
        iu, iv = self.pos_of[day][u], self.pos_of[day][v]
        route_u, route_v = routes[ru], routes[rv]
        pu = route_u[iu - 1] if iu else 0
        su = route_u[iu + 1] if iu + 1 < len(route_u) else 0
        pv = route_v[iv - 1] if iv else 0
        sv = route_v[iv + 1] if iv + 1 < len(route_v) else 0
        dist_u = dist[u]
        gain = dist[pu][u] + dist_u[su] - dist[pu][su]
        moved, swapped = 0.0, 0.0
        if ru != rv:
            lu, lv, d_u, d_v = (
                self.loads[day][ru],
                self.loads[day][rv],
                self.demand[u],
                self.demand[v],
            )
            if (lu if lu > lv else lv) + (d_u if d_u > d_v else d_v) > self.capacity[day]:
                moved, swapped = self._load_deltas(day, ru, rv, d_u, d_v)
        changed = (ru, rv) if ru != rv else (ru,)
        # relocate u after v, then before v
        after = v != pu and dist_u[v] + dist_u[sv] - dist[v][sv] - gain + moved < 0
        if after and self._relocate(day, u, v, after=True):
            return changed
        before = pv != u and dist_u[pv] + dist_u[v] - dist[pv][v] - gain + moved < 0
        if before and self._relocate(day, u, v, after=False):
            return changed
        if su and v not in {pu, su} and self._relocate_two(day, u, v, (pu, su, sv)):
            return changed
        # swap u and v (not neighbours on one route: relocation covers those)
        if ru != rv or abs(iu - iv) > 1:
            delta = swapped + dist[pu][v] + dist[v][su] + dist_u[pv] + dist_u[sv]
            delta -= gain + dist[pu][su] + dist[pv][v] + dist[v][sv]
            if delta < 0 and self._swap(day, u, v):
                return changed
        if ru != rv:
            return self._two_opt_star(day, u, v, (su, pv, sv))
        return self._two_opt(day, u, v)

    def _load_deltas(self, day: int, ru: int, rv: int, d_u: int, d_v: int) -> tuple[float, float]:
        """Return the overload penalty change of relocating ``u`` to ``rv`` and of a swap."""
        lu, lv, cap = self.loads[day][ru], self.loads[day][rv], self.capacity[day]
        base = max(0, lu - cap) + max(0, lv - cap)
        moved = max(0, lu - d_u - cap) + max(0, lv + d_u - cap) - base
        swapped = max(0, lu - d_u + d_v - cap) + max(0, lv - d_v + d_u - cap) - base
        return self.penalty * moved, self.penalty * swapped

    def _relocate_two(self, day: int, u: int, v: int, around: tuple[int, int, int]) -> bool:
        """Move ``u`` and its successor ``x`` after ``v`` as (u, x) or (x, u), if shorter.

        ``around`` = (predecessor and successor of ``u``, successor of ``v``).
        """
        pu, x, sv = around
        dist, ru, rv = self.dist, self.route_of[day][u], self.route_of[day][v]
        route_u = self.routes[day][ru]
        k = self.pos_of[day][u] + 2
        after_x = route_u[k] if k < len(route_u) else 0
        saved: float = dist[pu][u] + dist[x][after_x] - dist[pu][after_x] + dist[v][sv]
        saved -= self._shift(day, ru, rv, self.demand[u] + self.demand[x])
        if dist[v][u] + dist[x][sv] < saved:
            return self._relocate(day, [u, x], v, after=True)
        if dist[v][x] + dist[u][sv] < saved:
            return self._relocate(day, [x, u], v, after=True)
        return False

    def _shift(self, day: int, ru: int, rv: int, amount: int) -> float:
        """Return the penalty change of moving ``amount`` of load from ``ru`` to ``rv``."""
        if ru == rv:
            return 0.0
        lu, lv, cap = self.loads[day][ru], self.loads[day][rv], self.capacity[day]
        if lu <= cap and lv + amount <= cap:
            return 0.0
        change = max(0, lu - amount - cap) + max(0, lv + amount - cap)
        return self.penalty * (change - max(0, lu - cap) - max(0, lv - cap))

    def _relocate(self, day: int, segment: list[int] | int, v: int, *, after: bool) -> bool:
        """Move ``segment`` (one customer or consecutive ones, in its new order) next to ``v``."""
        nodes = [segment] if isinstance(segment, int) else segment
        ru, rv = self.route_of[day][nodes[0]], self.route_of[day][v]
        route_u, route_v = self.routes[day][ru], self.routes[day][rv]
        new_u = [p for p in route_u if p not in nodes]
        base = new_u if ru == rv else route_v
        k = base.index(v) + (1 if after else 0)
        new_v = [*base[:k], *nodes, *base[k:]]
        if not self.fits(day, new_v):
            return False
        if ru == rv:
            self.routes[day][ru] = new_v
        else:
            self.routes[day][ru], self.routes[day][rv] = new_u, new_v
            self.reindex(day, rv)
        self.reindex(day, ru)
        return True

    def _swap(self, day: int, u: int, v: int) -> bool:
        """Exchange ``u`` and ``v`` if the routes made fit the duration limit."""
        ru, rv = self.route_of[day][u], self.route_of[day][v]
        iu, iv = self.pos_of[day][u], self.pos_of[day][v]
        routes = self.routes[day]
        new_u = list(routes[ru])
        new_v = new_u if ru == rv else list(routes[rv])
        new_u[iu], new_v[iv] = v, u
        if not self.fits(day, new_u, new_v):
            return False
        routes[ru], routes[rv] = new_u, new_v
        self.reindex(day, ru)
        if ru != rv:
            self.reindex(day, rv)
        return True

    def _two_opt_star(
        self, day: int, u: int, v: int, around: tuple[int, int, int]
    ) -> tuple[int, ...]:
        """Exchange route tails so that ``u`` is followed by ``v`` (two ways).

        ``around`` = (successor of ``u``, predecessor and successor of ``v``).
        """
        su, pv, sv = around
        dist, routes = self.dist, self.routes[day]
        ru, rv = self.route_of[day][u], self.route_of[day][v]
        iu, iv = self.pos_of[day][u], self.pos_of[day][v]
        route_u, route_v = routes[ru], routes[rv]
        lu, lv, cap = self.loads[day][ru], self.loads[day][rv], self.capacity[day]
        head_u, head_v = self.prefix[day][ru][iu], self.prefix[day][rv][iv]
        base = max(0, lu - cap) + max(0, lv - cap)
        # u's head + v's tail from v on; v's head before v + u's tail
        delta = dist[u][v] + dist[pv][su] - dist[u][su] - dist[pv][v]
        if delta < self.penalty * base:
            before_v = head_v - self.demand[v]
            extra = max(0, head_u + lv - before_v - cap) + max(0, before_v + lu - head_u - cap)
            if delta + self.penalty * (extra - base) < 0:
                new_u, new_v = route_u[: iu + 1] + route_v[iv:], route_v[:iv] + route_u[iu + 1 :]
                if self.fits(day, new_u, new_v):
                    return self._set_pair(day, ru, rv, new_u, new_v)
        # u's head + v's head reversed; u's tail reversed + v's tail
        delta = dist[u][v] + dist[su][sv] - dist[u][su] - dist[v][sv]
        if delta < self.penalty * base:
            extra = max(0, head_u + head_v - cap) + max(0, lu - head_u + lv - head_v - cap)
            if delta + self.penalty * (extra - base) < 0:
                new_u = route_u[: iu + 1] + route_v[iv::-1]
                new_v = route_u[:iu:-1] + route_v[iv + 1 :]
                if self.fits(day, new_u, new_v):
                    return self._set_pair(day, ru, rv, new_u, new_v)
        return ()

    def _set_pair(
        self, day: int, ru: int, rv: int, new_u: list[int], new_v: list[int]
    ) -> tuple[int, ...]:
        routes = self.routes[day]
        routes[ru], routes[rv] = new_u, new_v
        self.reindex(day, ru)
        self.reindex(day, rv)
        return ru, rv

    def _two_opt(self, day: int, u: int, v: int) -> tuple[int, ...]:
        """Reverse the part of a route between ``u`` and ``v`` so that they are adjacent."""
        dist = self.dist
        r = self.route_of[day][u]
        route = self.routes[day][r]
        i, j = sorted((self.pos_of[day][u], self.pos_of[day][v]))
        a, b = route[i], route[j]
        after_a, after_b = route[i + 1], route[j + 1] if j + 1 < len(route) else 0
        before_a, before_b = route[i - 1] if i else 0, route[j - 1]
        if j > i + 1 and dist[a][b] + dist[after_a][after_b] < dist[a][after_a] + dist[b][after_b]:
            new = route[: i + 1] + route[j:i:-1] + route[j + 1 :]
        elif j > i + 1 and dist[before_a][before_b] + dist[a][b] < (
            dist[before_a][a] + dist[before_b][b]
        ):
            new = route[:i] + route[j - 1 : i - 1 if i else None : -1] + route[j:]
        else:
            return ()
        if not self.fits(day, new):
            return ()
        self.routes[day][r] = new
        self.reindex(day, r)
        return (r,)

    def _to_empty(self, day: int, u: int) -> tuple[int, ...]:
        """Move ``u`` alone onto an unused vehicle if that is shorter."""
        ru = self.route_of[day][u]
        routes = self.routes[day]
        if len(routes[ru]) < 2:
            return ()
        empty = next((r for r, route in enumerate(routes) if not route), -1)
        if empty < 0:
            return ()
        dist = self.dist
        delta = dist[0][u] + dist[u][0] - self.removal_gain(day, u)
        delta += self.over(day, self.demand[u])
        if delta >= 0:
            return ()
        self.remove(day, u)
        self.insert(day, u, empty, 0)
        return ru, empty


# ----- construction and search -------------------------------------------------------------
