"""route_steps: stretches and junctions read off a small road graph, then turned into steps."""

from __future__ import annotations

import math

import pytest

from tourroute.routing.directions import is_ring_arc, route_steps
from tourroute.routing.graph import Segment, build_graph
from tourroute.routing.route import Router

CENTRE = (105.68, 18.67)


def at(east_m: float, north_m: float, origin: tuple[float, float] = CENTRE) -> tuple[float, float]:
    lon0, lat0 = origin
    return (
        round(lon0 + east_m / (111_320.0 * math.cos(math.radians(lat0))), 7),
        round(lat0 + north_m / 110_574.0, 7),
    )


def crossroads() -> Router:
    """QL46 west → east through a crossing with QL7 (north–south) and an unnamed lane."""
    return Router(
        build_graph(
            [
                Segment("w", (at(-800, 0), at(0, 0)), ref="QL46", road_class="primary"),
                Segment("e", (at(0, 0), at(800, 0)), ref="QL46", road_class="primary"),
                Segment("s", (at(0, 0), at(0, -700)), ref="QL7", road_class="primary"),
                Segment("n", (at(0, 0), at(0, 600)), name="Lê Lợi", road_class="tertiary"),
            ]
        ),
        fast=False,
    )


def test_turn_right_onto_the_road_taken_with_distances_adding_up() -> None:
    router = crossroads()
    model = router.model()
    route = router.route(at(-500, 0), at(0, -400), model)
    steps = route_steps(router, route, model)
    assert [(s.kind, s.modifier) for s in steps] == [
        ("depart", None),
        ("turn", "right"),
        ("arrive", None),
    ]
    assert [s.text_vi for s in steps] == [
        "Khởi hành trên QL46 về hướng đông",
        "Rẽ phải vào QL7",
        "Đến nơi",
    ]
    assert steps[1].location == pytest.approx(at(0, 0))
    assert steps[1].bearing_before == pytest.approx(90.0, abs=1.0)
    assert steps[1].bearing_after == pytest.approx(180.0, abs=1.0)
    assert sum(s.distance_m for s in steps) == pytest.approx(route.distance_m, abs=1e-6)
    assert sum(s.duration_s for s in steps) == pytest.approx(route.duration_s, abs=1e-6)
    assert steps[0].distance_m == pytest.approx(500.0, rel=0.01)


def test_left_turn_onto_a_named_street_and_straight_through_on_the_same_road() -> None:
    router = crossroads()
    model = router.model()
    left = route_steps(router, router.route(at(-500, 0), at(0, 300), model), model)
    assert left[1].text_en == "Turn left onto Lê Lợi"
    assert left[1].text_vi == "Rẽ trái vào đường Lê Lợi"
    through = route_steps(router, router.route(at(-500, 0), at(500, 0), model), model)
    assert [s.kind for s in through] == ["depart", "arrive"]


def test_a_point_to_itself_departs_and_arrives() -> None:
    router = crossroads()
    model = router.model()
    steps = route_steps(router, router.route(at(-500, 0), at(-500, 0), model), model)
    assert [s.kind for s in steps] == ["depart", "arrive"]
    assert sum(s.distance_m for s in steps) == 0.0


def roundabout(one_way_block: bool = False) -> Router:
    """A one-way ring of 40 m radius, counter-clockwise (right-hand traffic), with arms to
    the south (QL1A), east (QL7), north (QL46) and west (unnamed); or, with
    ``one_way_block``, a square of one-way streets 80 m a side with the same arms."""
    n = 24
    corners = [(40, -40), (40, 40), (-40, 40), (-40, -40)]  # SE, NE, NW, SW

    def ring_point(k: int) -> tuple[float, float]:
        angle = math.radians(270 + 360 * k / n)
        return at(40 * math.cos(angle), 40 * math.sin(angle))

    segments = []
    if one_way_block:
        # Arms meet the square at the middle of each side: S, E, N, W.
        mids = [at(0, -40), at(40, 0), at(0, 40), at(-40, 0)]
        for i in range(4):
            corner = at(*corners[i])
            segments.append(
                Segment(
                    f"b{i}",
                    (mids[i], corner, mids[(i + 1) % 4]),
                    oneway=True,
                    road_class="tertiary",
                )
            )
        ends = mids
    else:
        for i in range(4):  # quarter rings between the arms
            segments.append(
                Segment(
                    f"r{i}",
                    tuple(ring_point(k) for k in range(6 * i, 6 * i + 7)),
                    oneway=True,
                    road_class="primary",
                )
            )
        ends = [ring_point(0), ring_point(6), ring_point(12), ring_point(18)]
    arms = [("QL1A", (0, -500)), ("QL7", (500, 0)), ("QL46", (0, 500)), (None, (-500, 0))]
    for (ref, far), end in zip(arms, ends, strict=True):
        segments.append(Segment(f"arm-{ref}", (end, at(*far)), ref=ref, road_class="primary"))
    return Router(build_graph(segments), fast=False)


