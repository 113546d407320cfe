"""The pure routing library on small hand-made networks and random grids."""

from __future__ import annotations

import random

import numpy as np
import pytest
from pyproj import Geod
from shapely.geometry import box

from tourroute.routing import NoRoute, Preference, Segment, SnapError, Vehicle, build_graph, route
from tourroute.routing.convoy import convoy_avoid, convoy_vehicle
from tourroute.routing.graph import Coord, RoadGraph
from tourroute.routing.profiles import PROFILES
from tourroute.routing.route import Router
from tourroute.routing.snap import Snap, Snapper

GEOD = Geod(ellps="WGS84")
A, B = (105.0, 19.0), (105.5, 19.0)
EXPRESSWAY = Segment(
    "ct01",
    (A, (105.25, 19.0), B),
    ref="CT.01",
    corridors=("expressway-north-south-east",),
    road_class="motorway",
    toll=True,
    motorbike_forbidden=True,
    maxspeed_kph=120,
)
HIGHWAY = Segment(
    "ql1a",
    (A, (105.25, 19.04), B),
    ref="QL1A",
    corridors=("ql1a",),
    road_class="trunk",
    scenic=1,
)
COAST = Segment(
    "coast",
    (A, (105.25, 19.12), B),
    ref="ĐT537C",
    corridors=("coastal-road",),
    road_class="secondary",
    scenic=5,
)
WEST = (104.9, 19.0)
EAST = (105.6, 19.0)
LINKS = [
    Segment("west", (WEST, A), road_class="primary"),
    Segment("east", (B, EAST), road_class="primary"),
]


@pytest.fixture(scope="module")
def corridors() -> RoadGraph:
    return build_graph([EXPRESSWAY, HIGHWAY, COAST, *LINKS])


def test_car_takes_the_expressway_motorbike_never(corridors: RoadGraph) -> None:
    car = route(corridors, WEST, EAST, Vehicle.car)
    bike = route(corridors, WEST, EAST, Vehicle.motorbike)
    assert "ct01" in car.segment_ids
    assert "ct01" not in bike.segment_ids
    assert bike.by_ref.get("QL1A", 0) > 50_000
    assert bike.duration_s > car.duration_s


@pytest.mark.parametrize("avoid", [{"toll"}, {"expressway"}, {"expressway-north-south-east"}])
def test_avoid(corridors: RoadGraph, avoid: set[str]) -> None:
    r = route(corridors, WEST, EAST, Vehicle.car, avoid=avoid)
    assert "ct01" not in r.segment_ids


def test_scenic_prefers_the_coast_and_shortest_the_straight_line(corridors: RoadGraph) -> None:
    assert "coast" in route(corridors, WEST, EAST, Vehicle.car, Preference.scenic).segment_ids
    assert "ct01" in route(corridors, WEST, EAST, Vehicle.car, Preference.shortest).segment_ids


def test_excluded_area_forces_a_detour(corridors: RoadGraph) -> None:
    flooded = box(105.2, 18.98, 105.3, 19.06)  # covers the expressway and QL1A mid-points
    r = route(corridors, WEST, EAST, Vehicle.car, excluded=flooded)
    assert r.segment_ids == ["west", "coast", "east"]
    with pytest.raises(NoRoute):
        route(corridors, WEST, EAST, Vehicle.car, excluded=box(105.2, 18.9, 105.3, 19.2))


def test_breakdown_adds_up(corridors: RoadGraph) -> None:
    r = route(corridors, WEST, EAST, Vehicle.motorbike)
    assert sum(r.by_ref.values()) == pytest.approx(r.by_ref["QL1A"])
    total_with_links = r.by_ref["QL1A"] + 2 * GEOD.inv(*WEST, *A)[2]
    assert r.distance_m == pytest.approx(total_with_links, rel=1e-3)
    assert r.coords[0] == pytest.approx(WEST)
    assert r.coords[-1] == pytest.approx(EAST)


