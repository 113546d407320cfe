"""The leg builder (tourroute.routes.legs) on a small hand-made network.

A straight road A–M–B on a corridor, and an island of road nobody can reach; a point far
from both has no usable road at all.
"""

from __future__ import annotations

import pytest

from tourroute.errors import InvalidParameter, NoRouteFound
from tourroute.plans import LegStep
from tourroute.routes.graph_cache import NetworkGraph
from tourroute.routes.legs import (
    ErrorNames,
    LegBuilder,
    breakdown_of,
    leg_document,
    part_steps,
    route_breakdown,
)
from tourroute.routing import Segment, Vehicle, build_graph
from tourroute.routing.route import Router

A, M, B = (105.0, 19.0), (105.1, 19.0), (105.2, 19.0)
ISLAND = ((105.0, 19.5), (105.01, 19.5))  # a road joined to nothing
NOWHERE = (106.5, 19.0)  # over 20 km from any road


@pytest.fixture(scope="module")
def graph() -> NetworkGraph:
    road = build_graph(
        [
            Segment("main", (A, M, B), ref="QL1A", corridors=("ql1a",), road_class="trunk"),
            Segment("island", ISLAND, road_class="residential"),
        ],
        lambda _point: "VN-21",
    )
    return NetworkGraph(
        version="test",
        road=road,
        router=Router(road, fast=False),
        corridor_names={"ql1a": ("Quốc lộ 1A", "National Route 1A")},
        province_names={"VN-21": ("Thanh Hóa", "Thanh Hoa")},
    )


def test_a_leg_is_routed_once_per_pair_of_endpoints(graph: NetworkGraph) -> None:
    legs = LegBuilder.of(graph, Vehicle.car)
    names = ErrorNames.leg("from a to b")
    first = legs.leg(A, B, names)
    assert first.route is not None
    assert legs.route(A, B, names) is first.route
    assert first.distance_m == pytest.approx(first.route.distance_m)
    assert first.duration_s == pytest.approx(first.route.duration_s)
    assert first.coords[0] == A
    assert first.coords[-1] == B
    assert legs.leg(B, A, names).route is not first.route


def test_a_place_to_itself_is_an_empty_leg(graph: NetworkGraph) -> None:
    leg = LegBuilder.of(graph).leg(M, M, ErrorNames.leg("from m to m"))
    assert leg.route is None
    assert (leg.distance_m, leg.duration_s, leg.coords) == (0.0, 0.0, (M, M))
    document = leg_document(LegBuilder.of(graph), leg, "m", "m")
    assert document.model_dump(mode="json", by_alias=True, exclude_unset=True) == {
        "from": "m",
        "to": "m",
        "distance_m": 0.0,
        "duration_s": 0.0,
        "geometry": {"type": "LineString", "coordinates": [list(M), list(M)]},
        "breakdown": None,
    }


def test_leg_document_rounds_and_breaks_down_by_corridor(graph: NetworkGraph) -> None:
    legs = LegBuilder.of(graph)
    leg = legs.leg(A, B, ErrorNames.leg("from a to b"))
    doc = leg_document(legs, leg, "a", "b")
    assert (doc.from_, doc.to) == ("a", "b")
    assert doc.distance_m == round(leg.distance_m, 1)
    assert doc.duration_s == round(leg.duration_s, 1)
    assert doc.geometry.coordinates == list(leg.coords)
    assert doc.departure is None
    assert doc.breakdown is not None
    assert [r.corridor for r in doc.breakdown.by_corridor] == ["ql1a"]
    assert doc.breakdown.summary_vi == ["21 km trên Quốc lộ 1A ở Thanh Hóa"]
    assert doc.breakdown.summary_en == ["21 km on the National Route 1A in Thanh Hoa"]
    # As stored: the members in the document's order, no clock times (set by the composer
    # on days with breaks only).
    stored = doc.model_dump(mode="json", by_alias=True, exclude_unset=True)
    assert list(stored) == [
        "from",
        "to",
        "distance_m",
        "duration_s",
        "geometry",
        "breakdown",
        "steps",
    ]
    # Its turn-by-turn steps: one road straight on, so depart and arrive, at the line's ends.
    assert [s["type"] for s in stored["steps"]] == ["depart", "arrive"]
    assert stored["steps"][0]["location"] == pytest.approx(leg.coords[0], abs=1e-6)
    assert stored["steps"][-1]["location"] == pytest.approx(leg.coords[-1], abs=1e-6)
    assert stored["steps"][0]["distance_m"] == doc.distance_m
    assert list(stored["breakdown"]) == [
        "by_ref",
        "by_corridor",
        "by_province",
        "by_corridor_and_province",
        "summary",
        "summary_vi",
        "summary_en",
    ]


def test_route_breakdown_answers_the_rows_of_a_stored_breakdown(graph: NetworkGraph) -> None:
    leg = LegBuilder.of(graph).leg(A, B, ErrorNames.leg("from a to b"))
    assert leg.route is not None
    answered = route_breakdown(graph, [leg.route], "vi")
    assert answered == {
        "by_ref": [{"ref": "QL1A", "distance_m": round(leg.route.distance_m, 1)}],
        "by_corridor": [
            {"corridor": "ql1a", "distance_m": round(leg.route.distance_m, 1), "name": "Quốc lộ 1A"}
        ],
        "by_province": [
            {"province": "VN-21", "distance_m": round(leg.route.distance_m, 1), "name": "Thanh Hóa"}
        ],
        "by_corridor_and_province": [
            {"corridor": "ql1a", "province": "VN-21", "distance_m": round(leg.route.distance_m, 1)}
        ],
        "summary": ["21 km trên Quốc lộ 1A ở Thanh Hóa"],
    }
    both = breakdown_of(graph, [leg.route], "vi", both_languages=True)
    assert both.summary_en == ["21 km on the National Route 1A in Thanh Hoa"]