@pytest.mark.parametrize(
    ("to", "exit_no", "road", "modifier"),
    [
        ((400, 0), 1, "QL7", "right"),
        ((0, 400), 2, "QL46", "straight"),
        ((-400, 0), 3, None, "left"),
    ],
)
def test_roundabout_from_the_geometry_counts_its_exits(
    to: tuple[float, float], exit_no: int, road: str | None, modifier: str
) -> None:
    router = roundabout()
    model = router.model()
    route = router.route(at(0, -400), at(*to), model)
    steps = route_steps(router, route, model)
    assert [s.kind for s in steps] == ["depart", "roundabout", "arrive"]
    step = steps[1]
    assert step.road_ref == road
    assert step.modifier == modifier
    ordinal = {1: "1st", 2: "2nd", 3: "3rd"}[exit_no]
    assert step.text_en.startswith(f"At the roundabout, take the {ordinal} exit onto ")
    assert step.text_vi.startswith("Vào vòng xuyến, đi theo lối ra thứ ")
    assert sum(s.distance_m for s in steps) == pytest.approx(route.distance_m, abs=1e-6)


def test_a_square_of_one_way_streets_is_not_a_roundabout() -> None:
    router = roundabout(one_way_block=True)
    model = router.model()
    route = router.route(at(0, -400), at(0, 400), model)
    steps = route_steps(router, route, model)
    assert "roundabout" not in [s.kind for s in steps]
    assert not any(is_ring_arc(router, arc) for arc, _, _ in route.arcs)
    # Around the block: right onto it, left at the corner…, then onto QL46.
    assert steps[-2].road_ref == "QL46"
    assert sum(s.distance_m for s in steps) == pytest.approx(route.distance_m, abs=1e-6)


def test_a_few_metres_of_the_crossing_street_are_driven_straight_through() -> None:
    """A staggered crossing: Quang Trung north, 9 m east along Phan Chu Trinh, north again."""
    jog_at, back_at = at(0, 0), at(9, 0)
    router = Router(
        build_graph(
            [
                Segment("qt-s", (at(0, -500), jog_at), name="Quang Trung", road_class="primary"),
                Segment("pct-w", (at(-400, 0), jog_at), name="Phan Chu Trinh"),
                Segment("pct", (jog_at, back_at), name="Phan Chu Trinh"),
                Segment("pct-e", (back_at, at(400, 0)), name="Phan Chu Trinh"),
                Segment("qt-n", (back_at, at(9, 500)), name="Quang Trung", road_class="primary"),
                Segment("nth", (at(9, 500), at(300, 500)), name="Nguyễn Thái Học"),
                Segment("ll", (at(9, 500), at(9, 900)), name="Lê Lợi", road_class="primary"),
            ]
        ),
        fast=False,
    )
    model = router.model()
    route = router.route(at(0, -300), at(200, 500), model)
    steps = route_steps(router, route, model)
    assert [s.text_vi for s in steps] == [
        "Khởi hành trên đường Quang Trung về hướng bắc",
        "Rẽ phải vào đường Nguyễn Thái Học",
        "Đến nơi",
    ]
    assert sum(s.distance_m for s in steps) == pytest.approx(route.distance_m, abs=1e-6)
    # Without the jog's neighbours on one road, a short stretch is a real maneuver.
    turn_off = route_steps(router, router.route(at(0, -300), at(200, 0), model), model)
    assert [s.kind for s in turn_off] == ["depart", "turn", "arrive"]


def test_a_short_unnamed_bridge_on_a_named_road_is_part_of_it() -> None:
    a, b = at(500, 0), at(580, 0)
    router = Router(
        build_graph(
            [
                Segment("w", (at(0, 0), a), name="Quốc Lộ 46A", road_class="primary"),
                Segment("bridge", (a, b), road_class="primary"),
                Segment("e", (b, at(1000, 0)), name="Quốc Lộ 46A", road_class="primary"),
                Segment("side-a", (a, at(500, -300)), name="Lê Lợi"),
                Segment("side-b", (b, at(580, 300)), name="Lê Lợi"),
            ]
        ),
        fast=False,
    )
    model = router.model()
    steps = route_steps(router, router.route(at(100, 0), at(900, 0), model), model)
    assert [s.kind for s in steps] == ["depart", "arrive"]
    assert steps[0].road_name == "Quốc Lộ 46A"
    # Turning off after the bridge: the bridge is not between two stretches of the road.
    off = route_steps(router, router.route(at(100, 0), at(580, 200), model), model)
    assert [(s.kind, s.modifier, s.road_name) for s in off][1:-1] == [
        ("continue", "straight", None),
        ("turn", "left", "Lê Lợi"),
    ]


def _bend(angle: float) -> Router:
    """QL7 east to a junction, then on at ``angle`` degrees to the right; a lane goes
    straight on east from the junction."""
    rad = math.radians(angle)
    return Router(
        build_graph(
            [
                Segment("in", (at(-600, 0), at(0, 0)), ref="QL7", road_class="primary"),
                Segment(
                    "out",
                    (at(0, 0), at(600 * math.cos(rad), -600 * math.sin(rad))),
                    ref="QL7",
                    road_class="primary",
                ),
                Segment("lane", (at(0, 0), at(600, 0)), road_class="unclassified"),
            ]
        ),
        fast=False,
    )


def test_the_same_road_bending_off_the_straight_way_is_announced() -> None:
    router = _bend(30.0)
    model = router.model()
    end = at(500 * math.cos(math.radians(30)), -500 * math.sin(math.radians(30)))
    steps = route_steps(router, router.route(at(-500, 0), end, model), model)
    assert [s.text_en for s in steps][1:-1] == ["Keep right onto QL7"]


def test_the_same_road_straight_through_a_junction_is_not_announced() -> None:
    router = _bend(5.0)
    model = router.model()
    end = at(500 * math.cos(math.radians(5)), -500 * math.sin(math.radians(5)))
    steps = route_steps(router, router.route(at(-500, 0), end, model), model)
    assert [s.kind for s in steps] == ["depart", "arrive"]
