"""Multi-day visits (``Stop.nights``): a trek with camp nights pins the trip around it."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.builders import random_problem
from tourroute.planning import (
    COACH_RULES,
    Day,
    DayPlan,
    Overnight,
    PlanningError,
    Problem,
    Solution,
    Stop,
    check_solution,
    solve,
)
from tourroute.planning.instances import read_json_text, write_json_text
from tourroute.planning.model import Window

H = 3600.0


def _line_trip(
    days: int = 4, *, trek_windows: tuple[tuple[Window, ...], ...] | None = None, nights: int = 1
) -> Problem:
    """start — a — trek — b — end on a line, 1 h apart; two hotels beside a and b."""
    xs = [0.0, 4.0, 1.0, 2.0, 3.0, 1.0, 3.0]  # start, end, a, trek, b, hotel-a, hotel-b
    travel = [[abs(x - y) * H for y in xs] for x in xs]
    trek = Stop("trek", 30.0, 30 * H, trek_windows, must_visit=True, nights=nights)
    return Problem(
        stops=(Stop("a", 5.0, H), trek, Stop("b", 5.0, H)),
        days=tuple(Day(8 * H, 18 * H) for _ in range(days)),
        travel_s=travel,
        overnights=(Overnight("hotel-a"), Overnight("hotel-b")),
    )


def _shape(sol: Solution) -> list[tuple[str, list[str], str]]:
    return [(d.start_id, [v.stop_id for v in d.visits], d.end_id) for d in sol.days]


def test_the_trek_ends_its_day_and_a_later_day_leaves_when_it_ends() -> None:
    p = _line_trip(days=3)
    sol = solve(p, seed=0)
    assert check_solution(p, sol) == []
    shape = _shape(sol)
    k = next(i for i, (_, visits, _) in enumerate(shape) if "trek" in visits)
    assert shape[k][1][-1] == "trek"
    assert shape[k][2] == "trek"
    assert sol.days[k].overnight == "trek"
    assert shape[k + 1][0] == "trek"
    trek = sol.days[k].visits[-1]
    assert sol.days[k + 1].departure_s == pytest.approx(max(8 * H, trek.start_s + 30 * H - 86_400))
    assert sol.score == pytest.approx(40.0)  # a, b and the trek all fit in three days
    assert sol.unplaced == ()


def test_days_wholly_at_the_stop_have_no_driving() -> None:
    p = _line_trip(days=4, nights=2)
    p = replace(p, stops=tuple(replace(s, service_s=52 * H) if s.nights else s for s in p.stops))
    sol = solve(p, seed=0)
    assert check_solution(p, sol) == []
    k = next(i for i, d in enumerate(sol.days) if d.visits and d.visits[-1].stop_id == "trek")
    middle = sol.days[k + 1]
    assert (middle.start_id, middle.end_id, middle.visits) == ("trek", "trek", ())
    assert middle.driving_s == 0.0
    assert sol.days[k + 2].start_id == "trek"


def test_a_closed_day_moves_the_trek() -> None:
    closed_first: tuple[tuple[Window, ...], ...] = ((), ((9 * H, 12 * H),), ((9 * H, 12 * H),))
    p = _line_trip(days=3, trek_windows=closed_first)
    sol = solve(p, seed=0)
    assert check_solution(p, sol) == []
    assert "trek" in [v.stop_id for v in sol.days[1].visits]
    start = sol.days[1].visits[-1].start_s
    assert 9 * H <= start <= 12 * H  # starts inside the window; it may run past it


def test_too_few_days_is_refused_with_the_reason() -> None:
    p = _line_trip(days=2, nights=1)
    p2 = replace(p, stops=tuple(replace(s, nights=1) for s in p.stops if s.id == "trek"))
    with pytest.raises(PlanningError, match="nights must be a whole number from 0 to 1"):
        solve(replace(p2, stops=(replace(p2.stops[0], nights=2),)), seed=0)
    with pytest.raises(PlanningError, match="must be a must-visit stop"):
        solve(replace(p2, stops=(replace(p2.stops[0], must_visit=False),)), seed=0)


def test_a_trek_that_cannot_end_in_time_is_refused() -> None:
    # 40 h from 08:00 at the earliest ends at 00:00 two days on; one night is not enough.
    p = _line_trip(days=2)
    p = replace(p, stops=tuple(replace(s, service_s=40 * H) if s.nights else s for s in p.stops))
    with pytest.raises(PlanningError, match="multi-day visits cannot be placed"):
        solve(p, seed=0)


def test_same_seed_same_plan() -> None:
    p = _line_trip(days=4)
    a, b = solve(p, seed=3), solve(p, seed=3)
    assert (_shape(a), a.score) == (_shape(b), b.score)


def test_the_checker_sees_a_departure_before_the_trek_ends() -> None:
    p = _line_trip(days=3)
    sol = solve(p, seed=0)
    k = next(i for i, d in enumerate(sol.days) if d.start_id == "trek")
    early: DayPlan = replace(sol.days[k], departure_s=p.days[k].start_s - 1)
    days = (*sol.days[:k], early, *sol.days[k + 1 :])
    problems = check_solution(p, replace(sol, days=days))
    assert any(
        "before the multi-day visit ends" in x or "before the day starts" in x for x in problems
    )


def _with_trek(p: Problem, rng: random.Random) -> Problem:
    """The random trip with one stop turned into a must-visit trek of 1–2 nights."""
    nights = rng.randint(1, max(1, min(2, p.n_days - 1)))
    i = rng.randrange(p.n_stops)
    service = rng.uniform(nights * 24 - 6, nights * 24 + 4) * H
    windows = None
    if rng.random() < 0.5:  # a start window (the trailhead's hours), closed on some days
        o = rng.uniform(7, 10) * H
        windows = tuple(
            () if rng.random() < 0.2 else ((o, o + rng.uniform(1, 4) * H),) for _ in range(p.n_days)
        )
    trek = replace(p.stops[i], service_s=service, must_visit=True, nights=nights, windows=windows)
    return replace(p, stops=(*p.stops[:i], trek, *p.stops[i + 1 :]))


trips = st.builds(
    lambda seed, n, days, hotels, coach, weekly: (seed, days, n, hotels, coach, weekly),
    seed=st.integers(0, 10**6),
    n=st.integers(1, 14),
    days=st.integers(2, 5),
    hotels=st.integers(0, 3),
    coach=st.booleans(),
    weekly=st.booleans(),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trips)
def test_random_trips_with_a_trek_are_feasible(
    trip: tuple[int, int, int, int, bool, bool],
) -> None:
    seed, days, n, hotels, coach, weekly = trip
    p = random_problem(seed, n=n, days=days, hotels=hotels, coach=coach, must=min(1, n - 1))
    if coach and weekly:
        p = replace(p, driver_rules=replace(COACH_RULES, max_weekly_driving_s=8 * H))
    p = _with_trek(p, random.Random(seed))  # noqa: S311 (reproducible test data)
    try:
        sol = solve(p, seed=seed, iterations=40)
    except PlanningError as exc:
        event("refused" if str(exc) else "refused WITHOUT a message")
        return
    event("solved")
    assert check_solution(p, sol) == []
    trek = next(s for s in p.stops if s.nights)
    assert trek.id in sol.visited() or trek.id in {u.stop_id for u in sol.unplaced}


def test_the_json_instance_format_carries_nights() -> None:
    doc = (
        '{"format": "tourroute-planning/1", "tours": 3, "tour_window_s": [28800, 64800],'
        ' "start": {"id": "d", "x": 0, "y": 0},'
        ' "travel": {"metric": "euclidean", "speed": 0.001},'
        ' "stops": [{"id": "trek", "x": 3.6, "y": 0, "score": 9, "service_s": 100800,'
        '            "must_visit": true, "nights": 1},'
        '           {"id": "a", "x": 0, "y": 3.6, "score": 1, "service_s": 3600}]}'
    )
    inst = read_json_text(doc)
    assert inst.problem.stops[0].nights == 1
    assert read_json_text(write_json_text(inst)).problem.stops[0].nights == 1
    sol = solve(inst.problem, seed=0)
    assert check_solution(inst.problem, sol) == []
    assert "trek" in sol.visited()
    with pytest.raises(PlanningError, match="nights must be a whole number"):
        read_json_text(doc.replace('"nights": 1', '"nights": 1.5'))