def test_an_unsnappable_point_is_the_named_parameter(graph: NetworkGraph) -> None:
    legs = LegBuilder.of(graph)
    names = ErrorNames.leg("from a to nowhere", parameter="via", location="query")
    with pytest.raises(InvalidParameter) as raised:
        legs.leg(A, NOWHERE, names)
    (error,) = raised.value.errors
    assert (error.name, error.location) == ("via", "query")
    assert "no usable road within 20 km" in error.reason
    assert raised.value.status == 422


def test_without_a_parameter_an_unsnappable_point_is_no_route(graph: NetworkGraph) -> None:
    legs = LegBuilder.of(graph)
    with pytest.raises(NoRouteFound) as raised:
        legs.leg(A, NOWHERE, ErrorNames.leg("from a to nowhere"))
    assert raised.value.detail.startswith("no route from a to nowhere: no usable road")


def test_a_failed_leg_is_cached_and_named_by_each_caller(graph: NetworkGraph) -> None:
    legs = LegBuilder.of(graph)
    with pytest.raises(NoRouteFound, match=r"^no route from one: "):
        legs.route(A, NOWHERE, ErrorNames.leg("from one"))
    with pytest.raises(InvalidParameter, match="'to'"):
        legs.route(A, NOWHERE, ErrorNames.leg("from two", parameter="to"))


def test_a_cut_off_road_is_no_route_even_with_a_parameter(graph: NetworkGraph) -> None:
    legs = LegBuilder.of(graph)
    with pytest.raises(NoRouteFound, match="cut off"):
        legs.leg(A, ISLAND[0], ErrorNames.leg("from a to the island", parameter="to"))


def test_snaps_name_the_point_and_its_parameter(graph: NetworkGraph) -> None:
    legs = LegBuilder.of(graph, Vehicle.motorbike)
    assert legs.snap(M, ErrorNames.point("m", "from")).distance_m == pytest.approx(0.0, abs=1.0)
    with pytest.raises(InvalidParameter) as raised:
        legs.snap(NOWHERE, ErrorNames.point("106.5,19.0", "sources[0]", "body"))
    assert raised.value.errors[0].as_dict()["in"] == "body"
    with pytest.raises(NoRouteFound, match=r"^island: .*cut off"):
        legs.snap(ISLAND[1], ErrorNames.point("island", "from"))
    assert legs.try_snap(NOWHERE) is None
    assert legs.try_snap(ISLAND[0]) is None


def _step(kind: str, metres: float, at: tuple[float, float], **extra: object) -> LegStep:
    return LegStep.model_validate(
        {
            "type": kind,
            "modifier": extra.get("modifier"),
            "road_ref": extra.get("ref"),
            "road_name": None,
            "instruction_vi": str(extra.get("vi", kind)),
            "instruction_en": str(extra.get("en", kind)),
            "distance_m": metres,
            "duration_s": metres / 10,
            "location": at,
            "bearing_before": 0.0,
            "bearing_after": 0.0,
        }
    )


# 1,000 m south on QL1A, right onto QL7 for 500 m (west), arrive.
LEG_STEPS = [
    _step("depart", 1000.0, (105.7, 19.0), ref="QL1A"),
    _step("turn", 500.0, (105.7, 18.991), ref="QL7", modifier="right", vi="Rẽ phải vào QL7"),
    _step("arrive", 0.0, (105.6953, 18.991), ref="QL7", vi="Đến nơi"),
]


@pytest.mark.parametrize(
    ("start", "end", "line", "kinds", "metres"),
    [
        # Up to a stop 600 m down QL1A: depart as planned, arrive at the stop.
        (0, 600, [(105.7, 19.0), (105.7, 18.9946)], ["depart", "arrive"], [600, 0]),
        # From that stop: depart south on QL1A, turn onto QL7, arrive as planned.
        (
            600,
            1500,
            [(105.7, 18.9946), (105.7, 18.991), (105.6953, 18.991)],
            ["depart", "turn", "arrive"],
            [400, 500, 0],
        ),
        # A stop in the middle of each road.
        (
            600,
            1200,
            [(105.7, 18.9946), (105.7, 18.991), (105.6981, 18.991)],
            ["depart", "turn", "arrive"],
            [400, 200, 0],
        ),
        # From a stop on QL7: depart west on it.
        (1200, 1500, [(105.6981, 18.991), (105.6953, 18.991)], ["depart", "arrive"], [300, 0]),
    ],
)
def test_the_steps_of_a_leg_cut_by_stops(
    start: float,
    end: float,
    line: list[tuple[float, float]],
    kinds: list[str],
    metres: list[float],
) -> None:
    part = part_steps(LEG_STEPS, start, end, line, 123.0)
    assert [s.type for s in part] == kinds
    assert [s.distance_m for s in part] == pytest.approx(metres)
    assert sum(s.duration_s for s in part) == pytest.approx(123.0, abs=0.1)
    assert part[0].location == pytest.approx(line[0], abs=1e-6)
    assert part[-1].location == pytest.approx(line[-1], abs=1e-6)
    if start > 0:  # a new departure, on the road of the step the stop was on, in words
        road = "QL7" if start >= 1000 else "QL1A"
        direction = ("tây", "west") if start >= 1000 else ("nam", "south")
        assert part[0].road_ref == road
        assert part[0].instruction_vi == f"Khởi hành trên {road} về hướng {direction[0]}"
        assert part[0].instruction_en == f"Head {direction[1]} on {road}"
    else:
        assert part[0].instruction_en == "depart"
