"""Multi-day visits (a trek with camp nights, a retreat): solved by splitting the trip.

A stop with ``nights > 0`` pins the trip: the day it starts on ends there, the nights after
it are spent there, and a later day starts there when the visit ends (see
:class:`~tourroute.planning.model.Stop`).  Around those pins the trip falls apart into
*segments* of consecutive days, each an ordinary problem for :func:`solve` whose start and
end are the pins (the trip's start, a multi-day stop, the trip's end).  So the search
itself never sees a visit longer than a day.

For every way to place the multi-day stops (the day each starts on, in the order given, not
overlapping; at most six of them, evenly spread, on long trips) the segments are solved one
after the other, together with half the effort — each segment starts when the previous
one's multi-day visit ends, and a must-visit stop that fits no day of a segment is passed
on to the next — and the best placement (fewest must-visit stops left out, then the highest
score) is solved again with the full effort.

Simplifications, each on the safe side: the weekly driving limit of coach drivers is kept
by capping every driving day at ``weekly / min(7, driving days)``; a trip without overnight
candidates (every day from start to end) is split into single days around the pins.

>>> from tourroute.planning.model import Day, Problem, Stop
>>> h = 3600
>>> t = [[0, 0, h, h], [0, 0, h, h], [h, h, 0, h], [h, h, h, 0]]
>>> trek = Stop("trek", 50, 26 * h, must_visit=True, nights=1)
>>> p = Problem(stops=(trek, Stop("a", 5, h)), days=(Day(8 * h, 18 * h),) * 2, travel_s=t)
>>> sol = solve_multiday(p, seed=0)
>>> [(d.start_id, [v.stop_id for v in d.visits], d.end_id) for d in sol.days]
[('start', ['a', 'trek'], 'trek'), ('trek', [], 'end')]
>>> sol.days[1].departure_s / h  # a 9–10 h, the trek from 11:00 for 26 h, so day 2 at 13:00
13.0
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np

from tourroute.i18n import Joined, Message, localized_reason
from tourroute.i18n import messages as msgs
from tourroute.planning._core import Compiled, FloatArray
from tourroute.planning._search import SolverOptions, default_work
from tourroute.planning._toptw import check_trip, must_misfits, solve_trip
from tourroute.planning.model import (
    DAY_S,
    EPS,
    MAX_CANDIDATES,
    Day,
    DayPlan,
    DriverRules,
    Matrix,
    PlanningError,
    Problem,
    Solution,
    Stop,
    TravelFn,
    Unplaced,
    Visit,
)

__all__ = ["solve_multiday"]

MAX_PLACEMENTS = 6  # ways to place the multi-day stops that are tried (evenly spread):
# each trial costs a solve's fixed set-up (≈0.1–0.3 s on a long trip) whatever its budget
TRIALS_SHARE = 0.5  # effort of all trial placements together, as a share of the budget


@dataclass(frozen=True)
class _Pin:
    """A multi-day stop placed on a start day."""

    stop: int  # index in the original problem
    day: int  # the day the visit starts (and that day ends there)
    nights: int


@dataclass
class _Plan:
    days: list[DayPlan]
    visited: set[int]
    left_out: dict[int, str]  # must-visit stops not placed, with the reason
    iterations: int = 0  # of the segments' searches
    timed_out: bool = False
    work: float = 0.0  # counted work of the segments' searches

    @property
    def score(self) -> float:
        return float(sum(d.score for d in self.days))


def solve_multiday(
    problem: Problem,
    *,
    seed: int = 0,
    options: SolverOptions | None = None,
    started: float | None = None,
) -> Solution:
    """Plan a trip with multi-day visits (``Stop.nights > 0``); see the module docstring.

    :func:`~tourroute.planning.solver.solve` calls this for such trips after validating
    the problem; called directly, the problem is taken as valid.

    Parameters
    ----------
    problem
        The instance; its stops with ``nights > 0`` are pinned, the rest planned around them.
    seed
        Seed of every segment's search.
    options
        Search effort; without ``iterations`` or ``work`` the default budget of the whole
        trip, split over the trial placements and the segments.
    started
        ``time.perf_counter()`` when the caller started, so that ``elapsed_s`` covers its
        checks too; ``None``: now.

    Returns
    -------
    Solution
        The best placement's plan (fewest must-visit stops left out, then highest score);
        the days spent wholly at a multi-day stop have no drive and no visit.

    Raises
    ------
    PlanningError
        The multi-day visits need more days than the trip has, or their days are closed,
        or no placement leaves every segment feasible (the first reasons are given).
    """
    t0 = time.perf_counter() if started is None else started
    opts = options or SolverOptions()
    p = problem
    whole = Compiled(p)  # the day matrices, computed once for every segment
    if opts.iterations is None and opts.work is None:
        opts = replace(opts, work=default_work(whole, opts.budget))  # then split over the segments
    pinned = [i for i, s in enumerate(p.stops) if s.nights]
    placements = _spread(list(itertools.islice(_placements(p, pinned), 10_000)))
    if not placements:
        total = sum(p.stops[i].nights + 1 for i in pinned)
        raise PlanningError(
            msgs.PLAN_MULTIDAY_NEED_DAYS(
                stops=", ".join(p.stops[i].id for i in pinned), total=total, days=p.n_days
            )
        )
    trial = _share(opts, TRIALS_SHARE / len(placements) if len(placements) > 1 else 1.0)
    best: tuple[tuple[int, float], list[_Pin], _Plan] | None = None
    reasons: list[Message] = []
    spent = 0.0  # counted work of every search, the trials included
    for pins in placements:
        try:
            plan = _plan(p, whole.T, pins, seed, trial)
        except PlanningError as exc:
            reasons.append(
                msgs.PLAN_PLACEMENT_FAILED(where=_describe(p, pins), why=localized_reason(exc))
            )
            continue
        spent += plan.work
        key = (-len(plan.left_out), plan.score)
        if best is None or key > best[0]:
            best = (key, pins, plan)
    if best is None:
        raise PlanningError(msgs.PLAN_MULTIDAY_UNPLACEABLE(reasons=Joined(reasons[:4], "; ")))
    final = best[2]
    if len(placements) > 1:  # the winner again, with the whole effort
        again = _plan(p, whole.T, best[1], seed, opts)
        spent += again.work
        if (-len(again.left_out), again.score) >= best[0]:
            final = again
    unplaced = tuple(Unplaced(p.stops[i].id, why) for i, why in sorted(final.left_out.items()))
    return Solution(
        days=tuple(final.days),
        score=final.score,
        unplaced=unplaced,
        iterations=final.iterations,
        elapsed_s=time.perf_counter() - t0,
        timed_out=final.timed_out,
        seed=seed,
        work=spent,
    )


def _spread(placements: list[list[_Pin]]) -> list[list[_Pin]]:
    """At most :data:`MAX_PLACEMENTS` of them, evenly spread (first and last included)."""
    k = len(placements)
    if k <= MAX_PLACEMENTS:
        return placements
    picks = sorted({round(q * (k - 1) / (MAX_PLACEMENTS - 1)) for q in range(MAX_PLACEMENTS)})
    return [placements[q] for q in picks]


def _share(opts: SolverOptions, share: float) -> SolverOptions:
    """The options with ``share`` of the effort (a fixed budget, split over segments)."""
    if opts.iterations is not None:
        return replace(opts, iterations=max(20, int(opts.iterations * share)))
    return replace(opts, work=None if opts.work is None else opts.work * share)


def _placements(p: Problem, pinned: Sequence[int]) -> Iterator[list[_Pin]]:
    """Every way to place the pinned stops in the given order on days they are open."""

    def rec(k: int, first_day: int, acc: list[_Pin]) -> Iterator[list[_Pin]]:
        if k == len(pinned):
            yield list(acc)
            return
        i = pinned[k]
        n = p.stops[i].nights
        for day in range(first_day, p.n_days - n):
            wins = p.stops[i].windows_on(day)
            if wins is not None and not wins:
                continue
            acc.append(_Pin(i, day, n))
            yield from rec(k + 1, day + n, acc)
            acc.pop()

    yield from rec(0, 0, [])


def _describe(p: Problem, pins: Sequence[_Pin]) -> Joined:
    return Joined([msgs.PLAN_PIN(stop=p.stops[x.stop].id, day=x.day + 1) for x in pins], ", ")


def _plan(
    p: Problem,
    day_travel: Sequence[FloatArray],
    pins: Sequence[_Pin],
    seed: int,
    opts: SolverOptions,
) -> _Plan:
    """Solve the segments between the pins in order; raise if a segment is impossible."""
    days: list[DayPlan] = []
    visited: set[int] = set()
    carried = [i for i, s in enumerate(p.stops) if s.must_visit and not s.nights]
    why_not: dict[int, list[str]] = {}
    iterations, timed_out, work = 0, False, 0.0
    cap = _weekly_cap(p, pins)
    anchor: tuple[int, float] | None = None  # (pinned stop, time it ends) the next day leaves
    bounds = [*pins, None]
    first = 0
    for pin in bounds:
        last = pin.day if pin is not None else p.n_days - 1
        for lo, hi in _day_blocks(p, first, last, anchor is not None, pin is not None):
            seg_anchor = anchor if lo == first else None
            seg_pin = pin if hi == last else None
            seg = _segment(p, day_travel, lo, hi, seg_anchor, seg_pin, carried, visited, cap)
            sol = _solve_segment(seg.problem, seed, _share(opts, (hi - lo + 1) / p.n_days))
            iterations += sol.iterations
            work += sol.work
            timed_out |= sol.timed_out
            for plan in sol.days:
                days.append(seg.lift(plan, is_last_of_segment=plan.day == hi - lo))
            placed = {seg.original[v.stop_id] for d in sol.days for v in d.visits}
            visited |= placed
            for i, why in seg.misfits.items():
                why_not.setdefault(i, []).append(why)
            for u in sol.unplaced:
                why_not.setdefault(seg.original[u.stop_id], []).append(u.reason)
            carried = [i for i in carried if i not in placed]
        if pin is None:
            break
        stop = p.stops[pin.stop]
        visit = days[-1].visits[-1]
        resume = visit.start_s + stop.service_s - pin.nights * DAY_S
        for d in range(pin.day + 1, pin.day + pin.nights):
            days.append(_at_the_stop(p, d, stop))
        visited.add(pin.stop)
        anchor = (pin.stop, resume)
        first = pin.day + pin.nights
    left_out = {
        i: "no day around the multi-day visits can take it ("
        + "; ".join(why_not.get(i, ["no room left"]))
        + ")"
        for i in carried
        if i not in visited
    }
    return _Plan(days, visited, left_out, iterations, timed_out, work)


def _solve_segment(problem: Problem, seed: int, opts: SolverOptions) -> Solution:
    """A segment, checked and solved as :func:`~.solver.solve` would (it has no multi-day stop)."""
    t0 = time.perf_counter()
    problem.validate(MAX_CANDIDATES)
    return solve_trip(problem, seed=seed, options=opts, started=t0)


def _day_blocks(
    p: Problem, first: int, last: int, from_pin: bool, to_pin: bool
) -> list[tuple[int, int]]:
    """The days ``first..last`` as one segment, or — in a trip without overnight places,
    where every day runs start → end — single days wherever a day touches a pin."""
    if p.overnights or first == last:
        return [(first, last)]
    blocks: list[tuple[int, int]] = []
    lo, hi = first, last
    if from_pin:
        blocks.append((lo, lo))
        lo += 1
    tail = [(hi, hi)] if to_pin and hi >= lo else []
    if tail:
        hi -= 1
    if lo <= hi:
        blocks.append((lo, hi))
    return blocks + tail


def _weekly_cap(p: Problem, pins: Sequence[_Pin]) -> float | None:
    """A daily driving cap that keeps any 7 days within the weekly limit (on the safe side)."""
    rules = p.driver_rules
    if rules is None or rules.max_weekly_driving_s is None:
        return None
    onsite = sum(x.nights - 1 for x in pins)  # days spent wholly at a stop: no driving
    driving_days = min(7, p.n_days - onsite)
    return rules.max_weekly_driving_s / max(1, driving_days)


@dataclass
class _Segment:
    problem: Problem
    original: dict[str, int]  # stop id -> index in the original problem
    offset: int  # the segment's first day in the trip
    pin: _Pin | None
    pin_stop: Stop | None
    misfits: dict[int, str]  # must-visit stops this segment cannot take, and why

    def lift(self, plan: DayPlan, *, is_last_of_segment: bool) -> DayPlan:
        """The segment's day as a day of the trip (and the pinned visit that ends it)."""
        plan = replace(plan, day=plan.day + self.offset)
        if not (is_last_of_segment and self.pin is not None and self.pin_stop is not None):
            return plan
        stop = self.pin_stop
        arrive = plan.arrival_s
        start = _window_start(stop, self.pin.day, arrive)
        if start is None:  # pragma: no cover - the segment's day ends by the last window
            raise PlanningError(f"internal: {stop.id!r} cannot start on day {self.pin.day + 1}")
        visit = Visit(
            stop.id,
            arrive,
            start - arrive,
            start,
            start + stop.service_s,
            float(stop.score),
            plan.last_leg_drive_s,
            plan.last_leg_distance_m,
        )
        return replace(
            plan,
            visits=(*plan.visits, visit),
            last_leg_drive_s=0.0,
            last_leg_distance_m=None if plan.last_leg_distance_m is None else 0.0,
            score=plan.score + float(stop.score),
            overnight=stop.id,
        )


