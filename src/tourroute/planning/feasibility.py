"""An independent feasibility checker of plans (deliberately simple, shares no solver code).

It re-walks every day from the problem's own data (``Problem.travel``, the stops' windows)
and the plan's reported times, and lists every violated rule in words.

>>> from tourroute.planning.model import Day, DayPlan, Problem, Solution, Stop, Visit
>>> p = Problem(stops=(Stop("a", 3, 10, ((( 0, 50),),)),), days=(Day(0, 100),),
...             travel_s=[[0, 0, 20], [0, 0, 20], [20, 20, 0]])
>>> v = Visit("a", 20, 0, 20, 30, 3, 20)
>>> day = DayPlan(0, "start", "end", 0, 50, (v,), 20, None, 40, None, 3, 20, None)
>>> check_solution(p, Solution((day,), 3))
[]
>>> check_solution(p, Solution((day,), 4))
['total score 4 != 3, the sum of the visited stops']
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from tourroute.planning.model import DAY_S, EPS, DayPlan, Problem, Solution, Stop, Visit

__all__ = ["check_solution"]

TOL = 1e-4  # reported times are compared with recomputed ones to this many seconds


def check_solution(problem: Problem, solution: Solution) -> list[str]:
    """Every rule the plan breaks, in words (empty list: the plan is feasible).

    Re-walks each day from the problem's own travel times and windows and compares with
    the times the plan reports (to :data:`TOL` seconds): the chain of start, overnight and
    end places (motorhome-suitable where it matters), multi-day visits, each visit's
    arrival, wait, start and departure, its windows and score, no stop visited twice, the
    day's end, the daily and continuous driving limits, the weekly limit over any seven
    days, the total score, and every must-visit stop either visited or reported unplaced
    with a reason.

    Parameters
    ----------
    problem
        The instance the plan claims to solve.
    solution
        The plan, from any solver.

    Returns
    -------
    list of str
        One sentence per violation, naming the day and the stop; with the wrong number of
        days only that one.  Never raises on a bad plan.
    """
    p = problem
    if len(solution.days) != p.n_days:
        return [f"{len(solution.days)} day plans for a {p.n_days}-day trip"]
    trip = _Trip.of(p)
    for k, day in enumerate(solution.days):
        _check_day(trip, solution, k, day)
    _check_weekly_driving(p, trip.drives, trip.bad)
    _check_total_score(solution, trip.total, trip.bad)
    _check_must_visits(p, solution, trip.seen, trip.bad)
    return trip.bad


@dataclass
class _Trip:
    """The walk's state carried from day to day, and the violations found so far."""

    p: Problem
    stop_index: dict[str, int]  # stop id -> index into p.stops
    overnight_node: dict[str, int]  # overnight place id -> travel node
    hotels: bool  # days end at overnight places (else every day runs start -> end)
    bad: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)  # the stops visited so far
    total: float = 0.0  # their score
    drives: list[float] = field(default_factory=list)  # driving per day, for the weekly limit
    # a multi-day visit in progress: (stop id, its node, the day it ends, when it ends)
    onsite: tuple[str, int, int, float] | None = None

    @classmethod
    def of(cls, p: Problem) -> _Trip:
        """The state before the first day, with the look-ups every day needs."""
        return cls(
            p,
            {s.id: i for i, s in enumerate(p.stops)},
            {o.id: p.node_of_overnight(k) for k, o in enumerate(p.overnights)},
            bool(p.overnights) and p.n_days > 1,
        )


@dataclass
class _Clock:
    """Where a day's walk is: the time, the last node, the day's and the continuous driving."""

    t: float
    prev: int
    drive: float = 0.0
    cont: float = 0.0


