"""Property tests (Hypothesis) of the routing library on random road-like grids.

Invariants from issue 3: the route cost equals a reference NetworkX Dijkstra on the same
cost model; motorbikes never use an expressway edge; caravans never a caravan-unsuitable
edge; an avoided corridor or polygon is never used; the breakdowns add up to the totals;
routes are deterministic.
"""

from __future__ import annotations

import contextlib
import random
from functools import lru_cache

import networkx as nx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, box

from tourroute.routing import NoRoute, Preference, Segment, SnapError, Vehicle, build_graph
from tourroute.routing.graph import Coord, RoadGraph
from tourroute.routing.route import RouteCost, Router

STEP = 0.02
SIZE = 7  # 7 × 7 junctions: big enough for real detours, small enough for many examples


@lru_cache(maxsize=8)
def _network(seed: int) -> tuple[RoadGraph, Router]:
    """A jittered grid; rows and columns are named corridors with their own road class."""
    rng = random.Random(seed)  # noqa: S311 (reproducible test data)
    pts = {
        (i, j): (
            105 + i * STEP + rng.uniform(-0.004, 0.004),
            19 + j * STEP + rng.uniform(-0.004, 0.004),
        )
        for i in range(SIZE)
        for j in range(SIZE)
    }
    classes = ["motorway", "trunk", "primary", "secondary", "tertiary", "unclassified"]
    row_class = {j: rng.choice(classes) for j in range(SIZE)}
    segs = []
    for (i, j), p in pts.items():
        for di, dj in ((1, 0), (0, 1)):
            q = pts.get((i + di, j + dj))
            if q is None or rng.random() < 0.08:
                continue
            horizontal = dj == 0
            road_class = row_class[j] if horizontal else rng.choice(classes[1:])
            motorway = road_class == "motorway"
            segs.append(
                Segment(
                    f"s{i}-{j}-{di}{dj}",
                    (p, ((p[0] + q[0]) / 2, (p[1] + q[1]) / 2 + rng.uniform(-0.002, 0.002)), q),
                    ref=f"R{j}" if horizontal else f"C{i}",
                    corridors=(f"row-{j}",) if horizontal else (f"col-{i}",),
                    road_class=road_class,
                    toll=motorway,
                    motorbike_forbidden=motorway,
                    motorhome_unsuitable=not motorway and rng.random() < 0.15,
                    surface="unpaved" if road_class == "unclassified" else "paved",
                    oneway=not motorway and rng.random() < 0.1,
                    scenic=rng.randint(0, 5),
                )
            )

    def province_of(c: Coord) -> str:
        return "VN-21" if c[1] >= 19.06 else "VN-22"

    road = build_graph(segs, province_of)
    return road, Router(road)


def _reference_cost(router: Router, model: RouteCost, origin: Coord, dest: Coord) -> float:
    """NetworkX Dijkstra on a plain DiGraph with the same costs and the snapped ends."""
    start, end = router.snap(origin, model), router.snap(dest, model)
    sources, _ = router.ends(start, model)
    _, targets = router.ends(end, model)
    g: nx.DiGraph[object] = nx.DiGraph()
    for u, v, _k, edge in router.road.edges():
        c = model.cost(edge)
        if c is not None and (not g.has_edge(u, v) or c < g[u][v]["w"]):
            g.add_edge(u, v, w=c)
    nodes = router.road.nodes  # ends are node ids; this graph's nodes are coordinates
    for node, c in sources.items():
        g.add_edge("origin", nodes[node], w=c)
    for node, c in targets.items():
        g.add_edge(nodes[node], "destination", w=c)
    best = float("inf")
    if start.edge == end.edge and end.fraction >= start.fraction:
        best = (end.fraction - start.fraction) * (model.cost(router.edge(start.edge)) or 0)
    with contextlib.suppress(nx.NetworkXNoPath):
        best = min(best, nx.dijkstra_path_length(g, "origin", "destination", weight="w"))
    return best


points = st.tuples(
    st.floats(105.0, 105.0 + STEP * (SIZE - 1)), st.floats(19.0, 19.0 + STEP * (SIZE - 1))
)
avoidables = st.sets(
    st.sampled_from(["toll", "expressway", "unpaved", "row-2", "col-3", "row-5"]), max_size=2
)
polygons = st.none() | st.builds(
    lambda x, y, w, h: box(x, y, x + w, y + h),
    st.floats(105.0, 105.1),
    st.floats(19.0, 19.1),
    st.floats(0.005, 0.03),
    st.floats(0.005, 0.03),
)
PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


@PROPERTY_SETTINGS
@given(
    seed=st.integers(0, 5),
    origin=points,
    dest=points,
    vehicle=st.sampled_from(list(Vehicle)),
    preference=st.sampled_from(list(Preference)),
    avoid=avoidables,
    polygon=polygons,
)
def test_route_invariants(
    seed: int,
    origin: Coord,
    dest: Coord,
    vehicle: Vehicle,
    preference: Preference,
    avoid: set[str],
    polygon: object,
) -> None:
    road, router = _network(seed)
    model = router.model(vehicle, preference, avoid, None, polygon)  # type: ignore[arg-type]
    try:
        r = router.route(origin, dest, model)
    except (NoRoute, SnapError):
        # No route must mean no route for the reference either (when both ends snap).
        with contextlib.suppress(NoRoute, SnapError):
            assert _reference_cost(router, model, origin, dest) == float("inf")
        event("no route")
        return
    event("routed")

    segments = [road.segments[s] for s in r.segment_ids]
    # Legal and requested restrictions.
    if vehicle is Vehicle.motorbike:
        assert not any(s.road_class == "motorway" for s in segments)
    if vehicle is Vehicle.motorhome:
        assert not any(s.motorhome_unsuitable for s in segments)
    for s in segments:
        assert not set(s.corridors) & avoid
        assert not ("toll" in avoid and s.toll)
        assert not ("expressway" in avoid and s.road_class == "motorway")
        assert not ("unpaved" in avoid and s.surface != "paved")
    if polygon is not None and len(r.coords) >= 2:
        assert not LineString(r.coords).intersects(polygon)  # type: ignore[arg-type]

    # The cost equals NetworkX's Dijkstra on the same model (CCH weights are rounded to
    # 1 ms / 1 dm per edge, so allow that much per edge of the route).
    reference = _reference_cost(router, model, origin, dest)
    ours = r.cost
    unit = 1e-3 if preference is not Preference.shortest else 0.1
    assert ours >= reference - 1e-6 * max(1.0, reference)
    assert ours <= reference + unit * (len(r.coords) + 2) + 1e-6 * reference

    # Breakdowns add up (every test road has a ref, one corridor and a province).
    assert sum(r.by_ref.values()) == pytest.approx(r.distance_m, rel=1e-9, abs=1e-6)
    assert sum(r.by_corridor.values()) == pytest.approx(r.distance_m, rel=1e-9, abs=1e-6)
    assert sum(r.by_province.values()) == pytest.approx(r.distance_m, rel=1e-6, abs=1e-3)
    assert sum(r.by_corridor_province.values()) == pytest.approx(r.distance_m, rel=1e-6, abs=1e-3)

    # Deterministic: the same answer again, and from a freshly built router.
    again = router.route(origin, dest, model)
    fresh = Router(road).route(origin, dest, model)
    assert again.coords == r.coords
    assert fresh.coords == r.coords
    assert fresh.segment_ids == r.segment_ids