def _window_start(stop: Stop, day: int, arrive: float) -> float | None:
    """When a multi-day visit arriving at ``arrive`` starts: inside a window of the day."""
    wins = stop.windows_on(day)
    if wins is None:
        return arrive
    for o, c in wins:
        if arrive <= c + EPS:
            return max(arrive, o)
    return None


def _latest_start(p: Problem, pin: _Pin) -> float:
    """The latest arrival that still starts the visit in a window and ends it in time to
    drive on (a bound: the day after may still turn out too short, then the placement fails)."""
    stop = p.stops[pin.stop]
    day = p.days[pin.day]
    latest = day.end_s
    wins = stop.windows_on(pin.day)
    if wins:
        latest = min(latest, wins[-1][1])
    resume = pin.day + pin.nights
    # leave time on the day it ends for at least the shortest drive on (to the end, or a night)
    ends = [1] if resume == p.n_days - 1 or not p.overnights else p.allowed_overnights()
    node = p.node_of_stop(pin.stop)
    drive_on = min((p.travel(node, e, resume) for e in ends), default=0.0)
    return min(latest, p.days[resume].end_s - drive_on + pin.nights * DAY_S - stop.service_s)


def _segment(
    p: Problem,
    day_travel: Sequence[FloatArray],
    lo: int,
    hi: int,
    anchor: tuple[int, float] | None,
    pin: _Pin | None,
    carried: Sequence[int],
    visited: set[int],
    weekly_cap: float | None,
) -> _Segment:
    """The sub-problem of days ``lo..hi`` from ``anchor`` (or the start) to ``pin`` (or the
    end): the stops not yet visited, the must-visit stops that fit it on their own."""
    must = set(carried)
    stops = [i for i, s in enumerate(p.stops) if not s.nights and i not in visited]
    days = _segment_days(p, lo, hi, anchor, pin, weekly_cap)
    frame = _Frame(p, day_travel, lo, hi, anchor, pin, days)
    sub = frame.problem(stops, must)
    c = Compiled(sub)
    reach = check_trip(c)
    misfit_why = {stops[i]: why for i, why in must_misfits(c, reach, lo)}
    misfits = set(misfit_why)
    reachable = _reachable(c, reach, stops)
    if misfits or len(reachable) < len(stops):
        stops = reachable  # a segment may have no time for any other visit
        sub = frame.problem(stops, must - misfits)
    return _Segment(
        sub,
        {p.stops[i].id: i for i in stops},
        lo,
        pin,
        None if pin is None else p.stops[pin.stop],
        {i: "; ".join(str(w) for w in why) for i, why in misfit_why.items()},
    )