def _check_day(trip: _Trip, solution: Solution, k: int, day: DayPlan) -> None:
    """Day ``k``: its label, its start and end places, then its visits and drives re-walked."""
    name = f"day {k + 1}"
    if day.day != k:
        trip.bad.append(f"{name}: labelled as day index {day.day}")
    onsite = trip.onsite
    if onsite is not None and k < onsite[2]:  # a whole day at the multi-day stop
        _check_day_at_stop(name, day, onsite[0], trip.bad)
        trip.drives.append(day.driving_s)
        return
    s_node, resume = _check_start(trip, solution, k, day, name)
    end = _check_end(trip, k, day, name)
    if end is None or s_node < 0:  # an unknown place: the day cannot be walked
        return
    e_node, multi = end
    clock = _check_departure(trip, k, day, name, s_node, resume)
    for v in day.visits:
        _check_visit(trip, k, day, name, v, clock)
    leg = 0.0 if multi else trip.p.travel(clock.prev, e_node, k)
    _check_arrival_and_driving(trip, k, day, name, clock, leg)
    _check_day_score(trip, day, name)


def _check_day_at_stop(name: str, day: DayPlan, stop_id: str, bad: list[str]) -> None:
    """A day wholly inside a multi-day visit stays at the stop: no visit, no drive."""
    if (day.start_id, day.end_id, day.overnight) != (stop_id,) * 3 or day.visits:
        bad.append(f"{name}: should be spent wholly at {stop_id!r}")
    if day.driving_s > EPS:
        bad.append(f"{name}: drives {day.driving_s:.0f} s while at {stop_id!r}")


def _check_start(
    trip: _Trip, solution: Solution, k: int, day: DayPlan, name: str
) -> tuple[int, float]:
    """The day starts where it must; returns its node (-1: no such place) and earliest leave."""
    p = trip.p
    resume = -math.inf
    if trip.onsite is not None:
        want_s, s_node, resume = trip.onsite[0], trip.onsite[1], trip.onsite[3]
        trip.onsite = None
    elif k == 0 or not trip.hotels:
        s_node, want_s = 0, p.start_id
    else:
        want_s = solution.days[k - 1].end_id
        s_node = trip.overnight_node.get(want_s, -1)
    if day.start_id != want_s:
        trip.bad.append(f"{name}: starts at {day.start_id!r}, expected {want_s!r}")
    return s_node, resume


def _check_end(trip: _Trip, k: int, day: DayPlan, name: str) -> tuple[int, bool] | None:
    """The day ends where it must; returns its end node and if a multi-day visit ends it."""
    p = trip.p
    last_visit = trip.stop_index.get(day.visits[-1].stop_id) if day.visits else None
    if last_visit is not None and p.stops[last_visit].nights > 0:
        _check_multi_day_end(p, k, day, p.stops[last_visit], name, trip.bad)
        return 2 + last_visit, True
    if k == p.n_days - 1 or not trip.hotels:
        if day.end_id != p.end_id:
            trip.bad.append(f"{name}: ends at {day.end_id!r}, expected {p.end_id!r}")
        return 1, False
    e_node = trip.overnight_node.get(day.end_id, -1)
    if e_node < 0:
        trip.bad.append(f"{name}: night at {day.end_id!r}, which is no overnight candidate")
        return None
    _check_overnight_place(p, day, e_node, name, trip.bad)
    return e_node, False


def _check_overnight_place(
    p: Problem, day: DayPlan, e_node: int, name: str, bad: list[str]
) -> None:
    """A night at an overnight candidate: one the vehicle may use, and reported as the night."""
    o = p.overnights[e_node - p.node_of_overnight(0)]
    if p.motorhome and not o.motorhome_ok:
        bad.append(f"{name}: a motorhome cannot overnight at {o.id!r}")
    if day.overnight != day.end_id:
        bad.append(f"{name}: overnight {day.overnight!r} != end {day.end_id!r}")


def _check_multi_day_end(
    p: Problem, k: int, day: DayPlan, stop: Stop, name: str, bad: list[str]
) -> None:
    """A day ending with a multi-day visit ends and sleeps there, and the trip is long enough."""
    if k + stop.nights > p.n_days - 1:
        bad.append(f"{name}: {stop.id!r} needs {stop.nights} nights, the trip ends first")
    if (day.end_id, day.overnight) != (stop.id, stop.id):
        bad.append(f"{name}: ends at {day.end_id!r}, expected the multi-day {stop.id!r}")


