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

from tourroute.planning._toptw import day_plan
from tourroute.planning.model import EPS, DayPlan, PlanningError, Problem, Solution, Unplaced

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
    day = _DaySearch(p, d, ends)
    out: dict[int, dict[int, tuple[int, ...]]] = {e: {} for e in ends}
    layer: dict[tuple[int, int], list[Label]] = {(0, s): [(day.start_s, 0.0, 0.0, ())]}
    while layer:  # one more visit per layer
        nxt: dict[tuple[int, int], list[Label]] = {}
        for (mask, last), labels in layer.items():
            for label in labels:
                day.close(out, mask, last, label)
                day.extend(nxt, mask, last, label)
        layer = nxt
    return out


class _DaySearch:
    """One day's label-setting search: its limits, travel times and the steps of a label."""

    def __init__(self, p: Problem, d: int, ends: list[int]) -> None:
        """Look the day's limits and travel times up once: every label step reads them."""
        n = p.n_stops
        day = p.days[d]
        self.p, self.d, self.n, self.ends = p, d, n, ends
        self.start_s, self.end_s = day.start_s, day.end_s
        self.cap = p.daily_cap_s(d)
        self.lim = p.continuous_limit_s()
        self.tt = [[p.travel(i, j, d) for j in range(p.n_nodes)] for i in range(p.n_nodes)]
        # the shortest way on to an end from each stop, to prune labels that cannot finish
        self.back = [min(self.tt[2 + j][e] for e in ends) for j in range(n)]

    def close(
        self, out: dict[int, dict[int, tuple[int, ...]]], mask: int, last: int, label: Label
    ) -> None:
        """Record the label's set at every end it can still reach in time (first witness kept)."""
        t, drive, cont, seq = label
        for e in self.ends:
            leg = self.tt[last][e]
            if (
                t + leg <= self.end_s + EPS
                and drive + leg <= self.cap + EPS
                and cont + leg <= self.lim + EPS
            ):
                out[e].setdefault(mask, seq)

    def extend(
        self, nxt: dict[tuple[int, int], list[Label]], mask: int, last: int, label: Label
    ) -> None:
        """Add the label's one-visit extensions to the next layer, keeping the Pareto front."""
        t, drive, cont, seq = label
        for j in range(self.n):
            if mask >> j & 1:
                continue
            step = self.visit(j, last, t, drive, cont)
            if step is None:
                continue
            t2, d2, c2 = step
            _add_pareto(nxt.setdefault((mask | 1 << j, 2 + j), []), t2, d2, c2, (*seq, j))

    def visit(
        self, j: int, last: int, t: float, drive: float, cont: float
    ) -> tuple[float, float, float] | None:
        """(time, driving, continuous driving) after visiting stop ``j`` next, or ``None``
        if it is closed by then or the day could no longer end in time."""
        stop = self.p.stops[j]
        leg = self.tt[last][2 + j]
        st = _earliest(stop.windows_on(self.d), stop.service_s, t + leg)
        if st is None:
            return None
        t2 = st + stop.service_s
        d2 = drive + leg
        c2 = cont + leg
        back = self.back[j]
        if t2 + back > self.end_s + EPS or d2 + back > self.cap + EPS or c2 > self.lim + EPS:
            return None
        if self.p.is_break(j):
            c2 = 0.0
        return t2, d2, c2


def _add_pareto(bucket: list[Label], t2: float, d2: float, c2: float, seq: tuple[int, ...]) -> None:
    """Add a label unless one in ``bucket`` is no worse in all three; drop those it beats."""
    if any(a <= t2 + EPS and b <= d2 + EPS and c <= c2 + EPS for a, b, c, _ in bucket):
        return
    bucket[:] = [
        x for x in bucket if not (t2 <= x[0] + EPS and d2 <= x[1] + EPS and c2 <= x[2] + EPS)
    ]
    bucket.append((t2, d2, c2, seq))


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
    _check_scope(p)
    hotels = p.allowed_overnights()
    multi = bool(p.overnights) and p.n_days > 1
    score = [s.score for s in p.stops]
    must = sum(1 << i for i, s in enumerate(p.stops) if s.must_visit)
    history = _chain_days(p, hotels, multi)
    # best final state (ties: the first in a deterministic order)
    final = max(sorted(history[-1]), key=lambda k: _value(k[1], must, score))
    plan = _back_track(history, final, multi)
    days = tuple(day_plan(p, d, s, e, list(seq)) for d, (s, e, seq) in enumerate(plan))
    unplaced = _unplaced(p, days)
    total = float(sum(day.score for day in days))
    if not math.isclose(total, _value(final[1], must, score)[1], abs_tol=1e-6):
        raise AssertionError("exact: reconstructed score differs")  # pragma: no cover
    return Solution(
        days=days,
        score=total,
        unplaced=unplaced,
        elapsed_s=time.perf_counter() - t0,
        optimal=True,
    )