def _segment_days(
    p: Problem,
    lo: int,
    hi: int,
    anchor: tuple[int, float] | None,
    pin: _Pin | None,
    weekly_cap: float | None,
) -> tuple[Day, ...]:
    """The days ``lo..hi``, cut to after the anchor's visit and to the pin's latest start."""
    days = []
    for d in range(lo, hi + 1):
        day = p.days[d]
        start_s, end_s = day.start_s, day.end_s
        if d == lo and anchor is not None:
            start_s = max(start_s, anchor[1])
        if d == hi and pin is not None:
            end_s = min(end_s, _latest_start(p, pin))
        if end_s <= start_s + EPS:
            raise PlanningError(msgs.PLAN_NO_TIME_AROUND(day=d + 1))
        days.append(Day(start_s, end_s, _capped(day.max_driving_s, weekly_cap)))
    return tuple(days)


def _capped(cap: float | None, weekly_cap: float | None) -> float | None:
    """A day's driving cap, lowered to the daily share of the weekly limit if there is one."""
    if weekly_cap is None:
        return cap
    return weekly_cap if cap is None else min(cap, weekly_cap)


@dataclass(frozen=True)
class _Frame:
    """What every version of a segment's sub-problem shares: its days and its two ends."""

    p: Problem
    day_travel: Sequence[FloatArray]
    lo: int
    hi: int
    anchor: tuple[int, float] | None  # (pinned stop, time it ends) the segment leaves from
    pin: _Pin | None  # the multi-day stop the segment ends at
    days: tuple[Day, ...]

    def problem(self, stops: Sequence[int], must_now: set[int]) -> Problem:
        """The sub-problem over ``stops`` (trip indices), those in ``must_now`` must-visit."""
        p, lo, hi, anchor, pin = self.p, self.lo, self.hi, self.anchor, self.pin
        start_node = 0 if anchor is None else p.node_of_stop(anchor[0])
        end_node = 1 if pin is None else p.node_of_stop(pin.stop)
        nodes = [start_node, end_node, *(p.node_of_stop(i) for i in stops)]
        nodes += [p.node_of_overnight(k) for k in range(len(p.overnights))]
        return Problem(
            stops=tuple(self._stop(i, i in must_now) for i in stops),
            days=self.days,
            travel_s=_sub_travel(self.day_travel[lo : hi + 1], nodes),
            distance_m=None if p.distance_m is None else _Remap(p, nodes, lo, distance=True),
            overnights=p.overnights,
            start_id=p.start_id if anchor is None else p.stops[anchor[0]].id,
            end_id=p.end_id if pin is None else p.stops[pin.stop].id,
            max_daily_driving_s=p.max_daily_driving_s,
            driver_rules=None if p.driver_rules is None else _daily_rules(p.driver_rules),
            motorhome=p.motorhome,
            name=p.name,
        )

    def _stop(self, i: int, must: bool) -> Stop:
        """Stop ``i`` of the trip as the segment sees it: its windows on the segment's days."""
        stop = self.p.stops[i]
        return replace(
            stop,
            must_visit=must,
            windows=None
            if stop.windows is None
            else tuple(stop.windows_on(d) or () for d in range(self.lo, self.hi + 1)),
        )