def test_snapping_projects_onto_the_line_not_the_nearest_node() -> None:
    g = build_graph([Segment("long", ((105.0, 19.0), (105.2, 19.0)), road_class="primary")])
    snap = Snapper(g).snap((105.1, 19.001), np.ones(g.arc_count, dtype=bool))
    assert snap.on_road[0] == pytest.approx(105.1, abs=1e-6)
    assert snap.on_road[1] == pytest.approx(19.0, abs=1e-9)
    assert snap.distance_m == pytest.approx(110.7, abs=0.5)
    r = route(g, (105.05, 19.001), (105.15, 18.999), Vehicle.car)
    assert r.distance_m == pytest.approx(GEOD.inv(105.05, 19.0, 105.15, 19.0)[2], rel=1e-3)


def test_oneway_is_respected() -> None:
    g = build_graph(
        [
            Segment("one", ((105.0, 19.0), (105.1, 19.0)), road_class="primary", oneway=True),
            Segment(
                "around", ((105.1, 19.0), (105.05, 19.05), (105.0, 19.0)), road_class="tertiary"
            ),
        ]
    )
    forward = route(g, (105.01, 19.0), (105.09, 19.0), Vehicle.car)
    backward = route(g, (105.09, 19.0), (105.01, 19.0), Vehicle.car)
    assert forward.segment_ids == ["one"]
    assert "around" in backward.segment_ids
    assert backward.distance_m > 2 * forward.distance_m


def test_caravan_keeps_off_unsuitable_roads() -> None:
    pass_road = Segment(
        "pass", ((105.0, 19.0), (105.1, 19.0)), road_class="tertiary", motorhome_unsuitable=True
    )
    detour = Segment("detour", ((105.0, 19.0), (105.05, 18.9), (105.1, 19.0)), road_class="primary")
    g = build_graph([pass_road, detour])
    assert route(g, (105.0, 19.0), (105.1, 19.0), Vehicle.car).segment_ids == ["pass"]
    assert route(g, (105.0, 19.0), (105.1, 19.0), Vehicle.motorhome).segment_ids == ["detour"]


# A tertiary road between two villages, a straighter residential lane beside it and a
# farm track that cuts the corner (tracks are always stored unpaved).
T_WEST, T_EAST = (105.0, 19.0), (105.1, 19.0)
TERTIARY = Segment("tertiary", (T_WEST, (105.05, 19.012), T_EAST), road_class="tertiary")
LANE = Segment("lane", (T_WEST, (105.05, 19.006), T_EAST), road_class="residential")
TRACK = Segment("track", (T_WEST, T_EAST), road_class="track", surface="unpaved")


def test_a_residential_lane_is_slower_than_a_tertiary_road() -> None:
    for vehicle in Vehicle:
        profile = PROFILES[vehicle]
        residential = profile.speed_kph("residential", None)
        tertiary = profile.speed_kph("tertiary", None)
        assert residential is not None
        assert tertiary is not None
        assert residential < tertiary
        for slow in ("living_street", "service"):
            assert (profile.speed_kph(slow, None) or 0) <= residential
    g = build_graph([TERTIARY, LANE])
    fastest = route(g, T_WEST, T_EAST, Vehicle.car)
    shortest = route(g, T_WEST, T_EAST, Vehicle.car, Preference.shortest)
    assert fastest.segment_ids == ["tertiary"]  # longer, but faster than the lane
    assert shortest.segment_ids == ["lane"]
    assert shortest.distance_m < fastest.distance_m
    assert shortest.duration_s > fastest.duration_s


def test_tracks_only_for_a_profile_that_allows_them_and_never_with_avoid_unpaved() -> None:
    assert [v for v in Vehicle if PROFILES[v].speed_kph("track", None) is not None] == [
        Vehicle.motorbike
    ]
    g = build_graph([TERTIARY, TRACK])
    for vehicle in (Vehicle.car, Vehicle.coach, Vehicle.motorhome):
        assert route(g, T_WEST, T_EAST, vehicle).segment_ids == ["tertiary"]
    by_motorbike = route(g, T_WEST, T_EAST, Vehicle.motorbike, Preference.shortest)
    assert by_motorbike.segment_ids == ["track"]
    for vehicle in Vehicle:
        r = route(g, T_WEST, T_EAST, vehicle, Preference.shortest, avoid={"unpaved"})
        assert r.segment_ids == ["tertiary"]
    # A track counts as unpaved even if someone stored it as paved.
    paved_track = Segment("track", TRACK.coords, road_class="track", surface="paved")
    g = build_graph([TERTIARY, paved_track])
    r = route(g, T_WEST, T_EAST, Vehicle.motorbike, Preference.shortest, avoid={"unpaved"})
    assert r.segment_ids == ["tertiary"]


