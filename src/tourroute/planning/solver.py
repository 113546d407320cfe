"""Iterated local search for the multi-day itinerary problem (TOPTW with hotel selection).

The search follows Vansteenwegen et al. (2009), "Iterated local search for the team
orienteering problem with time windows", with moves from Gunawan et al.'s ILS variants and
the orienteering-with-hotel-selection literature:

* **insertion** — repeatedly insert the unvisited stop with the best ratio
  ``score² / shift`` (``shift`` = the delay its insertion causes at the next node, waiting
  and visit included), checked in O(1) per gap with the wait/maxShift bookkeeping of
  :mod:`tourroute.planning._core` and vectorised over all gaps and candidates with numpy;
  must-visit stops outrank every other stop, so they go in first;
* **shake** — remove ``S`` consecutive visits from every day at a random position, or a
  group of related stops (the nearest visited ones around a random visited stop), then
  insert again; ``S`` grows while the search is idle, as in the paper;
* **replace** — after each insertion, a visit gives its slot to a better unvisited stop
  where that fits (O(1) checks, vectorised); acceptance of the result by simulated
  annealing on the score, with a return to the best plan when the search idles;
* **local search** on every new best plan: 2-opt and or-opt inside a day and swaps
  between days (each accepted when it shortens the day(s)), *replace* (an unvisited stop
  takes the place of a visited one of lower score), and overnight re-selection (each night's
  place chosen among the allowed candidates to shorten the two days it joins); then insertion
  again;
* **overnight perturbation** — now and then, a random night moves to a random allowed place
  (days repaired by dropping stops), so other hotel sequences get explored.

Determinism: all choices come from ``random.Random(seed)`` and the iteration counters; the
default stopping rule is iteration-based (``iterations``, or ``max_no_improve`` iterations
without a better plan), so a seed gives the same plan on any machine.  ``time_limit_s`` is
only a safety net: if it stops the search the plan is the best found so far and
``Solution.timed_out`` is set (and the result may then depend on machine speed).

>>> from tourroute.planning.model import Day, Problem, Stop
>>> t = [[0, 0, 600, 600], [0, 0, 600, 600], [600, 600, 0, 300], [600, 600, 300, 0]]
>>> p = Problem(
...     stops=(Stop("a", 10, 1800), Stop("b", 4, 1800)), days=(Day(0, 4000),), travel_s=t
... )
>>> sol = solve(p, seed=1)
>>> sol.score, sol.visited()
(10.0, ['a'])
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass

import numpy as np

from tourroute.planning._core import BoolArray, Compiled, Route, schedule
from tourroute.planning.model import (
    EPS,
    MAX_CANDIDATES,
    DayPlan,
    PlanningError,
    Problem,
    Solution,
    Unplaced,
    Visit,
)

__all__ = ["SolverOptions", "solve"]


@dataclass(frozen=True)
class SolverOptions:
    """Search effort.  ``iterations=None`` scales with the instance (see :func:`solve`)."""

    iterations: int | None = None
    max_no_improve: int | None = None
    time_limit_s: float = 30.0
    hotel_move_rate: float = 0.25  # share of perturbations that move a night
    reset_after: int = 40  # back to the best plan after this many idle iterations
    temperature: float = 2.0  # annealing start temperature, in mean stop scores
    cooling: float = 0.99  # per iteration; reheated at 1 % of the start
    related_rate: float = 0.5  # share of shakes that remove a related group of stops
    max_segment: int = 8  # most consecutive visits a shake removes from one day
    max_related: int = 12  # most stops a related shake removes


def solve(
    problem: Problem,
    *,
    seed: int = 0,
    iterations: int | None = None,
    time_limit_s: float = 30.0,
    max_candidates: int | None = MAX_CANDIDATES,
    options: SolverOptions | None = None,
) -> Solution:
    """Plan the trip: maximise the total score of visited stops under all constraints.

    Parameters
    ----------
    problem
        The instance.
    seed
        Seed of the search's ``random.Random``; the same seed gives the same plan.
    iterations
        ILS iterations (default :func:`default_iterations`: about the same work whatever
        the size, between 150 and 1500; the search also stops after
        ``max(150, iterations // 3)`` iterations without a better plan).
    time_limit_s
        Safety net on wall-clock time; hitting it sets ``timed_out``.
    max_candidates
        Refuse more candidate stops than this (``None``: no limit).
    options
        Further knobs (overrides ``iterations`` and ``time_limit_s`` when given).

    Returns
    -------
    Solution
        The best plan found, with a reason for every must-visit stop left out.

    Raises
    ------
    PlanningError
        Malformed input, an impossible trip (a day too short to reach tonight's place), a
        must-visit stop that cannot be visited on any day even alone.
    """
    t0 = time.perf_counter()
    opts = options or SolverOptions(iterations=iterations, time_limit_s=time_limit_s)
    problem.validate(max_candidates)
    c = Compiled(problem)
    chains = _check_trip(c)
    _check_must_alone(c, chains)
    _check_reachable(c, chains)
    rng = random.Random(seed)  # noqa: S311 (a reproducible search, not cryptography)
    search = _Search(c, rng, t0 + opts.time_limit_s, opts)
    search.run(chains)
    return _to_solution(c, search, seed, time.perf_counter() - t0)


# -- feasibility of the trip itself --------------------------------------------------------
def _ends(c: Compiled, d: int) -> tuple[list[int], list[int]]:
    """Possible start and end nodes of day ``d``."""
    last = c.n_days - 1
    if not c.overnights or c.n_days == 1:
        return [0], [1]
    starts = [0] if d == 0 else c.overnights
    ends = [1] if d == last else c.overnights
    return starts, ends


def _check_trip(c: Compiled) -> list[list[int]]:
    """Raise if no sequence of (empty) days is possible; return the possible starts per day."""
    p = c.problem
    if p.overnights and not c.overnights and c.n_days > 1:
        raise PlanningError(
            "no overnight place is suitable for a caravan (caravan_ok), "
            "and a multi-day caravan trip needs one each night"
        )
    reach: list[list[int]] = []
    prev_ends = [0]
    for d in range(c.n_days):
        starts, ends = _ends(c, d)
        if c.overnights and d:
            starts = [s for s in starts if s in prev_ends]
        reach.append(starts)
        ok = sorted({e for s in starts for e in ends if schedule(c, d, s, e, []) is not None})
        if not ok:
            s, e = starts[0], ends[0]
            drive = c.TL[d][s][e]
            span = c.day_end[d] - c.day_start[d]
            what = p.node_id(e) if len(ends) == 1 else "any allowed overnight place"
            raise PlanningError(
                f"day {d + 1} is impossible: its window ({_h(span)}) or driving limits do "
                f"not allow even the direct drive from {p.node_id(s)} to {what} "
                f"({_h(drive)} to {p.node_id(e)})"
            )
        prev_ends = ok
    return reach


def _check_reachable(c: Compiled, reach: list[list[int]]) -> None:
    """Raise if no candidate can be reached on any day (the windows are too short)."""
    p = c.problem
    if c.n and not any(
        c.day_start[d] + c.TL[d][s][i + 2] <= c.day_end[d] + EPS
        for d in range(c.n_days)
        for i in range(c.n)
        for s in reach[d]
    ):
        nearest = min(c.TL[0][0][i + 2] for i in range(c.n))
        raise PlanningError(
            f"no candidate stop can be reached on any day: the day windows are shorter than "
            f"the drive to the nearest stop ({_h(nearest)} from {p.start_id} on day 1)"
        )


def _h(seconds: float) -> str:
    m = round(seconds / 60)
    return f"{m // 60} h {m % 60:02d} min"


def _check_must_alone(c: Compiled, reach: list[list[int]]) -> None:
    """Each must-visit stop must fit some day on its own; say which and why if not."""
    p = c.problem
    for i in range(c.n):
        if not c.must_l[i]:
            continue
        why: list[str] = []
        for d in range(c.n_days):
            starts, ends = reach[d], _ends(c, d)[1]
            if any(schedule(c, d, s, e, [i]) is not None for s in starts for e in ends):
                break
            why.append(f"day {d + 1}: {_why_not(c, d, i, starts, ends)}")
        else:
            raise PlanningError(
                f"must-visit stop {p.stops[i].id!r} cannot be visited on any day, even alone: "
                + "; ".join(why)
            )


def _why_not(c: Compiled, d: int, i: int, starts: list[int], ends: list[int]) -> str:
    """Why stop ``i`` cannot be visited on day ``d`` even alone (best diagnosis)."""
    ws = c.win[d][i]
    raw = c.problem.stops[i].windows_on(d)
    if raw is not None and not raw:
        return "closed"
    if ws is not None and not ws:
        return "the visit is longer than every opening window"
    tl = c.TL[d]
    best_arr = min(c.day_start[d] + tl[s][i + 2] for s in starts)
    if c.earliest_start(d, i, best_arr) is None:
        return "it closes before it can be reached"
    drive = min(tl[s][i + 2] + tl[i + 2][e] for s in starts for e in ends)
    if drive > c.cap[d] + EPS:
        return f"the drive there and on ({_h(drive)}) exceeds the day's driving cap"
    legs = min(max(tl[s][i + 2], tl[i + 2][e]) for s in starts for e in ends)
    if legs > c.cont + EPS or (not c.brk_l[i] and drive > c.cont + EPS):
        return "it needs more continuous driving than the driver may do without a break"
    return "the visit does not fit in the day's window with the drive there and on"


# -- the search ---------------------------------------------------------------------------
class _Search:
    def __init__(self, c: Compiled, rng: random.Random, deadline: float, opts: SolverOptions):
        self.c = c
        self.rng = rng
        self.deadline = deadline
        self.opts = opts
        self.iterations = 0
        self.timed_out = False
        n = c.n
        useful = (c.score > 0) | c.must
        self.cands = [np.flatnonzero(c.open_day[d] & useful) for d in range(c.n_days)]
        self.routes: list[Route] = []
        self.routed: BoolArray = np.zeros(n, bool)
        self.ratio = np.full((c.n_days, n), -math.inf)
        self.gap = np.zeros((c.n_days, n), np.int64)
        self.must_first = True  # must-visits outrank all in insertion (off now and then)
        self.best: tuple[list[Route], BoolArray] | None = None
        self.best_key: tuple[int, float, float] = (-1, -math.inf, 0.0)

    # -- bookkeeping ---------------------------------------------------------------------
    def key(self) -> tuple[int, float, float]:
        c = self.c
        r = self.routed
        return (
            int((r & c.must).sum()),
            round(float(c.score[r].sum()), 9),
            -round(sum(x.drive for x in self.routes), 6),
        )

    def save_if_better(self) -> bool:
        k = self.key()
        if k > self.best_key:
            self.best_key = k
            self.best = (list(self.routes), self.routed.copy())
            return True
        return False

    def restore(self) -> None:
        if self.best is None:  # pragma: no cover - run() saves a plan first
            return
        self.routes = list(self.best[0])
        self.routed = self.best[1].copy()
        self.refresh()

    def out_of_time(self) -> bool:
        if time.perf_counter() > self.deadline:
            self.timed_out = True
        return self.timed_out

    def cap_left(self, r: int) -> float:
        c = self.c
        left = c.cap[r] - self.routes[r].drive
        if c.weekly < math.inf:
            drives = [x.drive for x in self.routes]
            for w0 in range(max(0, r - 6), min(r, max(0, len(drives) - 7)) + 1):
                left = min(left, c.weekly - sum(drives[w0 : w0 + 7]))
        return left

    def refresh_row(self, r: int) -> None:
        cand = self.cands[r]
        cand = cand[~self.routed[cand]]
        self.ratio[r, :] = -math.inf
        if len(cand):
            ratio, gap, _ = self.routes[r].insertions(
                self.c, cand, self.cap_left(r), self.must_first
            )
            self.ratio[r, cand] = ratio
            self.gap[r, cand] = gap

    def refresh(self) -> None:
        for r in range(len(self.routes)):
            self.refresh_row(r)

    def set_route(self, r: int, route: Route) -> None:
        old = self.routes[r]
        self.routed[old.seq] = False
        self.routed[route.seq] = True
        self.routes[r] = route

    # -- insertion -----------------------------------------------------------------------
    def fill(self) -> None:
        """Greedy insertion by best ratio until nothing fits."""
        c = self.c
        n = c.n
        ratio = self.ratio
        while True:
            flat = int(ratio.argmax())
            r, j = divmod(flat, n)
            if ratio[r, j] == -math.inf:
                return
            old = self.routes[r]
            g = int(self.gap[r, j])
            new = schedule(c, r, old.s, old.e, [*old.seq[:g], j, *old.seq[g:]])
            if new is None or new.drive - old.drive > self.cap_left(r) + EPS:
                ratio[r, j] = -math.inf  # stale (weekly limit) or a multi-window edge case
                continue
            self.routes[r] = new
            self.routed[j] = True
            ratio[:, j] = -math.inf
            self.refresh_row(r)

    # -- repair / removal ----------------------------------------------------------------
    def build(self, d: int, s: int, e: int, seq: list[int]) -> Route | None:
        """Schedule ``seq``; if infeasible drop ordinary stops (least score first) to fit."""
        c = self.c
        route = schedule(c, d, s, e, seq)
        seq = list(seq)
        while route is None:
            drop = [k for k, i in enumerate(seq) if not c.must_l[i]]
            if not drop:
                return None
            best: tuple[float, int, Route] | None = None
            for k in drop:
                cand = schedule(c, d, s, e, seq[:k] + seq[k + 1 :])
                if cand is not None and (best is None or c.score_l[seq[k]] < best[0]):
                    best = (c.score_l[seq[k]], k, cand)
            if best is not None:
                return best[2]
            k = min(drop, key=lambda k: c.score_l[seq[k]])
            del seq[k]
            route = schedule(c, d, s, e, seq)
        return route

    # -- local search --------------------------------------------------------------------
    def improve_route(self, r: int) -> bool:
        """2-opt and or-opt inside day ``r`` while the day gets shorter."""
        c = self.c
        route = self.routes[r]
        improved = False
        better = True
        while better and not self.out_of_time():
            better = False
            seq = route.seq
            k = len(seq)
            cur = (route.arr_end, route.drive)
            moves: list[list[int]] = []
            for a in range(k - 1):
                for b in range(a + 1, min(k, a + _SPAN)):
                    moves.append(seq[:a] + seq[a : b + 1][::-1] + seq[b + 1 :])
            for ln in (1, 2, 3):
                for a in range(k - ln + 1):
                    seg = seq[a : a + ln]
                    rest = seq[:a] + seq[a + ln :]
                    for b in range(max(0, a - _SPAN), min(len(rest), a + _SPAN) + 1):
                        if b != a:
                            moves.append(rest[:b] + seg + rest[b:])
            for m in moves:
                new = schedule(c, r, route.s, route.e, m)
                if new is not None and (new.arr_end, new.drive) < (
                    cur[0] - EPS,
                    cur[1] + EPS,
                ):
                    route, better, improved = new, True, True
                    break
        if improved:
            self.routes[r] = route
        return improved

    def swap_days(self) -> bool:
        """Exchange two stops between two days when it shortens the pair of days."""
        c = self.c
        improved = False
        for r1 in range(len(self.routes)):
            for r2 in range(r1 + 1, len(self.routes)):
                a, b = self.routes[r1], self.routes[r2]
                base = a.total_time(c) + b.total_time(c)
                done = False
                for p1, i in enumerate(a.seq):
                    if not c.open_day[r2][i]:
                        continue
                    for p2, j in enumerate(b.seq):
                        if not c.open_day[r1][j]:
                            continue
                        na = schedule(c, r1, a.s, a.e, [*a.seq[:p1], j, *a.seq[p1 + 1 :]])
                        if na is None:
                            continue
                        nb = schedule(c, r2, b.s, b.e, [*b.seq[:p2], i, *b.seq[p2 + 1 :]])
                        if nb is None:
                            continue
                        if na.total_time(c) + nb.total_time(c) < base - EPS and self._weekly_ok(
                            {r1: na, r2: nb}
                        ):
                            self.routes[r1], self.routes[r2] = na, nb
                            improved = done = True
                            break
                    if done:
                        break
        return improved

    def _weekly_ok(self, changed: dict[int, Route]) -> bool:
        c = self.c
        if c.weekly == math.inf:
            return True
        drives = [changed.get(r, x).drive for r, x in enumerate(self.routes)]
        return all(
            sum(drives[w0 : w0 + 7]) <= c.weekly + EPS for w0 in range(max(1, len(drives) - 6))
        )

    def replace(self) -> bool:
        """An unvisited stop of higher score takes the place of a visited one."""
        c = self.c
        improved = False
        for r in range(len(self.routes)):
            route = self.routes[r]
            best: tuple[float, Route, int] | None = None
            for q, i in enumerate(route.seq):
                if c.must_l[i]:
                    continue
                without = schedule(c, r, route.s, route.e, route.seq[:q] + route.seq[q + 1 :])
                if without is None:
                    continue
                cand = self.cands[r]
                cand = cand[~self.routed[cand] & (c.score[cand] > c.score_l[i] + EPS)]
                if not len(cand):
                    continue
                left = self.cap_left(r) + route.drive - without.drive
                ratio, gap, _ = without.insertions(c, cand, left)
                ok = ratio > -math.inf
                if not ok.any():
                    continue
                gains = np.where(ok, c.score[cand] - c.score_l[i], -math.inf)
                w = int(gains.argmax())
                j, g = int(cand[w]), int(gap[w])
                if best is None or gains[w] > best[0]:
                    seq = [*without.seq[:g], j, *without.seq[g:]]
                    new = schedule(c, r, route.s, route.e, seq)
                    if new is not None and new.drive - route.drive <= self.cap_left(r) + EPS:
                        best = (float(gains[w]), new, i)
            if best is not None:
                self.set_route(r, best[1])
                improved = True
        return improved

    def replace_fast(self) -> bool:
        """Same-slot replacements of visits by better unvisited stops, then insertion."""
        c = self.c
        improved = False
        for r in range(len(self.routes)):
            for _ in range(50):
                route = self.routes[r]
                cand = self.cands[r]
                cand = cand[~self.routed[cand]]
                if not len(cand) or not route.seq:
                    break
                gain, q = route.replacements(c, cand, self.cap_left(r))
                w = int(gain.argmax())
                if not gain[w] > EPS:
                    break
                j, pos = int(cand[w]), int(q[w])
                new = schedule(c, r, route.s, route.e, [*route.seq[:pos], j, *route.seq[pos + 1 :]])
                if new is None:
                    break
                self.set_route(r, new)
                improved = True
        if improved:
            self.refresh()
            self.fill()
        return improved

    def improve_hotels(self) -> bool:
        """Re-select each night's place to shorten the two days it joins."""
        c = self.c
        if not c.overnights or c.n_days == 1:
            return False
        improved = False
        for k in range(c.n_days - 1):
            a, b = self.routes[k], self.routes[k + 1]
            base = (a.arr_end - c.day_start[k] + b.arr_end - c.day_start[k + 1], a.drive + b.drive)
            choice: tuple[tuple[float, float], Route, Route] | None = None
            for h in c.overnights:
                if h == a.e:
                    continue
                na = schedule(c, k, a.s, h, a.seq)
                if na is None:
                    continue
                nb = schedule(c, k + 1, h, b.e, b.seq)
                if nb is None:
                    continue
                val = (
                    na.arr_end - c.day_start[k] + nb.arr_end - c.day_start[k + 1],
                    na.drive + nb.drive,
                )
                if val < (choice[0] if choice else base) and self._weekly_ok({k: na, k + 1: nb}):
                    choice = (val, na, nb)
            if choice is not None and choice[0][0] < base[0] - EPS:
                self.routes[k], self.routes[k + 1] = choice[1], choice[2]
                improved = True
        return improved

    def hotel_move(self) -> bool:
        """Perturbation: move a random night to a random allowed place, repairing the days."""
        c = self.c
        k = self.rng.randrange(c.n_days - 1)
        h = self.rng.choice(c.overnights)
        a, b = self.routes[k], self.routes[k + 1]
        if h == a.e:
            return False
        na = self.build(k, a.s, h, a.seq)
        nb = self.build(k + 1, h, b.e, b.seq) if na is not None else None
        if na is None or nb is None:
            return False
        self.set_route(k, na)
        self.set_route(k + 1, nb)
        return True

    def intensify(self, light: bool = False) -> None:
        """Local search to a local optimum; ``light`` skips the O(n²) moves on long days."""
        for _ in range(20):
            if self.out_of_time():
                return
            changed = False
            long_day = _LIGHT_LEN if light else 2 * _LIGHT_LEN
            for r in range(len(self.routes)):
                if len(self.routes[r].seq) <= long_day:
                    changed |= self.improve_route(r)
            if sum(len(r.seq) for r in self.routes) <= 3 * long_day:
                changed |= self.swap_days()
            changed |= self.improve_hotels()
            changed |= self.replace()
            self.refresh()
            self.fill()
            changed |= self.replace_fast()
            if not changed:
                return

    # -- construction --------------------------------------------------------------------
    def start_from(self, chain: list[int]) -> None:
        c = self.c
        self.routed[:] = False
        self.routes = []
        base_camp = not c.overnights or c.n_days == 1
        for d in range(c.n_days):
            s, e = (0, 1) if base_camp else (chain[d], chain[d + 1])
            route = schedule(c, d, s, e, [])
            if route is None:  # pragma: no cover - _check_trip proved the chain feasible
                raise PlanningError(f"internal: day {d + 1} infeasible when empty")
            self.routes.append(route)
        self.refresh()
        self.fill()

    def snapshot(self) -> tuple[list[Route], BoolArray]:
        return list(self.routes), self.routed.copy()

    def shake_random(self, size: int) -> list[int]:
        """Remove up to ``size`` consecutive visits at a random place of each day."""
        removed: list[int] = []
        for r, route in enumerate(self.routes):
            seq = route.seq
            k = len(seq)
            if not k:
                continue
            pos = self.rng.randrange(k)
            gone = {(pos + t) % k for t in range(min(size, k))}
            keep = [i for q, i in enumerate(seq) if q not in gone]
            if len(keep) == k:
                continue
            new = self.build(r, route.s, route.e, keep)
            if new is not None:
                removed.extend(i for i in seq if i not in new.seq)
                self.set_route(r, new)
        return removed

    def shake_related(self, size: int) -> list[int]:
        """Remove a random visited stop and the ``size - 1`` visited stops nearest to it."""
        c = self.c
        visited = [i for r in self.routes for i in r.seq]
        if not visited:
            return []
        v = self.rng.choice(visited)
        t = c.TL[0][v + 2]
        gone = set(sorted(visited, key=lambda i: (t[i + 2], i))[: max(1, size)])
        removed: list[int] = []
        for r, route in enumerate(self.routes):
            keep = [i for i in route.seq if i not in gone]
            if len(keep) == len(route.seq):
                continue
            new = self.build(r, route.s, route.e, keep)
            if new is not None:
                removed.extend(i for i in route.seq if i not in new.seq)
                self.set_route(r, new)
        return removed

    def run(self, reach: list[list[int]]) -> None:
        c = self.c
        opts = self.opts
        n_iter = opts.iterations if opts.iterations is not None else default_iterations(c)
        max_no = opts.max_no_improve or max(150, n_iter // 3)
        for chain in _initial_chains(c, reach):
            self.start_from(chain)
            self.intensify()
            self.save_if_better()
        self.restore()
        hotels = bool(c.overnights) and c.n_days > 1
        musts = bool(c.must.any())
        cur = self.snapshot()
        cur_key = self.key()
        mean = float(c.score[c.score > 0].mean()) if (c.score > 0).any() else 1.0
        t0 = mean * opts.temperature
        temp = t0
        size, no_imp = 1, 0
        while self.iterations < n_iter and no_imp < max_no and not self.out_of_time():
            self.iterations += 1
            if hotels and self.rng.random() < opts.hotel_move_rate:
                self.hotel_move()
            elif self.rng.random() < opts.related_rate:
                self.shake_related(min(size * len(self.routes), opts.max_related))
            else:
                self.shake_random(size)
            # now and then must-visits compete by ratio, so their place in the day can move;
            # a plan that loses one is never accepted (the key counts them first)
            self.must_first = not (musts and self.rng.random() < 0.5)
            self.refresh()
            self.fill()
            if not self.must_first:
                self.must_first = True
                self.refresh()
                self.fill()
            self.replace_fast()
            key = self.key()
            if key[:2] > self.best_key[:2]:
                self.intensify(light=True)
                key = self.key()
            if self.save_if_better():
                size, no_imp = 1, 0
            else:
                no_imp += 1
                size += 1
                longest = max(len(r.seq) for r in self.routes)
                if size > max(1, min(opts.max_segment, longest // _SIZE_DIV)):
                    size = 1
            if key >= cur_key or (
                key[0] >= cur_key[0]
                and temp > 0
                and self.rng.random() < math.exp((key[1] - cur_key[1]) / temp)
            ):
                cur, cur_key = self.snapshot(), key
            else:
                self.routes, self.routed = list(cur[0]), cur[1].copy()
            temp *= opts.cooling
            if temp < t0 * 0.01:
                temp = t0
            if no_imp and no_imp % opts.reset_after == 0:
                self.restore()
                cur, cur_key = self.snapshot(), self.key()
        self.restore()
        self.intensify()
        self.save_if_better()
        self.restore()


# Internal knobs (tuned on the published TOPTW instances, see benchmarks/planning.py).
_LIGHT_LEN = 12  # during the search, O(n²) intra-day moves only on days this short
_SPAN = 6  # 2-opt segments and or-opt moves span at most this many positions
_SIZE_DIV = 2  # a shake removes at most half of the longest day
_WORK = 7e5  # default budget: iterations ≈ _WORK / (days × (stops + 150))
_MAX_ITERATIONS = 1500


def default_iterations(c: Compiled) -> int:
    """The default ILS iteration budget: about the same work for every instance size."""
    return min(_MAX_ITERATIONS, max(150, int(_WORK / (c.n_days * (c.n + 150)))))


def _initial_chains(c: Compiled, reach: list[list[int]]) -> list[list[int]]:
    """Overnight sequences to start from: the least driving one and the richest one."""
    nd = c.n_days
    if not c.overnights or nd == 1:
        return [[0] * nd + [1]]
    ok: dict[tuple[int, int, int], bool] = {}

    def feasible(d: int, s: int, e: int) -> bool:
        if (d, s, e) not in ok:
            ok[d, s, e] = schedule(c, d, s, e, []) is not None
        return ok[d, s, e]

    chains = []
    for weight in (_drive_weight, _potential_weight):
        # best[d][node] = (value, previous node) for day d ending at node
        best: list[dict[int, tuple[float, int]]] = [{0: (0.0, -1)}]
        for d in range(nd):
            _, ends = _ends(c, d)
            nxt: dict[int, tuple[float, int]] = {}
            w = weight(c, d, list(best[d]), ends)
            for s, (v, _) in best[d].items():
                for e in ends:
                    if s in reach[d] and feasible(d, s, e):
                        val = v + w[s, e]
                        if e not in nxt or val > nxt[e][0]:
                            nxt[e] = (val, s)
            best.append(nxt)
        chain = [1]
        for d in range(nd, 0, -1):
            chain.append(best[d][chain[-1]][1])
        chain.reverse()
        if chain not in chains:
            chains.append(chain)
    return chains


def _drive_weight(
    c: Compiled, d: int, starts: list[int], ends: list[int]
) -> dict[tuple[int, int], float]:
    return {(s, e): -c.TL[d][s][e] for s in starts for e in ends}


def _potential_weight(
    c: Compiled, d: int, starts: list[int], ends: list[int]
) -> dict[tuple[int, int], float]:
    """Score of the stops that a day from ``s`` to ``e`` could visit alone."""
    cand = np.flatnonzero(c.open_day[d] & (c.score > 0))
    out: dict[tuple[int, int], float] = {}
    if not len(cand):
        return {(s, e): 0.0 for s in starts for e in ends}
    t = c.T[d]
    arrive = c.day_start[d] + t[np.array(starts)[:, None], cand + 2]  # S × C
    wo, wl = c.w_open[d], c.w_late[d]
    st = np.full_like(arrive, math.inf)
    for q in range(wo.shape[0]):
        sq = np.maximum(arrive, wo[q, cand])
        st = np.where((sq <= wl[q, cand] + EPS) & (st == math.inf), sq, st)
    dep = st + c.svc[cand]
    back = t[(cand + 2)[:, None], np.array(ends)]  # C × E
    fits = dep[:, :, None] + back[None, :, :] <= c.day_end[d] + EPS  # S × C × E
    pot = np.einsum("sce,c->se", fits, c.score[cand])
    for a, s in enumerate(starts):
        for b, e in enumerate(ends):
            out[s, e] = float(pot[a, b])
    return out


# -- output ---------------------------------------------------------------------------------
def _to_solution(c: Compiled, search: _Search, seed: int, elapsed: float) -> Solution:
    p = c.problem
    days: list[DayPlan] = []
    for d, r in enumerate(search.routes):
        days.append(day_plan(p, d, r.s, r.e, r.seq))
    placed = set(search.routed.nonzero()[0].tolist())
    unplaced = tuple(
        Unplaced(p.stops[i].id, _unplaced_reason(c, search.routes, i))
        for i in range(c.n)
        if c.must_l[i] and i not in placed
    )
    return Solution(
        days=tuple(days),
        score=float(sum(d.score for d in days)),
        unplaced=unplaced,
        iterations=search.iterations,
        elapsed_s=elapsed,
        timed_out=search.timed_out,
        optimal=None,
        seed=seed,
    )


def day_plan(p: Problem, d: int, s: int, e: int, seq: list[int]) -> DayPlan:
    """The timed :class:`DayPlan` of day ``d`` along ``s → seq → e`` (earliest starts)."""
    t = p.days[d].start_s
    prev = s
    visits: list[Visit] = []
    drive = 0.0
    dist: float | None = 0.0
    cont = 0.0
    max_cont = 0.0
    for i in seq:
        stop = p.stops[i]
        node = p.node_of_stop(i)
        leg = p.travel(prev, node, d)
        leg_m = p.distance(prev, node, d)
        arrive = t + leg
        start = _earliest(stop.windows_on(d), stop.service_s, arrive)
        if start is None:
            raise PlanningError(f"internal: stop {stop.id!r} infeasible on day {d + 1}")
        drive += leg
        cont += leg
        max_cont = max(max_cont, cont)
        if p.is_break(i):
            cont = 0.0
        dist = None if dist is None or leg_m is None else dist + leg_m
        t = start + stop.service_s
        visits.append(
            Visit(stop.id, arrive, start - arrive, start, t, float(stop.score), leg, leg_m)
        )
        prev = node
    leg = p.travel(prev, e, d)
    leg_m = p.distance(prev, e, d)
    drive += leg
    max_cont = max(max_cont, cont + leg)
    dist = None if dist is None or leg_m is None else dist + leg_m
    last = d == p.n_days - 1
    return DayPlan(
        day=d,
        start_id=p.node_id(s),
        end_id=p.node_id(e),
        departure_s=p.days[d].start_s,
        arrival_s=t + leg,
        visits=tuple(visits),
        last_leg_drive_s=leg,
        last_leg_distance_m=leg_m,
        driving_s=drive,
        distance_m=dist,
        score=float(sum(v.score for v in visits)),
        max_continuous_driving_s=max_cont,
        overnight=None if last else p.node_id(e),
    )


def _earliest(
    windows: tuple[tuple[float, float], ...] | None, service: float, arrive: float
) -> float | None:
    if windows is None:
        return arrive
    for o, cl in windows:
        st = max(arrive, o)
        if st + service <= cl + EPS:
            return st
    return None


def _unplaced_reason(c: Compiled, routes: list[Route], i: int) -> str:
    """Why must-visit stop ``i`` is not in the plan (it fits some day alone)."""
    p = c.problem
    others = [p.stops[j].id for r in routes for j in r.seq if c.must_l[j]]
    per_day = []
    for d, r in enumerate(routes):
        if not c.open_day[d][i]:
            per_day.append(f"day {d + 1}: closed")
            continue
        musts = [j for j in r.seq if c.must_l[j]]
        fits = any(
            schedule(c, d, r.s, r.e, [*musts[:g], i, *musts[g:]]) is not None
            for g in range(len(musts) + 1)
        )
        if not fits:
            per_day.append(f"day {d + 1}: no room beside the must-visit stops placed that day")
        else:
            per_day.append(f"day {d + 1}: no feasible position found")
    return (
        "cannot be scheduled together with the other must-visit stops "
        f"({', '.join(others) or 'none placed'}) within the days' windows and driving limits "
        f"({'; '.join(per_day)})"
    )