def _check_scope(p: Problem) -> None:
    """Refuse what the exact solver cannot solve: invalid, too large, unmodelled, no night."""
    p.validate()
    n = p.n_stops
    if n > MAX_EXACT_STOPS:
        raise PlanningError(f"the exact solver takes at most {MAX_EXACT_STOPS} stops, got {n}")
    if any(s.nights for s in p.stops):
        raise PlanningError("the exact solver does not model multi-day visits")
    _check_weekly_limit(p)
    if bool(p.overnights) and p.n_days > 1 and not p.allowed_overnights():
        raise PlanningError("no overnight place is allowed for this vehicle")


def _check_weekly_limit(p: Problem) -> None:
    """Refuse a weekly driving limit that could bind (the DP does not model it)."""
    rules = p.driver_rules
    if (
        rules is not None
        and rules.max_weekly_driving_s is not None
        and sum(min(p.daily_cap_s(d), 1e18) for d in range(p.n_days)) > rules.max_weekly_driving_s
        and p.n_days > 1
    ):
        raise PlanningError("the exact solver does not model a weekly limit that could bind")


def _value(mask: int, must: int, score: list[float]) -> tuple[int, float]:
    """How good a union of visited stops is: its must-visit stops first, then its score."""
    return (bin(mask & must).count("1"), sum(score[i] for i in range(len(score)) if mask >> i & 1))


# a state of the chain of days: (place the next day starts from, union mask) -> back-pointer
# (the previous state, the day's mask, its sequence, the node it ends at)
_States = dict[tuple[int, int], tuple[tuple[int, int] | None, int, tuple[int, ...], int]]


def _chain_days(p: Problem, hotels: list[int], multi: bool) -> list[_States]:
    """Chain the days' stop sets: every reachable state after each day, with back-pointers."""
    n = p.n_stops
    states: _States = {(0, 0): (None, 0, (), 0)}
    history = []
    for d in range(p.n_days):
        last = d == p.n_days - 1
        ends = [1] if last or not multi else hotels
        starts = sorted({s for s, _ in states})
        sets = {s: _day_sets(p, d, s if multi else 0, ends) for s in starts}
        new = _next_states(states, sets, n, multi)
        if not new:
            raise PlanningError(f"no feasible plan: day {d + 1} cannot be completed")
        history.append(new)
        states = dict(new)
    return history


def _next_states(
    states: _States, sets: dict[int, dict[int, dict[int, tuple[int, ...]]]], n: int, multi: bool
) -> _States:
    """The states one day later: each union grown by a disjoint set the day can visit."""
    new: _States = {}
    for (s, union), _ in states.items():
        for e, masks in sets[s].items():
            for m, seq in _disjoint_sets(masks, union, n):
                key = (e if multi else 0, union | m)
                if key not in new:
                    new[key] = ((s, union), m, seq, e)
    return new


def _disjoint_sets(
    masks: dict[int, tuple[int, ...]], union: int, n: int
) -> list[tuple[int, tuple[int, ...]]]:
    """The day's stop sets disjoint from ``union``, by whichever of two scans is shorter."""
    free = ~union
    if len(masks) <= 1 << (n - bin(union).count("1")):
        return [(m, q) for m, q in masks.items() if not m & union]
    pairs = []
    sub = free & ((1 << n) - 1)
    m = sub
    while True:  # every submask of the free stops
        if m in masks:
            pairs.append((m, masks[m]))
        if m == 0:
            break
        m = (m - 1) & sub
    return pairs


def _back_track(
    history: list[_States], final: tuple[int, int], multi: bool
) -> list[tuple[int, int, tuple[int, ...]]]:
    """The plan reaching ``final``, day by day as (start node, end node, sequence)."""
    plan: list[tuple[int, int, tuple[int, ...]]] = []
    at: tuple[int, int] | None = final
    for d in range(len(history) - 1, -1, -1):
        if at is None:  # pragma: no cover - the chain always has n_days links
            raise PlanningError("exact: broken back-pointer chain")
        prev, _, seq, e = history[d][at]
        s = prev[0] if multi and prev is not None else 0
        plan.append((s, e, seq))
        at = prev
    plan.reverse()
    return plan


def _unplaced(p: Problem, days: tuple[DayPlan, ...]) -> tuple[Unplaced, ...]:
    """The must-visit stops the optimal plan leaves out, each with the reason."""
    visited = {v.stop_id for day in days for v in day.visits}
    return tuple(
        Unplaced(s.id, "no feasible plan visits it together with the other must-visit stops")
        for s in p.stops
        if s.must_visit and s.id not in visited
    )
