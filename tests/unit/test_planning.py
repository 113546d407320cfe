"""The planning library: bad input, features (hotels, motorhomes, coach limits, lunch breaks,
must-visits, time limit), instance files (JSON round trip, classic TOPTW) and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tourroute.cli import main as cli_main
from tourroute.planning import (
    COACH_RULES,
    Day,
    DriverRules,
    Instance,
    Overnight,
    PlanningError,
    Problem,
    SolverOptions,
    Stop,
    check_solution,
    read_json,
    read_toptw,
    solve,
    write_json,
)
from tourroute.planning.instances import read_json_text, write_json_text

# Two of the published pr01–pr10 instances, kept in the repository (source: tests/toptw/README.md)
TOPTW = Path(__file__).resolve().parents[1] / "toptw"
H = 3600.0


def line_problem(
    xs: list[float],
    *,
    days: int = 1,
    window: tuple[float, float] = (8 * H, 18 * H),
    service_s: float = 1800,
    speed_kmh: float = 60,
    **kw: object,
) -> Problem:
    """Stops on a line at km ``xs``; start and end at km 0; 1 km = 1 min at 60 km/h."""
    pts = [0.0, 0.0, *xs]
    t = [[abs(a - b) / speed_kmh * H for b in pts] for a in pts]
    stops = tuple(Stop(f"s{i}", 1.0 + i, service_s) for i in range(len(xs)))
    return Problem(
        stops=kw.pop("stops", stops),  # type: ignore[arg-type]
        days=tuple(Day(*window) for _ in range(days)),
        travel_s=t,
        **kw,  # type: ignore[arg-type]
    )


# -- bad input -------------------------------------------------------------------------------
@pytest.mark.parametrize("days", [0, 15])
def test_day_count_out_of_range(days: int) -> None:
    p = line_problem([10], days=max(days, 1))
    p = Problem(stops=p.stops, days=tuple(Day(0, H) for _ in range(days)), travel_s=p.travel_s)
    with pytest.raises(PlanningError, match="between 1 and 14"):
        solve(p)


def test_day_ending_before_it_starts() -> None:
    with pytest.raises(PlanningError, match=r"day 1: end \(7:00\) is not after start \(8:00\)"):
        solve(line_problem([10], window=(8 * H, 7 * H)))


def test_too_many_candidates() -> None:
    p = line_problem([1.0] * 301)
    with pytest.raises(PlanningError, match="too many candidate stops: 301"):
        solve(p)
    assert solve(p, max_candidates=None, iterations=5).score > 0


def test_must_visit_closed_every_day_says_which_and_why() -> None:
    stop = Stop("den-ba-trieu", 5, 1800, ((),), must_visit=True)
    p = line_problem([10], stops=(stop,))
    with pytest.raises(PlanningError, match=r"'den-ba-trieu' cannot be visited.*day 1: closed"):
        solve(p)


def test_must_visit_too_far_for_the_day() -> None:
    stop = Stop("pu-mat", 5, 1800, must_visit=True)
    p = line_problem([400], stops=(stop,), window=(8 * H, 14 * H))
    with pytest.raises(PlanningError, match=r"'pu-mat'.*does not fit in the day's window"):
        solve(p)


def test_must_visit_longer_than_its_opening() -> None:
    stop = Stop("bao-tang", 5, 3 * H, (((9 * H, 11 * H),),), must_visit=True)
    with pytest.raises(PlanningError, match="longer than every opening window"):
        solve(line_problem([10], stops=(stop,)))


def test_day_window_shorter_than_the_drive_to_the_first_stop() -> None:
    with pytest.raises(PlanningError, match="shorter than the drive to the nearest stop"):
        solve(line_problem([100, 120], window=(8 * H, 9 * H)))


def test_day_window_shorter_than_the_mandatory_drive() -> None:
    pts = [0.0, 300.0, 10.0]
    t = [[abs(a - b) / 60 * H for b in pts] for a in pts]
    p = Problem(stops=(Stop("a", 1, 600),), days=(Day(8 * H, 11 * H),), travel_s=t)
    with pytest.raises(PlanningError, match=r"day 1 is impossible.*direct drive from start to end"):
        solve(p)


def test_matrix_of_the_wrong_shape() -> None:
    p = Problem(stops=(Stop("a", 1),), days=(Day(0, H),), travel_s=[[0, 1], [1, 0]])
    with pytest.raises(PlanningError, match=r"3×3 matrix"):
        solve(p)


def test_windows_for_the_wrong_number_of_days() -> None:
    stop = Stop("a", 1, 60, (((0, H),),))
    with pytest.raises(PlanningError, match="windows for 1 days, the trip has 2"):
        solve(line_problem([5], stops=(stop,), days=2))


# -- features --------------------------------------------------------------------------------
def test_everything_fits_and_is_feasible() -> None:
    p = line_problem([10, 20, 30])
    sol = solve(p, seed=1)
    assert sorted(sol.visited()) == ["s0", "s1", "s2"]
    assert sol.score == 6
    assert check_solution(p, sol) == []
    day = sol.days[0]
    assert day.visits[0].arrival_s == pytest.approx(8 * H + 600)
    assert day.driving_s == pytest.approx(2 * 30 / 60 * H)


def test_lunch_break_pushes_the_visit_into_the_afternoon() -> None:
    museum = Stop("bao-tang", 5, 2 * H, (((7.5 * H, 11.5 * H), (13.5 * H, 17 * H)),))
    p = line_problem([60], stops=(museum,), window=(10 * H, 18 * H))
    sol = solve(p)
    (visit,) = sol.days[0].visits
    assert visit.arrival_s == pytest.approx(11 * H)
    assert visit.start_s == pytest.approx(13.5 * H)
    assert visit.wait_s == pytest.approx(2.5 * H)
    assert check_solution(p, sol) == []


def test_closed_day_moves_the_visit_to_another_day() -> None:
    stop = Stop("cho-phien", 5, 1800, ((), ((8 * H, 12 * H),)))
    sol = solve(line_problem([10], stops=(stop,), days=2))
    assert [len(d.visits) for d in sol.days] == [0, 1]


def test_driving_cap_limits_the_day() -> None:
    p = line_problem([50, 100], max_daily_driving_s=2 * H)
    sol = solve(p)
    assert sol.visited() == ["s0"]
    assert sol.days[0].driving_s <= 2 * H


def _coach_line(rules: DriverRules, service_s: float) -> Problem:
    # 150 km out, 150 km back: 5 h of driving, more than 4 h without a break is illegal.
    pts = [0.0, 0.0, 150.0, 75.0]
    t = [[abs(a - b) / 60 * H for b in pts] for a in pts]
    stops = (Stop("far", 10, 600), Stop("mid", 1, service_s))
    return Problem(stops=stops, days=(Day(6 * H, 20 * H),), travel_s=t, driver_rules=rules)


def test_coach_needs_a_break_of_fifteen_minutes() -> None:
    short = solve(_coach_line(COACH_RULES, 600))
    assert short.score == 1  # a 10-min stop is no break: the far site is out of reach
    long = solve(_coach_line(COACH_RULES, 900))
    assert long.score == 11
    assert long.days[0].max_continuous_driving_s <= 4 * H
    assert check_solution(_coach_line(COACH_RULES, 900), long) == []


def test_weekly_driving_limit() -> None:
    rules = DriverRules(max_daily_driving_s=4 * H, max_weekly_driving_s=10 * H)
    p = line_problem([60 * k for k in range(1, 8)], days=7, driver_rules=rules)
    sol = solve(p, seed=2)
    assert check_solution(p, sol) == []
    assert sol.driving_s <= 10 * H + 1e-6


def _hotel_problem(motorhome: bool) -> Problem:
    # Start at km 0, end at km 0; sites around km 200; hotels at km 200 (no motorhomes) and
    # km 190 (campsite) and km 10 (home).  3 days: sleeping near the sites pays.
    pts = [0.0, 0.0, 195.0, 205.0, 210.0, 198.0, 200.0, 190.0, 10.0]
    t = [[abs(a - b) / 60 * H for b in pts] for a in pts]
    stops = tuple(Stop(f"s{i}", 5, 2 * H) for i in range(4))
    hotels = (Overnight("hotel", False), Overnight("camp", True), Overnight("home", True))
    return Problem(
        stops=stops,
        days=tuple(Day(8 * H, 18 * H) for _ in range(3)),
        travel_s=t,
        overnights=hotels,
        motorhome=motorhome,
    )


@pytest.mark.parametrize("motorhome", [False, True])
def test_overnights_chosen_near_the_sites_and_fit_the_vehicle(motorhome: bool) -> None:
    p = _hotel_problem(motorhome)
    sol = solve(p, seed=0)
    assert check_solution(p, sol) == []
    assert sol.score == 20
    nights = [d.overnight for d in sol.days[:-1]]
    assert all(n in ({"camp"} if motorhome else {"hotel", "camp"}) for n in nights), nights
    assert sol.days[0].end_id == sol.days[1].start_id
    assert sol.days[-1].end_id == "end"
    assert sol.days[-1].overnight is None


def test_motorhome_without_any_suitable_place() -> None:
    p = _hotel_problem(True)
    p = Problem(
        stops=p.stops,
        days=p.days,
        travel_s=p.travel_s,
        overnights=tuple(Overnight(o.id, False) for o in p.overnights),
        motorhome=True,
    )
    with pytest.raises(PlanningError, match="suitable for a motorhome"):
        solve(p)


def test_must_visits_that_do_not_fit_together_are_reported() -> None:
    # two sites 100 km apart, each only open 9:00–10:00 on the single day
    pts = [0.0, 0.0, 50.0, -50.0]
    t = [[abs(a - b) / 60 * H for b in pts] for a in pts]
    w = (((9 * H, 10 * H),),)
    stops = (Stop("a", 5, 1800, w, must_visit=True), Stop("b", 9, 1800, w, must_visit=True))
    p = Problem(stops=stops, days=(Day(8 * H, 18 * H),), travel_s=t)
    sol = solve(p)
    assert len(sol.visited()) == 1
    (u,) = sol.unplaced
    assert u.stop_id not in sol.visited()
    assert "together with the other must-visit stops" in u.reason
    assert check_solution(p, sol) == []


def test_must_visit_is_placed_even_with_a_low_score() -> None:
    stops = (Stop("low", 0.5, 3 * H, must_visit=True), Stop("high", 9, 3 * H))
    p = line_problem([10, 12], stops=stops, window=(8 * H, 12 * H))
    sol = solve(p)
    assert sol.visited() == ["low"]


def test_callable_travel_times_per_day() -> None:
    # Day 2 is a traffic day: every leg takes twice as long (3 visits fit, then 2).
    def travel(i: int, j: int, day: int) -> float:
        return (0 if {i, j} <= {0, 1} else 1800.0) * (2 if day == 1 else 1)

    stops = tuple(Stop(f"s{i}", 1, 1800) for i in range(6))
    p = Problem(stops=stops, days=(Day(0, 4 * H), Day(0, 4 * H)), travel_s=travel)
    sol = solve(p, seed=4)
    assert check_solution(p, sol) == []
    assert [len(d.visits) for d in sol.days] == [3, 2]


def test_deterministic_for_a_seed_and_iteration_limit() -> None:
    inst = read_toptw(TOPTW / "pr01.txt", 2)
    a = solve(inst.problem, seed=7, iterations=60)
    b = solve(inst.problem, seed=7, iterations=60)
    assert a.days == b.days
    assert a.iterations == b.iterations == 60
    assert not a.timed_out


def test_time_limit_returns_the_best_plan_marked_as_such() -> None:
    inst = read_toptw(TOPTW / "pr01.txt", 2)
    sol = solve(inst.problem, options=SolverOptions(iterations=10**6, time_limit_s=0.3))
    assert sol.timed_out
    assert sol.score > 0
    assert check_solution(inst.problem, sol) == []


# -- instance files --------------------------------------------------------------------------
def test_toptw_reader_layout_and_rounding() -> None:
    inst = read_toptw(TOPTW / "pr01.txt", 3)
    p = inst.problem
    assert p.n_stops == 48
    assert p.n_days == 3
    assert p.days[0] == Day(0, 1000)
    first = p.stops[0]
    assert (first.id, first.score, first.service_s) == ("1", 12, 2)
    assert first.windows is not None
    assert first.windows[2] == ((354.0, 511.0),)
    d = ((-29.730 + 10.442) ** 2 + (64.136 - 19.999) ** 2) ** 0.5
    assert p.travel(0, 2, 0) == pytest.approx(-(-d * 100 // 1) / 100)
    assert p.travel(0, 2, 0) >= d
    exact = read_toptw(TOPTW / "pr01.txt", 3, round_up_decimals=None)
    assert exact.problem.travel(0, 2, 0) == pytest.approx(d)


def test_toptw_reader_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("1 2 5 1\n100 200\n0 0 0 0 0 0 0 0 1000\n")
    with pytest.raises(PlanningError, match=r"expected vertices 0\.\.5"):
        read_toptw(bad, 1)
    with pytest.raises(PlanningError, match="cannot read"):
        read_toptw(tmp_path / "missing.txt", 1)


def test_json_round_trip_of_a_toptw_instance(tmp_path: Path) -> None:
    inst = read_toptw(TOPTW / "pr02.txt", 2)
    path = tmp_path / "pr02.json"
    write_json(inst, path)
    again = read_json(path)
    assert again.problem.stops == inst.problem.stops
    assert again.problem.days == inst.problem.days
    assert again.coords == inst.coords
    n = inst.problem.n_nodes
    assert all(
        again.problem.travel(i, j, 0) == inst.problem.travel(i, j, 0)
        for i in range(n)
        for j in range(n)
    )
    assert write_json_text(again) == write_json_text(inst)


def test_json_round_trip_with_everything() -> None:
    doc = {
        "format": "tourroute-planning/1",
        "name": "heritage",
        "days": [
            {"start_s": 28800, "end_s": 64800, "max_driving_s": None},
            {"start_s": 28800, "end_s": 61200, "max_driving_s": 18000},
        ],
        "start": {"id": "thanh-hoa", "lon": 105.776, "lat": 19.807},
        "end": {"id": "vinh", "lon": 105.682, "lat": 18.673},
        "travel": {"metric": "haversine", "speed_kph": 60, "detour": 1.2},
        "stops": [
            {
                "id": "thanh-nha-ho",
                "lon": 105.605,
                "lat": 20.078,
                "score": 9,
                "service_s": 5400,
                "windows": [[25200, 61200]],
                "must_visit": True,
                "name": "Thành nhà Hồ",
            },
            {
                "id": "kim-lien",
                "lon": 105.552,
                "lat": 18.68,
                "score": 8,
                "service_s": 3600,
                "windows_by_day": [[[27000, 41400], [48600, 61200]], []],
            },
            {"id": "bien-sam-son", "lon": 105.905, "lat": 19.74, "score": 4},
        ],
        "overnights": [{"id": "cua-lo", "lon": 105.72, "lat": 18.82, "motorhome_ok": True}],
        "max_daily_driving_s": 21600,
        "driver_rules": "coach",
    }
    inst = read_json_text(json.dumps(doc))
    p = inst.problem
    assert p.stops[1].windows == (((27000, 41400), (48600, 61200)), ())
    assert p.stops[2].windows is None
    assert p.driver_rules == COACH_RULES
    assert p.distance(0, 2, 0) == pytest.approx(p.travel(0, 2, 0) * 60 / 3.6)
    assert 28_000 < p.distance(0, 2, 0) / 1.2 < 40_000  # Thanh Hóa city → Thành nhà Hồ
    again = read_json_text(write_json_text(inst))
    assert again.problem.stops == p.stops
    assert again.problem.overnights == p.overnights
    assert again.problem.days == p.days
    assert again.problem.driver_rules == COACH_RULES
    sol = solve(p, seed=1)
    assert check_solution(p, sol) == []
    assert "thanh-nha-ho" in sol.visited()


def test_json_matrix_form_round_trip() -> None:
    p = line_problem([10, 20], service_s=600)
    text = write_json_text(Instance(p))
    doc = json.loads(text)
    assert doc["travel"]["metric"] == "matrix"
    assert len(doc["travel"]["durations_s"]) == 4
    assert read_json_text(text).problem.stops == p.stops


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"format": "other/1"}', "format must be"),
        ('{"days": [], "travel": {"metric": "teleport"}, "start": {}}', "travel.metric"),
        (
            '{"tours": 1, "tour_window_s": [0, 9], "travel": {"metric": "euclidean"},'
            ' "start": {"x": 0, "y": 0}, "stops": [{"id": "a", "x": 1, "y": "far", "score": 1}]}',
            r"stops\[0\].y must be a finite number",
        ),
        (
            '{"tours": 1, "tour_window_s": [0, 9], "travel": {"metric": "matrix",'
            ' "durations_s": [[0]]}, "start": {}, "stops": []}',
            "must be 2×2",
        ),
    ],
)
def test_json_reader_errors(text: str, message: str) -> None:
    with pytest.raises(PlanningError, match=message):
        read_json_text(text)


# -- CLI ---------------------------------------------------------------------------------------
def test_cli_plan_solve(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "pr01.json"
    write_json(read_toptw(TOPTW / "pr01.txt", 1), path)
    assert cli_main(["plan", "solve", str(path), "--seed", "3", "--time-limit", "20"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("instance: pr01 m=1, 1 day(s), 48 candidate stops")
    score_line = out.strip().splitlines()[-1]
    assert score_line.startswith("score: ")
    assert "seed 3" in score_line
    assert float(score_line.split()[1]) > 250
    assert cli_main(["plan", "solve", str(path), "--json", "--iterations", "20"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["score"] == sum(v["score"] for d in data["days"] for v in d["visits"])


def test_cli_plan_solve_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"days": [{"start_s": 10, "end_s": 5}]}')
    assert cli_main(["plan", "solve", str(bad)]) == 2
    assert "bad.json" in capsys.readouterr().err
    assert cli_main(["plan", "solve", str(tmp_path / "missing.json")]) == 2
    assert "cannot read" in capsys.readouterr().err
