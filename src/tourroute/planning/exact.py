"""Exact reference solver for small instances (tests and checks, not production).

Dynamic programming over subsets, written independently of the heuristic's search:

1. for every day ``d`` and every place the day may start from, a label-setting search
   over ``(visited set, last node)`` with Pareto labels ``(time, driving, continuous
   driving)`` enumerates every *set* of stops that one day can visit and the places it can
   end at (earliest-start schedules; a label that is no better in all three is dropped,
   which is safe because arriving earlier, having driven less, never hurts);
2. the days are then chained — disjoint sets, each day starting where the previous ended
   — keeping every reachable union of visited stops, and the best union wins: most
   must-visit stops first, then the highest score.

Exponential: refuses more than :data:`MAX_EXACT_STOPS` stops.  The weekly driving limit is
not modelled and so refused where it could bind.

>>> from tourroute.planning.model import Day, Problem, Stop
>>> t = [[0, 0, 600, 600], [0, 0, 600, 600], [600, 600, 0, 300], [600, 600, 300, 0]]
>>> p = Problem(stops=(Stop("a", 10, 1800), Stop("b", 4, 1800)), days=(Day(0, 4000),),
...             travel_s=t)
>>> sol = solve_exact(p)
>>> sol.score, sol.optimal
(10.0, True)
"""

from __future__ import annotations

import math
import time

from tourroute.planning.model import EPS, PlanningError, Problem, Solution, Unplaced
from tourroute.planning.solver import day_plan

__all__ = ["MAX_EXACT_STOPS", "solve_exact"]

MAX_EXACT_STOPS = 14

Label = tuple[float, float, float, tuple[int, ...]]  # time, drive, continuous, sequence


def _earliest(
    windows: tuple[tuple[float, float], ...] | None, svc: float, t: float
) -> float | None:
    if windows is None:
        return t
    for o, c in windows:
        st = t if t > o else o
        if st + svc <= c + EPS:
            return st
    return None


def _day_sets(p: Problem, d: int, s: int, ends: list[int]) -> dict[int, dict[int, tuple[int, ...]]]:
    """For day ``d`` from node ``s``: end node -> {visited mask: one witness sequence}."""
    n = p.n_stops
    day = p.days[d]
    cap = p.daily_cap_s(d)
    lim = p.continuous_limit_s()
    tt = [[p.travel(i, j, d) for j in range(p.n_nodes)] for i in range(p.n_nodes)]
    back = [min(tt[2 + j][e] for e in ends) for j in range(n)]
    out: dict[int, dict[int, tuple[int, ...]]] = {e: {} for e in ends}
    layer: dict[tuple[int, int], list[Label]] = {(0, s): [(day.start_s, 0.0, 0.0, ())]}
    while layer:
        nxt: dict[tuple[int, int], list[Label]] = {}
        for (mask, last), labels in layer.items():
            for t, drive, cont, seq in labels:
                for e in ends:
                    leg = tt[last][e]
                    if (
                        t + leg <= day.end_s + EPS
                        and drive + leg <= cap + EPS
                        and cont + leg <= lim + EPS
                    ):
                        out[e].setdefault(mask, seq)
                for j in range(n):
                    if mask >> j & 1:
                        continue
                    stop = p.stops[j]
                    leg = tt[last][2 + j]
                    st = _earliest(stop.windows_on(d), stop.service_s, t + leg)
                    if st is None:
                        continue
                    t2 = st + stop.service_s
                    d2 = drive + leg
                    c2 = cont + leg
                    if t2 + back[j] > day.end_s + EPS or d2 + back[j] > cap + EPS or c2 > lim + EPS:
                        continue
                    if p.is_break(j):
                        c2 = 0.0
                    key = (mask | 1 << j, 2 + j)
                    bucket = nxt.setdefault(key, [])
                    if any(
                        a <= t2 + EPS and b <= d2 + EPS and c <= c2 + EPS for a, b, c, _ in bucket
                    ):
                        continue
                    bucket[:] = [
                        x
                        for x in bucket
                        if not (t2 <= x[0] + EPS and d2 <= x[1] + EPS and c2 <= x[2] + EPS)
                    ]
                    bucket.append((t2, d2, c2, (*seq, j)))
        layer = nxt
    return out