def _check_departure(
    trip: _Trip, k: int, day: DayPlan, name: str, s_node: int, resume: float
) -> _Clock:
    """The day leaves inside its window and not before a multi-day visit ends; the clock then."""
    window = trip.p.days[k]
    if day.departure_s < window.start_s - EPS:
        trip.bad.append(f"{name}: leaves at {day.departure_s} before the day starts")
    if day.departure_s < resume - TOL:
        trip.bad.append(f"{name}: leaves at {day.departure_s}, before the multi-day visit ends")
    return _Clock(max(window.start_s, day.departure_s, resume), s_node)


def _check_visit(trip: _Trip, k: int, day: DayPlan, name: str, v: Visit, clock: _Clock) -> None:
    """One visit: a known stop, not seen before, timed, in a window, scored right."""
    p, bad = trip.p, trip.bad
    i = trip.stop_index.get(v.stop_id)
    if i is None:
        bad.append(f"{name}: unknown stop {v.stop_id!r}")
        return
    if v.stop_id in trip.seen:
        bad.append(f"{name}: {v.stop_id!r} visited twice")
    trip.seen.add(v.stop_id)
    stop = p.stops[i]
    node = 2 + i
    leg = p.travel(clock.prev, node, k)
    arrive = clock.t + leg
    clock.drive += leg
    clock.cont += leg
    rules = p.driver_rules
    if rules is not None and clock.cont > rules.max_continuous_driving_s + EPS:
        bad.append(f"{name}: {clock.cont:.0f} s of continuous driving before {v.stop_id!r}")
    end_visit = _check_visit_times(name, v, stop, arrive, bad)
    if stop.nights and v is not day.visits[-1]:
        bad.append(f"{name}: the multi-day visit {v.stop_id!r} is not the day's last")
    _check_visit_windows(name, v, stop, k, end_visit, bad)
    if v.score != stop.score:
        bad.append(f"{name}: {v.stop_id!r} reported score {v.score} != {stop.score}")
    _leave_visit(trip, k, v, stop, node, end_visit, clock)


def _leave_visit(
    trip: _Trip, k: int, v: Visit, stop: Stop, node: int, end_visit: float, clock: _Clock
) -> None:
    """Moves the clock past the visit: a break, its score, a multi-day visit carried on."""
    rules = trip.p.driver_rules
    if rules is not None and stop.service_s >= rules.min_break_s - EPS:
        clock.cont = 0.0
    trip.total += stop.score
    clock.t = max(end_visit, v.departure_s)
    clock.prev = node
    if stop.nights:  # the day ends here; a later day leaves when the visit ends
        trip.onsite = (stop.id, node, k + stop.nights, end_visit - stop.nights * DAY_S)
        clock.t = v.arrival_s


def _check_visit_times(name: str, v: Visit, stop: Stop, arrive: float, bad: list[str]) -> float:
    """Reported arrival, wait, start and departure add up; returns when the visit ends."""
    if abs(v.arrival_s - arrive) > TOL:
        bad.append(f"{name}: {v.stop_id!r} arrival {v.arrival_s}, recomputed {arrive}")
    if v.start_s < arrive - TOL:
        bad.append(f"{name}: {v.stop_id!r} starts before arriving")
    if abs(v.start_s - v.arrival_s - v.wait_s) > TOL:
        bad.append(f"{name}: {v.stop_id!r} wait does not add up")
    end_visit = v.start_s + stop.service_s
    if abs(v.departure_s - end_visit) > TOL:
        bad.append(f"{name}: {v.stop_id!r} departure {v.departure_s} != start + service")
    return end_visit


