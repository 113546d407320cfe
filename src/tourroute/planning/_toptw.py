"""The solve proper of a trip without multi-day visits (private): checks, search, timed days.

:func:`tourroute.planning.solver.solve` validates the instance and calls :func:`solve_trip`
here, or :func:`tourroute.planning.multiday.solve_multiday` when some stop takes several
days; that one splits the trip into segments and solves each with :func:`solve_trip` (it
also uses :func:`check_trip` and :func:`must_misfits` to cut the segments).  Living apart
from both, this module lets them share it without importing each other.
"""

from __future__ import annotations

import time

from tourroute.i18n import Joined, Message
from tourroute.i18n import messages as msgs
from tourroute.planning._core import Compiled, Route, empty_days, schedule
from tourroute.planning._search import Search, SolverOptions, ends_of
from tourroute.planning.model import (
    EPS,
    DayPlan,
    PlanningError,
    Problem,
    Solution,
    Unplaced,
    Visit,
)

__all__ = ["check_trip", "day_plan", "must_misfits", "solve_trip"]


def solve_trip(problem: Problem, *, seed: int, options: SolverOptions, started: float) -> Solution:
    """Plan a validated trip without multi-day visits (the search proper, after the checks).

    Refuses an impossible trip with a message (a day too short for its mandatory drive, a
    must-visit stop that fits no day even alone, no stop reachable), runs the search and
    turns its days into a :class:`~tourroute.planning.model.Solution`.

    Parameters
    ----------
    problem
        The instance, already validated, no stop with ``nights > 0``.
    seed
        Seed of the search's ``random.Random``.
    options
        The search effort and its safety net on time.
    started
        ``time.perf_counter()`` when the caller started: the time limit and ``elapsed_s``
        count from then.

    Returns
    -------
    Solution
        The best plan found, with a reason for every must-visit stop left out.

    Raises
    ------
    PlanningError
        An impossible trip, a must-visit stop that cannot be visited on any day even alone.
    """
    c = Compiled(problem)
    chains = check_trip(c)
    if c.n == 0:
        return _without_stops(c, chains, seed, time.perf_counter() - started)
    _check_must_alone(c, chains)
    _check_reachable(c, chains)
    search = Search(c, seed, started + options.time_limit_s, options)
    search.run(chains)
    return _to_solution(c, search, seed, time.perf_counter() - started)