def solve_exact(problem: Problem) -> Solution:
    """An optimal plan (most must-visits, then highest score) by exhaustive DP.

    Parameters
    ----------
    problem
        An instance of at most :data:`MAX_EXACT_STOPS` stops, without multi-day visits.
        Validated here (with the product's candidate limit).

    Returns
    -------
    Solution
        An optimal plan, ``optimal=True``; must-visit stops no feasible plan can hold
        come back in ``unplaced``.

    Raises
    ------
    PlanningError
        More than :data:`MAX_EXACT_STOPS` stops, a weekly limit that could bind, or no
        feasible trip at all; also multi-day visits, no overnight place allowed for the
        vehicle, and whatever :meth:`Problem.validate
        <tourroute.planning.model.Problem.validate>` refuses.
    """
    t0 = time.perf_counter()
    p = problem
    p.validate()
    n = p.n_stops
    if n > MAX_EXACT_STOPS:
        raise PlanningError(f"the exact solver takes at most {MAX_EXACT_STOPS} stops, got {n}")
    if any(s.nights for s in p.stops):
        raise PlanningError("the exact solver does not model multi-day visits")
    rules = p.driver_rules
    if (
        rules is not None
        and rules.max_weekly_driving_s is not None
        and sum(min(p.daily_cap_s(d), 1e18) for d in range(p.n_days)) > rules.max_weekly_driving_s
        and p.n_days > 1
    ):
        raise PlanningError("the exact solver does not model a weekly limit that could bind")
    hotels = p.allowed_overnights()
    multi = bool(p.overnights) and p.n_days > 1
    if bool(p.overnights) and p.n_days > 1 and not hotels:
        raise PlanningError("no overnight place is allowed for this vehicle")
    score = [s.score for s in p.stops]
    must = sum(1 << i for i, s in enumerate(p.stops) if s.must_visit)

    def value(mask: int) -> tuple[int, float]:
        return (bin(mask & must).count("1"), sum(score[i] for i in range(n) if mask >> i & 1))

    # states: (place the next day starts from, union mask) -> back-pointer
    states: dict[tuple[int, int], tuple[tuple[int, int] | None, int, tuple[int, ...], int]]
    states = {(0, 0): (None, 0, (), 0)}
    history = []
    for d in range(p.n_days):
        last = d == p.n_days - 1
        ends = [1] if last or not multi else hotels
        starts = sorted({s for s, _ in states})
        sets = {s: _day_sets(p, d, s if multi else 0, ends) for s in starts}
        new: dict[tuple[int, int], tuple[tuple[int, int] | None, int, tuple[int, ...], int]] = {}
        for (s, union), _ in states.items():
            for e, masks in sets[s].items():
                free = ~union
                if len(masks) <= 1 << (n - bin(union).count("1")):
                    pairs = [(m, q) for m, q in masks.items() if not m & union]
                else:
                    pairs = []
                    sub = free & ((1 << n) - 1)
                    m = sub
                    while True:
                        if m in masks:
                            pairs.append((m, masks[m]))
                        if m == 0:
                            break
                        m = (m - 1) & sub
                for m, seq in pairs:
                    key = (e if multi else 0, union | m)
                    if key not in new:
                        new[key] = ((s, union), m, seq, e)
        if not new:
            raise PlanningError(f"no feasible plan: day {d + 1} cannot be completed")
        history.append(new)
        states = dict(new)
    # best final state (ties: the first in a deterministic order)
    final = max(sorted(states), key=lambda k: value(k[1]))
    plan: list[tuple[int, int, tuple[int, ...]]] = []
    at: tuple[int, int] | None = final
    for d in range(p.n_days - 1, -1, -1):
        if at is None:  # pragma: no cover - the chain always has n_days links
            raise PlanningError("exact: broken back-pointer chain")
        prev, _, seq, e = history[d][at]
        s = prev[0] if multi and prev is not None else 0
        plan.append((s, e, seq))
        at = prev
    plan.reverse()
    days = tuple(day_plan(p, d, s, e, list(seq)) for d, (s, e, seq) in enumerate(plan))
    visited = {v.stop_id for day in days for v in day.visits}
    unplaced = tuple(
        Unplaced(s.id, "no feasible plan visits it together with the other must-visit stops")
        for s in p.stops
        if s.must_visit and s.id not in visited
    )
    total = float(sum(day.score for day in days))
    if not math.isclose(total, value(final[1])[1], abs_tol=1e-6):
        raise AssertionError("exact: reconstructed score differs")  # pragma: no cover
    return Solution(
        days=days,
        score=total,
        unplaced=unplaced,
        elapsed_s=time.perf_counter() - t0,
        optimal=True,
    )
