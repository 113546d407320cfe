"""Property tests (Hypothesis) of the planner on random trips.

Invariants from issue 4, checked by the independent checker
(:func:`tourroute.planning.check_solution`) and directly here: no stop outside its
window; no day over its driving cap or its time window; coach limits held; each day ends
where the next begins (and at an allowed, motorhome-suitable place if needed); every
must-visit placed or reported with a reason; the score is the sum of the placed stops'
scores; the same seed gives the same plan.
"""

from __future__ import annotations

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.builders import random_problem
from tourroute.planning import PlanningError, Problem, Solution, check_solution, solve

EPS = 1e-6

trips = st.builds(
    lambda seed, n, days, hotels, coach, motorhome, lunch, must, cap: (
        seed,
        random_problem(
            seed,
            n=n,
            days=days,
            hotels=hotels,
            coach=coach,
            motorhome=motorhome,
            lunch=lunch,
            must=min(must, n),
            cap_s=cap,
        ),
    ),
    seed=st.integers(0, 10**6),
    n=st.integers(1, 25),
    days=st.integers(1, 5),
    hotels=st.integers(0, 4),
    coach=st.booleans(),
    motorhome=st.booleans(),
    lunch=st.booleans(),
    must=st.integers(0, 3),
    cap=st.sampled_from([None, 2 * 3600.0, 4 * 3600.0]),
)

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _solve(problem: Problem, seed: int) -> Solution | None:
    try:
        sol = solve(problem, seed=seed, iterations=60)
    except PlanningError as exc:  # refused with a message, never a crash
        event("refused" if str(exc) else "refused WITHOUT a message")
        return None
    event("solved")
    return sol


@SETTINGS
@given(trips)
def test_plans_are_feasible(trip: tuple[int, Problem]) -> None:
    seed, p = trip
    sol = _solve(p, seed)
    if sol is None:
        return
    assert check_solution(p, sol) == []
    # the same invariants, spelled out
    by_id = {s.id: s for s in p.stops}
    assert sol.score == sum(by_id[i].score for i in sol.visited())
    for k, day in enumerate(sol.days):
        assert p.days[k].start_s - EPS <= day.departure_s
        assert day.arrival_s <= p.days[k].end_s + EPS
        assert day.driving_s <= p.daily_cap_s(k) + EPS
        if p.driver_rules is not None:
            assert day.max_continuous_driving_s <= p.driver_rules.max_continuous_driving_s + EPS
        for v in day.visits:
            wins = by_id[v.stop_id].windows_on(k)
            service = by_id[v.stop_id].service_s
            assert wins is None or any(
                o - EPS <= v.start_s and v.start_s + service <= c + EPS for o, c in wins
            )
        if k + 1 < p.n_days:
            assert sol.days[k + 1].start_id == (day.end_id if p.overnights else p.start_id)
            if p.overnights:
                night = next(o for o in p.overnights if o.id == day.overnight)
                assert night.motorhome_ok or not p.motorhome
    assert sol.days[-1].end_id == p.end_id
    placed = set(sol.visited())
    reasons = {u.stop_id: u.reason for u in sol.unplaced}
    for s in p.stops:
        if s.must_visit:
            assert (s.id in placed) != bool(reasons.get(s.id))
    assert len(placed) == len(sol.visited())


@settings(max_examples=15, deadline=None)
@given(trips)
def test_same_seed_same_plan(trip: tuple[int, Problem]) -> None:
    seed, p = trip
    a, b = _solve(p, seed), _solve(p, seed)
    if a is None or b is None:
        assert a is b
        return
    assert a.days == b.days
    assert a.score == b.score
    assert a.unplaced == b.unplaced
