"""Shortest paths between snapped points with per-vehicle costs, preferences and avoidances.

Costs are seconds for ``fastest``, metres for ``shortest`` and discounted seconds for
``scenic`` (time divided by 1 + the segment's 0–5 rating, so a road rated 5 costs a sixth
of its time: the scenic preference takes real detours for the view).  An edge the vehicle
may not use, or one the request avoids, has no cost at all (``None``, as in NetworkX's
weight functions) and is never traversed.  Dijkstra starts from both ends of the origin's
edge with the partial costs of reaching them, so routes begin and end exactly at the
snapped points.

>>> from tourroute.routing.graph import Segment, build_graph
>>> g = build_graph([Segment("a", ((105.0, 19.0), (105.1, 19.0)), road_class="primary")])
>>> r = route(g, (105.02, 19.001), (105.08, 19.001), Vehicle.car)
>>> round(r.distance_m / 1000, 2), r.by_ref
(6.32, {})
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry
from shapely.ops import substring

from tourroute.routing.graph import Coord, Edge, RoadGraph
from tourroute.routing.profiles import PROFILES, Preference, Vehicle, VehicleProfile
from tourroute.routing.snap import EdgeKey, Snap, Snapper

__all__ = ["NoRoute", "Route", "RouteCost", "route"]

AVOIDABLE = ("toll", "expressway", "unpaved")
PREFERRED_CORRIDOR_FACTOR = 0.75  # a preferred corridor's edges look 25 % cheaper


class NoRoute(Exception):
    """No path for this vehicle under these constraints."""


@dataclass
class Route:
    distance_m: float
    duration_s: float
    coords: list[Coord]
    origin: Snap
    destination: Snap
    by_ref: dict[str, float] = field(default_factory=dict)
    by_corridor: dict[str, float] = field(default_factory=dict)
    by_province: dict[str, float] = field(default_factory=dict)
    by_corridor_province: dict[tuple[str, str], float] = field(default_factory=dict)
    segment_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RouteCost:
    """The cost model of one request: vehicle, preference and what to avoid."""

    profile: VehicleProfile
    preference: Preference = Preference.fastest
    avoid: frozenset[str] = frozenset()
    prefer_corridor: str | None = None
    excluded: BaseGeometry | None = None

    def usable(self, edge: Edge) -> bool:
        s = edge.segment
        if self.profile.speed_kph(s.road_class, s.maxspeed_kph) is None:
            return False
        if s.motorbike_forbidden and self.profile.vehicle is Vehicle.motorbike:
            return False
        if s.caravan_unsuitable and self.profile.avoids_caravan_unsuitable:
            return False
        if s.toll and "toll" in self.avoid:
            return False
        if s.road_class == "motorway" and "expressway" in self.avoid:
            return False
        if s.surface != "paved" and "unpaved" in self.avoid:
            return False
        if self.avoid.intersection(s.corridors):
            return False
        return not (self.excluded is not None and self.excluded.intersects(LineString(edge.coords)))

    def seconds(self, edge: Edge) -> float:
        speed = self.profile.speed_kph(edge.segment.road_class, edge.segment.maxspeed_kph)
        return edge.length_m / ((speed or 1.0) / 3.6)

    def cost(self, edge: Edge) -> float | None:
        if not self.usable(edge):
            return None
        if self.preference is Preference.shortest:
            value = edge.length_m
        elif self.preference is Preference.scenic:
            value = self.seconds(edge) / (1 + max(0, min(5, edge.segment.scenic)))
        else:
            value = self.seconds(edge)
        if self.prefer_corridor and self.prefer_corridor in edge.segment.corridors:
            value *= PREFERRED_CORRIDOR_FACTOR
        return value


def _dijkstra(
    road: RoadGraph,
    sources: dict[Coord, float],
    targets: dict[Coord, float],
    cost: Callable[[Edge], float | None],
) -> tuple[float, Coord, dict[Coord, tuple[Coord, int] | None]]:
    """Multi-source Dijkstra with initial costs; stops at the best target (with its offset)."""
    adj = road.graph.adj
    dist: dict[Coord, float] = {}
    parent: dict[Coord, tuple[Coord, int] | None] = {}
    seen: dict[Coord, float] = {}
    tie = itertools.count()
    heap: list[tuple[float, int, Coord, tuple[Coord, int] | None]] = []
    for node, c in sources.items():
        heapq.heappush(heap, (c, next(tie), node, None))
    best: tuple[float, Coord] | None = None
    while heap:
        d, _, node, via = heapq.heappop(heap)
        if node in dist:
            continue
        if best is not None and d >= best[0]:
            break
        dist[node] = d
        parent[node] = via
        if node in targets and (best is None or d + targets[node] < best[0]):
            best = (d + targets[node], node)
        for nxt, keyed in adj[node].items():
            if nxt in dist:
                continue
            for key, data in keyed.items():
                step = cost(data["edge"])
                if step is None:
                    continue
                nd = d + step
                if nd < seen.get(nxt, float("inf")):
                    seen[nxt] = nd
                    heapq.heappush(heap, (nd, next(tie), nxt, (node, int(key))))
    if best is None:
        raise NoRoute("no path between the points for this vehicle and these constraints")
    return best[0], best[1], parent


def route(
    road: RoadGraph,
    origin: Coord,
    destination: Coord,
    vehicle: Vehicle = Vehicle.car,
    preference: Preference = Preference.fastest,
    avoid: Collection[str] = (),
    prefer_corridor: str | None = None,
    excluded: BaseGeometry | None = None,
    snapper: Snapper | None = None,
) -> Route:
    """The best route from ``origin`` to ``destination`` (lon, lat) for ``vehicle``."""
    model = RouteCost(PROFILES[vehicle], preference, frozenset(avoid), prefer_corridor, excluded)
    snapper = snapper or Snapper(road)

    def usable(_key: EdgeKey, edge: Edge) -> bool:
        return model.usable(edge)

    start = snapper.snap(origin, usable)
    end = snapper.snap(destination, usable)
    g = road.graph

    def reverse_of(key: EdgeKey) -> EdgeKey | None:
        u, v, _ = key
        seg = snapper.edges[key].segment.id
        for k, data in g[v][u].items() if g.has_edge(v, u) else ():
            e: Edge = data["edge"]
            if e.segment.id == seg and e.coords == snapper.edges[key].coords[::-1]:
                return (v, u, int(k))
        return None

    s_edge, e_edge = snapper.edges[start.edge], snapper.edges[end.edge]
    s_cost, e_cost = model.cost(s_edge) or 0.0, model.cost(e_edge) or 0.0
    sources = {start.edge[1]: (1 - start.fraction) * s_cost}
    s_rev = reverse_of(start.edge)
    if s_rev is not None:
        sources[start.edge[0]] = min(
            sources.get(start.edge[0], float("inf")), start.fraction * s_cost
        )
    targets = {end.edge[0]: end.fraction * e_cost}
    e_rev = reverse_of(end.edge)
    if e_rev is not None:
        back = (1 - end.fraction) * e_cost
        targets[end.edge[1]] = min(targets.get(end.edge[1], float("inf")), back)

    # Both points on the same piece of road, in driving order: no graph search needed.
    direct: float | None = None
    if start.edge == end.edge and end.fraction >= start.fraction:
        direct = (end.fraction - start.fraction) * s_cost
    try:
        total, last, parent = _dijkstra(road, sources, targets, model.cost)
    except NoRoute:
        if direct is None:
            raise
        total, last, parent = float("inf"), start.edge[1], {}
    if direct is not None and direct <= total:
        same_edge = list(_edge_part(s_edge, start.fraction, end.fraction))
        return _summarise(model, start, end, [(s_edge, start.fraction, end.fraction)], same_edge)

    pieces = _unwind(parent, last)
    first_node = pieces[0][0] if pieces else last
    legs: list[tuple[Edge, float, float]] = []
    if first_node == start.edge[1] or s_rev is None:
        legs.append((s_edge, start.fraction, 1.0))
    else:
        legs.append((snapper.edges[s_rev], 1 - start.fraction, 1.0))
    legs.extend((g.edges[u, v, k]["edge"], 0.0, 1.0) for u, v, k in pieces)
    if last == end.edge[0] or e_rev is None:
        legs.append((e_edge, 0.0, end.fraction))
    else:
        legs.append((snapper.edges[e_rev], 0.0, 1 - end.fraction))
    coords: list[Coord] = []
    for edge, a, b in legs:
        part = list(_edge_part(edge, a, b)) if (a, b) != (0.0, 1.0) else list(edge.coords)
        coords.extend(part if not coords or coords[-1] != part[0] else part[1:])
    return _summarise(model, start, end, legs, coords)


def _edge_part(edge: Edge, start: float, end: float) -> tuple[Coord, ...]:
    """The piece of ``edge`` between two fractions of its length, as lon/lat coordinates."""
    line = LineString(edge.coords)
    if end <= start:
        at = line.interpolate(start, normalized=True)
        return ((float(at.x), float(at.y)),) * 2
    coords = [(float(x), float(y)) for x, y in substring(line, start, end, normalized=True).coords]
    return tuple(coords * 2 if len(coords) == 1 else coords)


def _unwind(parent: dict[Coord, tuple[Coord, int] | None], last: Coord) -> list[EdgeKey]:
    out: list[EdgeKey] = []
    node = last
    while (via := parent.get(node)) is not None:
        prev, key = via
        out.append((prev, node, key))
        node = prev
    return out[::-1]


def _summarise(
    model: RouteCost,
    start: Snap,
    end: Snap,
    legs: list[tuple[Edge, float, float]],
    coords: list[Coord],
) -> Route:
    r = Route(0.0, 0.0, coords, start, end)
    for edge, a, b in legs:
        share = max(0.0, b - a)
        metres = edge.length_m * share
        if metres < 0.01:  # a zero-length touch of an edge at a snapped end: not travelled
            continue
        r.distance_m += metres
        r.duration_s += model.seconds(edge) * share
        seg = edge.segment
        if seg.ref:
            r.by_ref[seg.ref] = r.by_ref.get(seg.ref, 0.0) + metres
        for c in seg.corridors:
            r.by_corridor[c] = r.by_corridor.get(c, 0.0) + metres
        for code, m in edge.provinces:
            r.by_province[code] = r.by_province.get(code, 0.0) + m * share
            for c in seg.corridors:
                key = (c, code)
                r.by_corridor_province[key] = r.by_corridor_province.get(key, 0.0) + m * share
        if not r.segment_ids or r.segment_ids[-1] != seg.id:
            r.segment_ids.append(seg.id)
    return r