def _check_visit_windows(
    name: str, v: Visit, stop: Stop, k: int, end_visit: float, bad: list[str]
) -> None:
    """The visit lies in one of the stop's windows (a multi-day one only starts in it)."""
    windows = stop.windows[k] if stop.windows is not None else None
    if windows is not None and not any(
        o - EPS <= v.start_s and (stop.nights or end_visit <= c + EPS) and v.start_s <= c + EPS
        for o, c in windows
    ):
        bad.append(
            f"{name}: {v.stop_id!r} visited {v.start_s}–{end_visit} outside its windows "
            f"{list(windows)}"
        )


def _check_arrival_and_driving(
    trip: _Trip, k: int, day: DayPlan, name: str, clock: _Clock, leg: float
) -> None:
    """After the last ``leg``: the arrival and driving in the window and as reported."""
    p, bad = trip.p, trip.bad
    arrive = clock.t + leg
    drive = clock.drive + leg
    cont = clock.cont + leg
    trip.drives.append(drive)
    window = p.days[k]
    if arrive > window.end_s + EPS:
        bad.append(f"{name}: arrives at {arrive}, after the day's end {window.end_s}")
    if abs(day.arrival_s - arrive) > TOL:
        bad.append(f"{name}: reported arrival {day.arrival_s}, recomputed {arrive}")
    if abs(day.driving_s - drive) > TOL:
        bad.append(f"{name}: reported driving {day.driving_s}, recomputed {drive}")
    _check_driving_limits(p, k, name, drive, cont, bad)


def _check_driving_limits(
    p: Problem, k: int, name: str, drive: float, cont: float, bad: list[str]
) -> None:
    """The day's driving within the continuous limit and every daily cap."""
    caps = [c for c in (p.max_daily_driving_s, p.days[k].max_driving_s) if c is not None]
    rules = p.driver_rules
    if rules is not None:
        caps.append(rules.max_daily_driving_s)
        if cont > rules.max_continuous_driving_s + EPS:
            bad.append(f"{name}: {cont:.0f} s of continuous driving at the end of the day")
    for cap in caps:
        if drive > cap + EPS:
            bad.append(f"{name}: {drive:.0f} s of driving, over the cap of {cap:.0f} s")


def _check_day_score(trip: _Trip, day: DayPlan, name: str) -> None:
    """The day's reported score is the sum of its known visited stops' scores."""
    stops, index = trip.p.stops, trip.stop_index
    expected = sum(stops[index[v.stop_id]].score for v in day.visits if v.stop_id in index)
    if abs(day.score - expected) > 1e-9:
        trip.bad.append(f"{name}: day score {day.score} does not add up")


def _check_weekly_driving(p: Problem, drives: list[float], bad: list[str]) -> None:
    """A coach driver's weekly limit, over every seven consecutive days of the trip."""
    rules = p.driver_rules
    if rules is None or rules.max_weekly_driving_s is None:
        return
    for w0 in range(max(1, len(drives) - 6)):
        week = sum(drives[w0 : w0 + 7])
        if week > rules.max_weekly_driving_s + EPS:
            bad.append(f"days {w0 + 1}–{w0 + 7}: {week:.0f} s of driving in a week")


def _check_total_score(solution: Solution, total: float, bad: list[str]) -> None:
    """The plan's total score is the sum of the visited stops' scores."""
    if abs(solution.score - total) > 1e-6:
        bad.append(f"total score {solution.score:g} != {total:g}, the sum of the visited stops")


def _check_must_visits(p: Problem, solution: Solution, seen: set[str], bad: list[str]) -> None:
    """Each must-visit is visited or reported with a reason; none both."""
    unplaced = {u.stop_id: u.reason for u in solution.unplaced}
    for s in p.stops:
        if s.must_visit and s.id not in seen and not unplaced.get(s.id):
            bad.append(f"must-visit {s.id!r} neither visited nor reported with a reason")
        if s.id in unplaced and s.id in seen:
            bad.append(f"{s.id!r} reported unplaced but visited")
