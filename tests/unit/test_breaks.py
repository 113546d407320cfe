"""Convoy stops and meal breaks laid into a planned day (tourroute.itineraries.breaks)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence

import pytest

from tourroute.itineraries.breaks import (
    BreakPlace,
    ConvoyRules,
    DayInput,
    DaySchedule,
    LegResult,
    MealRule,
    VisitSpec,
    schedule_day,
)
from tourroute.routing.convoy import convoy_factor, convoy_vehicle, stations_along
from tourroute.routing.profiles import Vehicle

H = 3600.0
KM_PER_DEG = 111.32 * math.cos(math.radians(19.0))  # along the parallel 19° N
SPEED_MS = 50 / 3.6  # 50 km/h on our straight test road


def _points(**xs: float) -> dict[str, tuple[float, float]]:
    """Places on the parallel 19° N at the given longitudes."""
    return {k: (105.0 + v, 19.0) for k, v in xs.items()}


def _router(pts: dict[str, tuple[float, float]]) -> Callable[[str, str], LegResult]:
    def route(a: str, b: str) -> LegResult:
        d = abs(pts[a][0] - pts[b][0]) * KM_PER_DEG * 1000
        return LegResult(a, b, d, d / SPEED_MS, [pts[a], pts[b]])

    return route


def _day(
    pts: dict[str, tuple[float, float]],
    visits: tuple[VisitSpec, ...] = (),
    *,
    end_by: float = 22 * H,
    cap: float | None = None,
    fuel: Sequence[BreakPlace] = (),
    meal_places: Sequence[BreakPlace] = (),
    convoy: ConvoyRules | None = None,
    meals: Sequence[MealRule] = (),
    fuel_since_m: float = 0.0,
) -> DaySchedule:
    return schedule_day(
        DayInput("a", "b", 8 * H, visits, end_by, cap),
        _router(pts),
        pts.__getitem__,
        fuel=fuel,
        meal_places=meal_places,
        convoy=convoy,
        meals=meals,
        fuel_since_m=fuel_since_m,
    )


def _driving_between_stops(s: DaySchedule) -> list[float]:
    """Driving time between consecutive stops of any kind (start, visits, breaks, end)."""
    out, acc = [], 0.0
    for e in s.events:
        if e.kind == "leg":
            acc += e.end_s - e.start_s
        else:
            out.append(acc)
            acc = 0.0
    return [*out, acc]


def test_convoy_factor_and_vehicle() -> None:
    assert convoy_factor(1) == 1.0
    assert convoy_factor(2) == pytest.approx(1.065)
    assert [convoy_factor(n) for n in (4, 6, 10)] == pytest.approx([1.095, 1.125, 1.185])
    assert convoy_factor(100) == 1.35
    assert all(
        convoy_factor(n) < convoy_factor(n + 1) for n in range(1, 20)
    )  # grows with the column
    assert convoy_vehicle(cars=5, motorbikes=0) is Vehicle.car
    assert convoy_vehicle(cars=5, motorbikes=1) is Vehicle.motorbike
    with pytest.raises(ValueError, match="at least one vehicle"):
        convoy_factor(0)
    with pytest.raises(ValueError, match="at least one vehicle"):
        convoy_vehicle(cars=0, motorbikes=0)


def test_stations_along_orders_by_distance_and_drops_far_ones() -> None:
    road = [(105.0, 19.0), (105.5, 19.0)]
    found = stations_along(road, [(105.4, 19.005), (105.1, 19.0), (105.2, 19.2)], 1_000)
    assert [s.index for s in found] == [1, 0]
    assert found[0].along_m < found[1].along_m
    assert found[1].offset_m == pytest.approx(553, rel=0.02)


def test_no_stop_on_a_short_drive() -> None:
    pts = _points(a=0, b=0.5, f=0.25)  # 52 km, about an hour
    s = _day(pts, fuel=[BreakPlace("f", pts["f"])], convoy=ConvoyRules())
    assert [e.kind for e in s.events] == ["leg"]


def test_long_drive_stops_at_the_station_furthest_before_the_limit() -> None:
    # 300 km at 50 km/h = 6 h: the 2 h limit falls at 100 km; stations at 40, 90, 130 km.
    pts = _points(a=0, b=300 / KM_PER_DEG, f40=40 / KM_PER_DEG, f90=90 / KM_PER_DEG)
    pts |= _points(f130=130 / KM_PER_DEG, f185=185 / KM_PER_DEG, f260=260 / KM_PER_DEG)
    fuel = [BreakPlace(k, v) for k, v in pts.items() if k.startswith("f")]
    s = _day(pts, fuel=fuel, convoy=ConvoyRules())
    stops = [e.place for e in s.events if e.kind == "break"]
    assert stops == ["f90", "f185", "f260"]
    assert max(_driving_between_stops(s)) <= 2 * H + 1
    assert all(e.break_type == "fuel" for e in s.events if e.kind == "break")
    # each stop takes its 20 minutes
    assert all(e.end_s - e.start_s == 20 * 60 for e in s.events if e.kind == "break")


def test_refuel_limit_counts_across_visits_and_days() -> None:
    # Two 80 km drives with a visit between: the visit regroups, but 160 km > 150 km of
    # fuel, so a stop falls on the second drive; the counter then carries to the next day.
    pts = _points(a=0, v=80 / KM_PER_DEG, b=160 / KM_PER_DEG, f=150 / KM_PER_DEG)
    pts |= _points(g=120 / KM_PER_DEG)
    visit = VisitSpec("v", 30 * 60, None, 1.0, must=False)
    fuel = [BreakPlace("f", pts["f"]), BreakPlace("g", pts["g"])]
    s = _day(pts, (visit,), fuel=fuel, convoy=ConvoyRules())
    breaks = [e for e in s.events if e.kind == "break"]
    assert [(e.place, e.reason) for e in breaks] == [("f", "refuel")]
    assert s.fuel_since_m == pytest.approx(10_000, rel=0.01)
    # Starting a day with 140 km already driven: a stop early on the 52 km drive.
    pts2 = _points(a=0, b=0.5, f=0.05)
    s2 = _day(pts2, fuel=[BreakPlace("f", pts2["f"])], convoy=ConvoyRules(), fuel_since_m=140e3)
    assert [e.place for e in s2.events if e.kind == "break"] == ["f"]


def test_no_station_in_reach_regroups_by_the_road_and_says_so() -> None:
    pts = _points(a=0, b=300 / KM_PER_DEG, far=(150 / KM_PER_DEG))
    far = (pts["far"][0], pts["far"][1] + 0.2)  # 22 km off the road
    s = _day(pts, fuel=[BreakPlace("far", far)], convoy=ConvoyRules())
    breaks = [e for e in s.events if e.kind == "break"]
    assert breaks
    assert all(e.reason == "regroup" and not e.near_route for e in breaks)
    assert "no fuel station" in (breaks[0].note or "")
    assert max(_driving_between_stops(s)) <= 2 * H + 1
    assert s.problems


LUNCH = MealRule("lunch", 11 * H, 13.5 * H, H)


def test_lunch_on_the_road_inside_its_window() -> None:
    # 250 km from 08:00 at 50 km/h: the window opens 150 km out; meal stops at 100 and 170 km.
    pts = _points(a=0, b=250 / KM_PER_DEG, m100=100 / KM_PER_DEG, m170=170 / KM_PER_DEG)
    meals = [BreakPlace("m100", pts["m100"]), BreakPlace("m170", pts["m170"])]
    s = _day(pts, meal_places=meals, meals=[LUNCH])
    (lunch,) = [e for e in s.events if e.kind == "break"]
    assert lunch.place == "m170"
    assert 11 * H <= lunch.start_s <= 12.5 * H
    assert lunch.end_s - lunch.start_s == H
    assert lunch.near_route


def test_lunch_where_the_convoy_is_when_no_meal_stop_is_near() -> None:
    pts = _points(a=0, v=0.3, b=0.5)
    visit = VisitSpec("v", 3 * H, None, 1.0, must=True)  # arrive ~08:36, leave ~11:36
    s = _day(pts, (visit,), meals=[LUNCH], meal_places=[BreakPlace("x", (107.0, 21.0))])
    (lunch,) = [e for e in s.events if e.kind == "break"]
    assert lunch.place == "v"
    assert not lunch.near_route
    assert "where the convoy is" in (lunch.note or "")
    assert 11 * H <= lunch.start_s <= 12.5 * H


def test_an_optional_visit_gives_way_when_the_breaks_no_longer_fit() -> None:
    pts = _points(a=0, v=0.1, w=0.2, b=0.3)
    keep = VisitSpec("v", 2 * H, ((8 * H, 12 * H),), 5.0, must=True)
    drop = VisitSpec("w", 2 * H, ((8 * H, 13 * H),), 1.0, must=False)
    # Without lunch both fit (w from ~10:26 to ~12:26); lunch after v pushes w past 13:00.
    assert not _day(pts, (keep, drop)).dropped
    s = _day(pts, (keep, drop), meals=[MealRule("lunch", 10 * H, 12 * H, H)])
    assert s.dropped == ["w"]
    assert [e.place for e in s.events if e.kind == "visit"] == ["v"]


def test_visits_keep_their_opening_hours_after_the_breaks() -> None:
    pts = _points(a=0, v=1.0, w=2.0, b=3.0)  # 105 km hops: stops on every leg
    v = VisitSpec("v", H, ((9 * H, 17 * H),), 1.0, must=True)
    w = VisitSpec("w", H, ((13 * H, 17 * H),), 1.0, must=True)
    fuel = [BreakPlace(f"f{i}", (105.0 + i / 10, 19.0)) for i in range(1, 30)]
    pts |= {f.id: f.coord for f in fuel}
    s = _day(pts, (v, w), fuel=fuel, convoy=ConvoyRules(), meals=[LUNCH])
    for e in s.events:
        if e.kind == "visit":
            assert e.visit is not None
            windows = e.visit.windows or ()
            assert any(o <= e.start_s and e.end_s <= c for o, c in windows)
    assert max(_driving_between_stops(s)) <= 2 * H + 1
    times = [t for e in s.events for t in (e.start_s, e.end_s)]
    assert all(x <= y + 1e-6 for x, y in itertools.pairwise(times))
