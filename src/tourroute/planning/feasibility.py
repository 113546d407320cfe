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

from tourroute.planning.model import DAY_S, EPS, Problem, Solution

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
    bad: list[str] = []
    if len(solution.days) != p.n_days:
        return [f"{len(solution.days)} day plans for a {p.n_days}-day trip"]
    stop_index = {s.id: i for i, s in enumerate(p.stops)}
    overnight_node = {o.id: p.node_of_overnight(k) for k, o in enumerate(p.overnights)}
    hotels = bool(p.overnights) and p.n_days > 1
    seen: set[str] = set()
    total = 0.0
    drives: list[float] = []
    # a multi-day visit in progress: (stop id, its node, the day it ends, when it ends)
    onsite: tuple[str, int, int, float] | None = None
    for k, day in enumerate(solution.days):
        name = f"day {k + 1}"
        if day.day != k:
            bad.append(f"{name}: labelled as day index {day.day}")
        resume = -math.inf
        if onsite is not None and k < onsite[2]:  # a whole day at the multi-day stop
            if (day.start_id, day.end_id, day.overnight) != (onsite[0],) * 3 or day.visits:
                bad.append(f"{name}: should be spent wholly at {onsite[0]!r}")
            if day.driving_s > EPS:
                bad.append(f"{name}: drives {day.driving_s:.0f} s while at {onsite[0]!r}")
            drives.append(day.driving_s)
            continue
        # where the day starts and ends
        if onsite is not None:
            want_s, s_node, resume = onsite[0], onsite[1], onsite[3]
            onsite = None
        elif k == 0 or not hotels:
            s_node, want_s = 0, p.start_id
        else:
            want_s = solution.days[k - 1].end_id
            s_node = overnight_node.get(want_s, -1)
        if day.start_id != want_s:
            bad.append(f"{name}: starts at {day.start_id!r}, expected {want_s!r}")
        last_visit = stop_index.get(day.visits[-1].stop_id) if day.visits else None
        multi = last_visit is not None and p.stops[last_visit].nights > 0
        if multi and last_visit is not None:
            stop = p.stops[last_visit]
            e_node = 2 + last_visit
            if k + stop.nights > p.n_days - 1:
                bad.append(f"{name}: {stop.id!r} needs {stop.nights} nights, the trip ends first")
            if (day.end_id, day.overnight) != (stop.id, stop.id):
                bad.append(f"{name}: ends at {day.end_id!r}, expected the multi-day {stop.id!r}")
        elif k == p.n_days - 1 or not hotels:
            e_node = 1
            if day.end_id != p.end_id:
                bad.append(f"{name}: ends at {day.end_id!r}, expected {p.end_id!r}")
        else:
            e_node = overnight_node.get(day.end_id, -1)
            if e_node < 0:
                bad.append(f"{name}: night at {day.end_id!r}, which is no overnight candidate")
                continue
            o = p.overnights[e_node - p.node_of_overnight(0)]
            if p.motorhome and not o.motorhome_ok:
                bad.append(f"{name}: a motorhome cannot overnight at {o.id!r}")
            if day.overnight != day.end_id:
                bad.append(f"{name}: overnight {day.overnight!r} != end {day.end_id!r}")
        if s_node < 0:
            continue
        # walk the day
        window = p.days[k]
        t = window.start_s
        if day.departure_s < window.start_s - EPS:
            bad.append(f"{name}: leaves at {day.departure_s} before the day starts")
        if day.departure_s < resume - TOL:
            bad.append(f"{name}: leaves at {day.departure_s}, before the multi-day visit ends")
        t = max(t, day.departure_s, resume)
        prev = s_node
        drive = 0.0
        cont = 0.0
        rules = p.driver_rules
        for v in day.visits:
            i = stop_index.get(v.stop_id)
            if i is None:
                bad.append(f"{name}: unknown stop {v.stop_id!r}")
                continue
            if v.stop_id in seen:
                bad.append(f"{name}: {v.stop_id!r} visited twice")
            seen.add(v.stop_id)
            stop = p.stops[i]
            node = 2 + i
            leg = p.travel(prev, node, k)
            arrive = t + leg
            drive += leg
            cont += leg
            if rules is not None and cont > rules.max_continuous_driving_s + EPS:
                bad.append(f"{name}: {cont:.0f} s of continuous driving before {v.stop_id!r}")
            if abs(v.arrival_s - arrive) > TOL:
                bad.append(f"{name}: {v.stop_id!r} arrival {v.arrival_s}, recomputed {arrive}")
            if v.start_s < arrive - TOL:
                bad.append(f"{name}: {v.stop_id!r} starts before arriving")
            if abs(v.start_s - v.arrival_s - v.wait_s) > TOL:
                bad.append(f"{name}: {v.stop_id!r} wait does not add up")
            end_visit = v.start_s + stop.service_s
            if abs(v.departure_s - end_visit) > TOL:
                bad.append(f"{name}: {v.stop_id!r} departure {v.departure_s} != start + service")
            windows = stop.windows[k] if stop.windows is not None else None
            if stop.nights and v is not day.visits[-1]:
                bad.append(f"{name}: the multi-day visit {v.stop_id!r} is not the day's last")
            if windows is not None and not any(
                o - EPS <= v.start_s
                and (stop.nights or end_visit <= c + EPS)
                and v.start_s <= c + EPS
                for o, c in windows
            ):
                bad.append(
                    f"{name}: {v.stop_id!r} visited {v.start_s}–{end_visit} outside its windows "
                    f"{list(windows)}"
                )
            if v.score != stop.score:
                bad.append(f"{name}: {v.stop_id!r} reported score {v.score} != {stop.score}")
            if rules is not None and stop.service_s >= rules.min_break_s - EPS:
                cont = 0.0
            total += stop.score
            t = max(end_visit, v.departure_s)
            prev = node
            if stop.nights:  # the day ends here; a later day leaves when the visit ends
                onsite = (stop.id, node, k + stop.nights, end_visit - stop.nights * DAY_S)
                t = v.arrival_s
        leg = 0.0 if multi else p.travel(prev, e_node, k)
        arrive = t + leg
        drive += leg
        cont += leg
        drives.append(drive)
        if arrive > window.end_s + EPS:
            bad.append(f"{name}: arrives at {arrive}, after the day's end {window.end_s}")
        if abs(day.arrival_s - arrive) > TOL:
            bad.append(f"{name}: reported arrival {day.arrival_s}, recomputed {arrive}")
        if abs(day.driving_s - drive) > TOL:
            bad.append(f"{name}: reported driving {day.driving_s}, recomputed {drive}")
        caps = [c for c in (p.max_daily_driving_s, window.max_driving_s) if c is not None]
        if rules is not None:
            caps.append(rules.max_daily_driving_s)
            if cont > rules.max_continuous_driving_s + EPS:
                bad.append(f"{name}: {cont:.0f} s of continuous driving at the end of the day")
        for cap in caps:
            if drive > cap + EPS:
                bad.append(f"{name}: {drive:.0f} s of driving, over the cap of {cap:.0f} s")
        if (
            abs(
                day.score
                - sum(
                    p.stops[stop_index[v.stop_id]].score
                    for v in day.visits
                    if v.stop_id in stop_index
                )
            )
            > 1e-9
        ):
            bad.append(f"{name}: day score {day.score} does not add up")
    rules = p.driver_rules
    if rules is not None and rules.max_weekly_driving_s is not None:
        for w0 in range(max(1, len(drives) - 6)):
            week = sum(drives[w0 : w0 + 7])
            if week > rules.max_weekly_driving_s + EPS:
                bad.append(f"days {w0 + 1}–{w0 + 7}: {week:.0f} s of driving in a week")
    if abs(solution.score - total) > 1e-6:
        bad.append(f"total score {solution.score:g} != {total:g}, the sum of the visited stops")
    unplaced = {u.stop_id: u.reason for u in solution.unplaced}
    for s in p.stops:
        if s.must_visit and s.id not in seen and not unplaced.get(s.id):
            bad.append(f"must-visit {s.id!r} neither visited nor reported with a reason")
        if s.id in unplaced and s.id in seen:
            bad.append(f"{s.id!r} reported unplaced but visited")
    return bad