# -- feasibility of the trip itself --------------------------------------------------------
def check_trip(c: Compiled) -> list[list[int]]:
    """Raise if no sequence of (empty) days is possible; return the possible starts per day.

    Each day is tried without any visit: from every place it may start from to every place
    it may end at, within the day's window and driving limits.  A day may only start where
    the previous day could end.

    Parameters
    ----------
    c
        The compiled problem (:class:`~tourroute.planning._core.Compiled`).

    Returns
    -------
    list of list of int
        Per day, the travel nodes it may start from: the start (node 0) on the first day
        and in a trip without overnight places, else the overnight places the previous day
        can reach.

    Raises
    ------
    PlanningError
        A multi-day motorhome trip with overnight candidates none of which takes a
        motorhome, or a day whose window or driving limits do not allow even the direct
        drive (the message names the day, its window and the drive).
    """
    p = c.problem
    if p.overnights and not c.overnights and c.n_days > 1:
        raise PlanningError(msgs.PLAN_NO_MOTORHOME_NIGHT())
    reach: list[list[int]] = []
    prev_ends = [0]
    for d in range(c.n_days):
        starts, ends = ends_of(c, d)
        if c.overnights and d:
            starts = [s for s in starts if s in prev_ends]
        reach.append(starts)
        empty = empty_days(c, d)
        ok = sorted({e for s in starts for e in ends if empty[s, e]})
        if not ok:
            s, e = starts[0], ends[0]
            drive = c.TL[d][s][e]
            span = c.day_end[d] - c.day_start[d]
            what = p.node_id(e) if len(ends) == 1 else msgs.PLAN_ANY_OVERNIGHT
            raise PlanningError(
                msgs.PLAN_DAY_IMPOSSIBLE(
                    day=d + 1,
                    span=_h(span),
                    start=p.node_id(s),
                    end=what,
                    drive=_h(drive),
                    target=p.node_id(e),
                )
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
        raise PlanningError(msgs.PLAN_NOTHING_REACHABLE(drive=_h(nearest), start=p.start_id))


def _h(seconds: float) -> Message:
    """A duration as ``"2 h 05 min"`` (``"2 giờ 05 phút"``)."""
    minutes = round(seconds / 60)
    return msgs.HOURS_MINUTES(h=minutes // 60, m=minutes % 60)


def _check_must_alone(c: Compiled, reach: list[list[int]]) -> None:
    """Each must-visit stop must fit some day on its own; say which and why if not."""
    for i, why in must_misfits(c, reach)[:1]:
        raise PlanningError(
            msgs.PLAN_MUST_VISIT_MISFIT(stop=c.problem.stops[i].id, why=Joined(why, "; "))
        )


def must_misfits(
    c: Compiled, reach: list[list[int]], first_day: int = 0
) -> list[tuple[int, list[Message]]]:
    """The must-visit stops that fit no day even alone, each with the reason per day (days
    numbered from ``first_day + 1``: a part of a longer trip says which days it means).

    Parameters
    ----------
    c
        The compiled problem.
    reach
        The possible starts per day, from :func:`check_trip`.
    first_day
        The index in the whole trip of ``c``'s first day (segments of a trip with
        multi-day visits); only the messages use it.

    Returns
    -------
    list of (int, list of Message)
        Each misfit's index into the problem's stops, with one ``"day k: why"`` per day
        (closed, too short a window, over the driving cap, too much continuous driving…);
        empty when every must-visit stop fits some day on its own.
    """
    out: list[tuple[int, list[Message]]] = []
    for i in range(c.n):
        if not c.must_l[i]:
            continue
        why: list[Message] = []
        for d in range(c.n_days):
            starts, ends = reach[d], ends_of(c, d)[1]
            if any(schedule(c, d, s, e, [i]) is not None for s in starts for e in ends):
                break
            why.append(
                msgs.PLAN_WHY_DAY(day=first_day + d + 1, why=_why_not(c, d, i, starts, ends))
            )
        else:
            out.append((i, why))
    return out


def _why_not(c: Compiled, d: int, i: int, starts: list[int], ends: list[int]) -> Message:
    """Why stop ``i`` cannot be visited on day ``d`` even alone (best diagnosis)."""
    ws = c.win[d][i]
    raw = c.problem.stops[i].windows_on(d)
    if raw is not None and not raw:
        return msgs.PLAN_WHY_CLOSED()
    if ws is not None and not ws:
        return msgs.PLAN_WHY_VISIT_TOO_LONG()
    tl = c.TL[d]
    best_arr = min(c.day_start[d] + tl[s][i + 2] for s in starts)
    if c.earliest_start(d, i, best_arr) is None:
        return msgs.PLAN_WHY_CLOSES_EARLY()
    drive = min(tl[s][i + 2] + tl[i + 2][e] for s in starts for e in ends)
    if drive > c.cap[d] + EPS:
        return msgs.PLAN_WHY_DRIVING_CAP(drive=_h(drive))
    legs = min(max(tl[s][i + 2], tl[i + 2][e]) for s in starts for e in ends)
    if legs > c.cont + EPS or (not c.brk_l[i] and drive > c.cont + EPS):
        return msgs.PLAN_WHY_CONTINUOUS()
    return msgs.PLAN_WHY_WINDOW()


def _without_stops(c: Compiled, reach: list[list[int]], seed: int, elapsed: float) -> Solution:
    """A trip with no candidate stop (a segment between multi-day visits, say): only the
    nights are chosen, each the shortest drive that still lets the rest of the trip work."""
    p = c.problem
    last = c.n_days - 1
    good: list[set[int]] = [set() for _ in range(c.n_days)]
    for d in range(last, -1, -1):
        ends = [e for e in ends_of(c, d)[1] if d == last or e in good[d + 1]]
        good[d] = {s for s in reach[d] if any(schedule(c, d, s, e, []) is not None for e in ends)}
    days: list[DayPlan] = []
    if not good[0]:
        raise PlanningError(msgs.PLAN_NO_NIGHT_CHAIN())
    s = min(good[0])
    for d in range(c.n_days):
        ends = [e for e in ends_of(c, d)[1] if d == last or e in good[d + 1]]
        e = min(
            (e for e in ends if schedule(c, d, s, e, []) is not None), key=lambda x: c.TL[d][s][x]
        )
        days.append(day_plan(p, d, s, e, []))
        s = e
    return Solution(days=tuple(days), score=0.0, elapsed_s=elapsed, seed=seed)


# -- output ---------------------------------------------------------------------------------
def _to_solution(c: Compiled, search: Search, seed: int, elapsed: float) -> Solution:
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
        work=c.work,
    )


def day_plan(p: Problem, d: int, s: int, e: int, seq: list[int]) -> DayPlan:
    """The timed :class:`DayPlan` of day ``d`` along ``s → seq → e`` (earliest starts).

    Leaves at the day's start, starts every visit as early as its windows allow and adds
    up the drives, distances and the longest continuous drive.  It checks only that each
    visit fits a window: the sequence is expected to come from a feasible schedule (the
    search, the exact solver).

    Parameters
    ----------
    p
        The problem.
    d
        The day index.
    s, e
        The travel nodes the day starts and ends at.
    seq
        The visited stops in order, as indices into ``p.stops`` (not nodes).

    Returns
    -------
    DayPlan
        Times in seconds from the day's origin, drives in seconds, distances in metres
        (``None`` when the problem has none); ``overnight`` is ``e``'s id except on the
        last day.

    Raises
    ------
    PlanningError
        A visit in ``seq`` cannot start inside any of its windows (an internal error).
    """
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