def test_a_convoy_of_cars_and_motorbikes_keeps_off_tracks() -> None:
    g = build_graph([TERTIARY, TRACK])
    vehicle = convoy_vehicle(cars=3, motorbikes=2)
    avoid = convoy_avoid(cars=3, motorbikes=2)
    assert vehicle is Vehicle.motorbike
    r = route(g, T_WEST, T_EAST, vehicle, Preference.shortest, avoid=avoid)
    assert r.segment_ids == ["tertiary"]
    motorbikes_only = convoy_avoid(cars=0, motorbikes=2)
    r = route(g, T_WEST, T_EAST, Vehicle.motorbike, Preference.shortest, avoid=motorbikes_only)
    assert r.segment_ids == ["track"]


def test_a_track_alone_is_no_route_for_a_car() -> None:
    g = build_graph([TRACK])
    with pytest.raises((NoRoute, SnapError)):
        route(g, T_WEST, T_EAST, Vehicle.car)
    assert route(g, T_WEST, T_EAST, Vehicle.motorbike).segment_ids == ["track"]


def test_far_point_cannot_snap() -> None:
    g = build_graph([Segment("s", ((105.0, 19.0), (105.1, 19.0)), road_class="primary")])
    with pytest.raises(SnapError):
        route(g, (106.5, 19.0), (105.05, 19.0), Vehicle.car)


def test_try_snap_answers_as_snap_does_and_remembers_per_model() -> None:
    """The isochrone's and the composer's snaps: the same answer as ``snap``, ``None`` where
    it fails, and a second ask never searches again (the snapper is not called)."""
    g = build_graph([Segment("s", ((105.0, 19.0), (105.1, 19.0)), road_class="primary")])
    router = Router(g, fast=False)
    car = router.model(Vehicle.car)
    near, far = (105.05, 19.001), (106.5, 19.0)
    assert router.try_snap(near, car) == router.snap(near, car)
    assert router.try_snap(far, car) is None
    calls: list[Coord] = []
    real = router.snapper.snap

    def counted(point: Coord, usable: np.ndarray, max_distance_m: float = 20_000.0) -> Snap:
        calls.append(point)
        return real(point, usable, max_distance_m)

    router.snapper.snap = counted  # type: ignore[method-assign]  # a counting spy on one router
    assert router.try_snap(near, car) == router.snap(near, car)
    assert router.try_snap(far, car) is None
    assert len(calls) == 1  # only the plain snap() searched
    motorbike = router.model(Vehicle.motorbike)  # another model: its own answers
    assert router.try_snap(near, motorbike) is not None
    assert len(calls) == 2


def _random_grid(rng: random.Random, n: int = 8) -> RoadGraph:
    """A jittered grid: expressway rows every 3rd, random classes, some one-way streets."""
    step = 0.02
    pts = {
        (i, j): (
            105 + i * step + rng.uniform(-0.004, 0.004),
            19 + j * step + rng.uniform(-0.004, 0.004),
        )
        for i in range(n)
        for j in range(n)
    }
    segs = []
    for (i, j), p in pts.items():
        for di, dj in ((1, 0), (0, 1)):
            q = pts.get((i + di, j + dj))
            if q is None:
                continue
            motorway = dj == 0 and j % 3 == 0
            segs.append(
                Segment(
                    f"s{i}-{j}-{di}{dj}",
                    (p, q),
                    road_class="motorway"
                    if motorway
                    else rng.choice(["primary", "secondary", "tertiary"]),
                    motorbike_forbidden=motorway,
                    toll=motorway,
                    oneway=not motorway and rng.random() < 0.1,
                )
            )
    return build_graph(segs)