def _reachable(c: Compiled, reach: list[list[int]], stops: Sequence[int]) -> list[int]:
    """The segment's stops some day can reach in time from a place it may start from."""
    return [
        stops[i]
        for i in range(c.n)
        if any(
            c.day_start[d] + c.TL[d][s][i + 2] <= c.day_end[d] + EPS
            for d in range(c.n_days)
            for s in reach[d]
        )
    ]


def _daily_rules(rules: DriverRules) -> DriverRules:
    """The driver rules without the weekly limit (kept by the daily cap instead)."""
    return replace(rules, max_weekly_driving_s=None)


def _sub_travel(day_travel: Sequence[FloatArray], nodes: list[int]) -> Matrix | TravelFn:
    """The segment's travel times, cut from the trip's day matrices: one matrix when every
    day of the segment has the same (the usual case), else a look-up into per-day cuts."""
    at = np.ix_(nodes, nodes)
    first = day_travel[0][at]
    if all(m is day_travel[0] or np.array_equal(m[at], first) for m in day_travel[1:]):
        table: list[list[float]] = first.tolist()
        return table
    tables = [m[at].tolist() for m in day_travel]
    return lambda i, j, d: tables[d][i][j] if i != j else 0.0


class _Remap:
    """Distances of a segment (reporting only): its nodes mapped to the trip's, days shifted."""

    def __init__(self, p: Problem, nodes: list[int], offset: int, *, distance: bool) -> None:
        self.p, self.nodes, self.offset, self.distance = p, nodes, offset, distance

    def __call__(self, i: int, j: int, day: int) -> float:
        a, b = self.nodes[i], self.nodes[j]
        if a == b:
            return 0.0
        value = (
            self.p.distance(a, b, day + self.offset)
            if self.distance
            else self.p.travel(a, b, day + self.offset)
        )
        return math.inf if value is None else value


def _at_the_stop(p: Problem, d: int, stop: Stop) -> DayPlan:
    """A day spent wholly at a multi-day stop: no driving, no other visit."""
    t = p.days[d].start_s
    return DayPlan(
        day=d,
        start_id=stop.id,
        end_id=stop.id,
        departure_s=t,
        arrival_s=t,
        visits=(),
        last_leg_drive_s=0.0,
        last_leg_distance_m=None if p.distance_m is None else 0.0,
        driving_s=0.0,
        distance_m=None if p.distance_m is None else 0.0,
        score=0.0,
        max_continuous_driving_s=0.0,
        overnight=stop.id,
    )
