"""The seeded synthetic road network of the routing benchmarks."""

from __future__ import annotations

from collections import Counter

import networkx as nx
import pytest
from benchmarks.synthetic_network import BBOX, node_count, road_network

from tourroute.routing.graph import RoadGraph, Segment, build_graph

SIZE = 2000


@pytest.fixture(scope="module")
def segments() -> list[Segment]:
    return road_network(SIZE, seed=7)


@pytest.fixture(scope="module")
def road(segments: list[Segment]) -> RoadGraph:
    return build_graph(segments)


def test_the_same_seed_gives_the_same_network(segments: list[Segment]) -> None:
    assert road_network(SIZE, seed=7) == segments
    assert road_network(SIZE, seed=8) != segments


def test_one_strongly_connected_network_of_the_requested_size(
    segments: list[Segment], road: RoadGraph
) -> None:
    nodes = road.graph.number_of_nodes()
    assert abs(nodes - SIZE) <= 0.05 * SIZE
    assert node_count(segments) == nodes  # junctions are exactly the segment ends
    assert nx.is_strongly_connected(road.graph)


@pytest.mark.parametrize("size", [300, 20_000])
def test_other_sizes_are_close_too(size: int) -> None:
    assert abs(node_count(road_network(size, seed=1)) - size) <= 0.06 * size


def test_a_hierarchy_of_road_classes_some_one_way(segments: list[Segment]) -> None:
    classes = Counter(s.road_class for s in segments)
    assert {"unclassified", "tertiary", "secondary", "primary", "trunk", "motorway"} <= set(classes)
    assert classes["unclassified"] > classes["tertiary"] > classes["secondary"]
    local = [s for s in segments if s.road_class == "unclassified"]
    assert 0.05 < sum(s.oneway for s in local) / len(local) < 0.2
    motorways = [s for s in segments if s.road_class == "motorway"]
    assert all(s.oneway and s.toll and s.motorbike_forbidden for s in motorways)


def test_not_a_plain_grid(segments: list[Segment], road: RoadGraph) -> None:
    degrees = Counter(d for _, d in road.graph.out_degree())
    assert len(degrees) >= 4  # dead ends, bends, T-junctions, crossings, interchanges
    assert any(len(s.coords) > 2 for s in segments)  # bent roads
    lon0, lat0, lon1, lat1 = BBOX
    margin = 0.05
    for s in segments:
        for lon, lat in s.coords:
            assert lon0 - margin <= lon <= lon1 + margin
            assert lat0 - margin <= lat <= lat1 + margin


def test_motorways_meet_other_roads_only_at_interchanges(
    segments: list[Segment],
) -> None:
    carriageways = [s for s in segments if s.road_class == "motorway" and s.ref]
    ramps = [s for s in segments if s.road_class == "motorway" and not s.ref]
    on_motorway = {c for s in carriageways for c in (s.coords[0], s.coords[-1])}
    # Every carriageway junction is an interchange: a ramp leaves or joins it there.
    assert on_motorway == {c for s in ramps for c in (s.coords[0], s.coords[-1])} & on_motorway
    shape_points = {c for s in carriageways for c in s.coords[1:-1]}
    others = {c for s in segments if s.road_class != "motorway" for c in s.coords}
    assert not shape_points & others  # crossings between interchanges are bridges