@pytest.mark.parametrize("seed", range(5))
def test_random_routes_obey_the_rules(seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 (reproducible test data)
    g = _random_grid(rng)
    snapper = Snapper(g)
    for _ in range(15):
        a = (rng.uniform(105.0, 105.14), rng.uniform(19.0, 19.14))
        b = (rng.uniform(105.0, 105.14), rng.uniform(19.0, 19.14))
        for vehicle in Vehicle:
            try:
                r = route(g, a, b, vehicle, snapper=snapper)
            except NoRoute:
                continue
            segs = [g.segments[s] for s in r.segment_ids]
            if vehicle is Vehicle.motorbike:
                assert not any(s.road_class == "motorway" for s in segs)
            straight = GEOD.inv(*r.origin.on_road, *r.destination.on_road)[2]
            assert r.distance_m >= straight * 0.999 - 1
            assert r.duration_s > 0 or r.distance_m < 1
            speed_cap = max(
                PROFILES[vehicle].speed_kph(c, None) or 0 for c in ("motorway", "trunk")
            )
            assert r.distance_m / max(r.duration_s, 1e-9) <= speed_cap / 3.6 + 1e-6


@pytest.mark.parametrize("fast", [False, True], ids=["reference", "cch"])
def test_a_point_on_the_head_node_of_a_one_way_road_is_that_node(fast: bool) -> None:
    """Found by the pgRouting comparison: a point exactly on the node where a one-way road
    ends, snapped onto that road at fraction 1, could only be reached by driving the whole
    one-way road (here a 22 km loop instead of the 11 km side road)."""
    one_way = Segment("one", ((105.0, 19.0), (105.1, 19.0)), road_class="primary", oneway=True)
    back = Segment(
        "back", ((105.1, 19.0), (105.05, 18.9), (105.0, 19.0)), road_class="primary", oneway=True
    )
    side = Segment("side", ((105.1, 19.1), (105.1, 19.0)), road_class="primary")
    g = build_graph([one_way, back, side])
    router = Router(g, fast=fast)
    model = router.model(Vehicle.car)
    one = next(a for a in range(g.arc_count) if g.edge(a).segment.id == "one")
    at_head = Snap((105.1, 19.0), (105.1, 19.0), one, 1.0, 0.0)
    _, arrive = router.ends(at_head, model)
    assert arrive[int(g.heads[one])] == 0.0
    leave, _ = router.ends(router.snap((105.1, 19.1), model), model)
    found = router.shortest(model, leave, arrive)
    assert found is not None
    side_arcs = [a for a in range(g.arc_count) if g.edge(a).segment.id == "side"]
    assert found[0] == pytest.approx(min(model.arc_costs(g)[side_arcs]), rel=1e-3)


@pytest.mark.parametrize("fast", [False, True], ids=["reference", "cch"])
def test_a_reach_ends_part_way_along_the_road_where_the_budget_runs_out(fast: bool) -> None:
    """The steps of the arc the budget ends on are cut where it ends, driving either way."""
    a = Segment("a", ((105.0, 19.0), (105.04, 19.0), (105.05, 19.0)), road_class="primary")
    b = Segment("b", ((105.05, 19.0), (105.06, 19.0), (105.1, 19.0)), road_class="primary")
    g = build_graph([a, b])
    router = Router(g, fast=fast)
    model = router.model(Vehicle.car)
    seconds = {
        s: model.seconds(g.edge(i)) for i in range(g.arc_count) for s in [g.edge(i).segment.id]
    }
    east = router.reachable(
        router.snap((105.0, 19.0), model), model, seconds["a"] + seconds["b"] / 2
    )
    assert east.vertices[:, 0].max() == pytest.approx(105.075, abs=1e-4)
    west = router.reachable(
        router.snap((105.1, 19.0), model), model, seconds["b"] + seconds["a"] / 2
    )
    assert west.vertices[:, 0].min() == pytest.approx(105.025, abs=1e-4)


def test_a_road_ending_on_another_ones_line_joins_it_there() -> None:
    """A T-junction: the side road's end lies on the main road's line between two of its
    vertices (as the OSM import leaves a side road it joins to a curated road); the graph
    splits the main road there, as it is curated.  A point 1 m off the line joins nothing,
    and an OSM way's line is never split: OSM ways meet at shared nodes."""
    main = Segment("main", ((105.0, 19.0), (105.1, 19.0)), road_class="primary", curated=True)
    side = Segment("side", ((105.05, 19.05), (105.05, 19.0)), road_class="tertiary")
    near = Segment("near", ((105.07, 19.05), (105.07, 19.000009)), road_class="tertiary")
    g = build_graph([main, side, near])
    assert g.arc_count == 8  # main split in two at the junction; side; near on its own
    r = route(g, (105.05, 19.05), (105.1, 19.0), Vehicle.car)
    assert r.segment_ids == ["side", "main"]
    assert r.distance_m == pytest.approx(
        GEOD.inv(105.05, 19.05, 105.05, 19.0)[2] + GEOD.inv(105.05, 19.0, 105.1, 19.0)[2], rel=1e-6
    )
    assert g.segments["main"].coords == ((105.0, 19.0), (105.05, 19.0), (105.1, 19.0))
    plain = build_graph([Segment("main", main.coords, road_class="primary"), side, near])
    assert plain.arc_count == 6  # nothing split: side's end is a node of its own
    expressway = Segment("main", main.coords, road_class="motorway", curated=True)
    assert build_graph([expressway, side, near]).arc_count == 6  # no level junctions
    ramp = Segment("side", side.coords, road_class="motorway", oneway=True)
    assert build_graph([expressway, ramp]).arc_count == 5  # the ramp joins: 2 + 2 + 1


@pytest.mark.parametrize("seed", range(5))
def test_line_part_cuts_as_shapely_substring_does(seed: int) -> None:
    """The route's end arcs are cut with numpy (_line_part); shapely's substring is the
    reference: same points, for random lines and fractions, zero-length steps included."""
    from shapely.geometry import LineString
    from shapely.ops import substring

    from tourroute.routing.route import _line_part

    rng = np.random.default_rng(seed)
    for _ in range(200):
        n = int(rng.integers(2, 9))
        line = 105.0 + rng.random((n, 2)) * 0.01
        if n > 3:
            line[2] = line[1]  # a repeated vertex: a step of no length
        lo, hi = sorted(float(x) for x in rng.random(2))
        if rng.random() < 0.2:
            lo = hi = float(rng.choice([0.0, 1.0, hi]))
        got = _line_part(line, lo, hi)
        if hi <= lo:
            want = np.array(list(LineString(line).interpolate(lo, normalized=True).coords) * 2)
        else:
            want = np.array(substring(LineString(line), lo, hi, normalized=True).coords)
            if len(want) == 1:
                want = np.repeat(want, 2, axis=0)
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


@pytest.mark.parametrize("seed", range(4))
def test_times_to_many_points_as_the_ends_of_each_say(seed: int) -> None:
    """The isochrone's site times, all at once (times_to), against the definition point by
    point: the best of the point's arriving ends (Router.ends) and, on the origin's own arc
    ahead of it, the drive along that arc; None beyond the budget.  Points on nodes, on
    one-way streets and on the origin's arc included."""
    rng = random.Random(seed)  # noqa: S311 (reproducible test data)
    g = _random_grid(rng)
    router = Router(g, fast=False)
    car = router.model(Vehicle.car)
    origin = router.snap((105.07, 19.07), car)
    points = [(105 + rng.uniform(0, 0.14), 19 + rng.uniform(0, 0.14)) for _ in range(60)]
    snaps = [router.snap(p, car) for p in points]
    snaps += [Snap(origin.point, origin.on_road, origin.edge, f, 0.0) for f in (0.0, 0.7, 1.0)]
    snaps += [Snap(s.point, s.on_road, s.edge, f, 0.0) for s in snaps[:5] for f in (0.0, 1.0)]
    for budget in (120.0, 400.0, 5000.0):
        reach = router.reachable(origin, car, budget)
        seconds = router.seconds(reach.model)
        expected: list[float | None] = []
        for s in snaps:
            best = float("inf")
            if s.edge == origin.edge and s.fraction >= origin.fraction:
                best = float(seconds[s.edge]) * (s.fraction - origin.fraction)
            for node, extra in router.ends(s, reach.model)[1].items():
                best = min(best, float(reach.seconds[node]) + extra)
            expected.append(best if best <= budget else None)
        got = router.times_to(reach, snaps)
        assert [g is None for g in got] == [e is None for e in expected]
        assert [g for g in got if g is not None] == pytest.approx(
            [e for e in expected if e is not None], rel=1e-12, abs=1e-9
        )
        assert any(g is None for g in got) or budget == 5000.0
        assert any(g is not None for g in got)
