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
from collections.abc import Callable, Collection, Hashable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry
from shapely.ops import substring
from shapely.prepared import prep

from tourroute.routing.graph import Coord, Edge, RoadGraph
from tourroute.routing.profiles import PROFILES, Preference, Vehicle, VehicleProfile
from tourroute.routing.snap import EdgeKey, Snap, SnapError, Snapper

__all__ = ["NoRoute", "Route", "RouteCost", "Router", "main_component", "route", "search"]

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
    _excluded: Any = field(default=None, init=False, repr=False, compare=False)

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
        return not (
            self._excluded is not None and self._excluded.intersects(LineString(edge.coords))
        )

    def __post_init__(self) -> None:
        prepared = prep(self.excluded) if self.excluded is not None else None
        object.__setattr__(self, "_excluded", prepared)

    def cache_key(self) -> Hashable | None:
        """Equal for models with equal costs; ``None`` with a polygon (one per request)."""
        if self.excluded is not None:
            return None
        return (self.profile.vehicle, self.preference, self.avoid, self.prefer_corridor)

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


Ends = dict[Coord, float]  # graph nodes with the cost of getting there from a snapped point


def main_component(road: RoadGraph, model: RouteCost) -> frozenset[Coord]:
    """The largest strongly connected set of nodes over the edges ``model`` may use.

    Points snap only onto edges inside it: a piece of road boxed in by roads this vehicle
    may not take (a caravan on a lane between two steep passes) would give "no route" to
    everything, so we skip it for the nearest road that leads somewhere.
    """
    usable: nx.DiGraph[Coord] = nx.DiGraph()
    for u, v, _k, edge in road.edges():
        if model.usable(edge):
            usable.add_edge(u, v)
    if usable.number_of_nodes() == 0:
        return frozenset()
    return frozenset(max(nx.strongly_connected_components(usable), key=lambda c: len(set(c))))


def search(
    road: RoadGraph,
    sources: Ends,
    cost: Callable[[Edge], float | None],
    targets: Ends | None = None,
    cutoff: float = float("inf"),
) -> tuple[dict[Coord, float], dict[Coord, EdgeKey | None], tuple[float, Coord] | None]:
    """Reference multi-source Dijkstra with starting costs, in plain Python.

    With ``targets`` it stops at the cheapest target (returned with its total, offset
    included); without, it settles every node within ``cutoff``.  The fast router answers
    the same questions on a CCH; this one is the yardstick in tests and serves reachability.
    """
    adj = road.graph.adj
    dist: dict[Coord, float] = {}
    parent: dict[Coord, EdgeKey | None] = {}
    seen: dict[Coord, float] = {}
    tie = itertools.count()
    heap: list[tuple[float, int, Coord, EdgeKey | None]] = []
    for node, c in sources.items():
        if c <= cutoff:
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
        if (
            targets is not None
            and node in targets
            and (best is None or d + targets[node] < best[0])
        ):
            best = (d + targets[node], node)
        for nxt, keyed in adj[node].items():
            if nxt in dist:
                continue
            for key, data in keyed.items():
                step = cost(data["edge"])
                if step is None:
                    continue
                nd = d + step
                if nd <= cutoff and nd < seen.get(nxt, float("inf")):
                    seen[nxt] = nd
                    heapq.heappush(heap, (nd, next(tie), nxt, (node, nxt, int(key))))
    return dist, parent, best


def _unwind(parent: dict[Coord, EdgeKey | None], last: Coord) -> list[EdgeKey]:
    out: list[EdgeKey] = []
    node = last
    while (via := parent.get(node)) is not None:
        out.append(via)
        node = via[0]
    return out[::-1]


class Router:
    """Everything derived from one road graph to answer routing questions.

    ``fast=True`` answers shortest paths on a CCH (:mod:`tourroute.routing.fast`);
    ``fast=False`` on the plain-Python reference Dijkstra (small graphs, tests).
    """

    def __init__(self, road: RoadGraph, snapper: Snapper | None = None, fast: bool = True) -> None:
        from tourroute.routing.fast import FastRouter  # the CCH binding loads only when used

        self.road = road
        self.snapper = snapper or Snapper(road)
        self.fast = FastRouter(road) if fast else None
        self._components: dict[object, frozenset[Coord]] = {}

    def model(
        self,
        vehicle: Vehicle = Vehicle.car,
        preference: Preference = Preference.fastest,
        avoid: Collection[str] = (),
        prefer_corridor: str | None = None,
        excluded: BaseGeometry | None = None,
    ) -> RouteCost:
        return RouteCost(PROFILES[vehicle], preference, frozenset(avoid), prefer_corridor, excluded)

    def component(self, model: RouteCost) -> frozenset[Coord]:
        key = model.cache_key()
        if key is None:
            return main_component(self.road, model)
        found = self._components.get(key)
        if found is None:
            found = self._components[key] = main_component(self.road, model)
        return found

    def snap(self, point: Coord, model: RouteCost, max_distance_m: float = 20_000.0) -> Snap:
        """``point`` projected onto the nearest edge the vehicle can use and leave."""
        main = self.component(model)

        def connected(key: EdgeKey, edge: Edge) -> bool:
            return key[0] in main and key[1] in main and model.usable(edge)

        try:
            return self.snapper.snap(point, connected, max_distance_m)
        except SnapError:
            # A usable road nearby that leads nowhere: the constraints cut the point off.
            near = self.snapper.snap(point, lambda _k, e: model.usable(e), max_distance_m)
            raise NoRoute(
                f"the road nearest to {point[0]},{point[1]} ({near.distance_m:.0f} m away) is "
                "cut off from the rest of the network for this vehicle and these constraints"
            ) from None

    def reverse_of(self, key: EdgeKey) -> EdgeKey | None:
        """The opposite direction of a two-way edge, if there is one."""
        u, v, _ = key
        g = self.road.graph
        edge = self.snapper.edges[key]
        for k, data in g[v][u].items() if g.has_edge(v, u) else ():
            e: Edge = data["edge"]
            if e.segment.id == edge.segment.id and e.coords == edge.coords[::-1]:
                return (v, u, int(k))
        return None

    def ends(self, snap: Snap, model: RouteCost) -> tuple[Ends, Ends]:
        """(as origin: nodes reachable from the point, as destination: nodes that reach it)."""
        edge = self.snapper.edges[snap.edge]
        c = model.cost(edge) or 0.0
        u, v, _ = snap.edge
        leave = {v: (1 - snap.fraction) * c}
        arrive = {u: snap.fraction * c}
        if self.reverse_of(snap.edge) is not None:
            leave[u] = min(leave.get(u, float("inf")), snap.fraction * c)
            arrive[v] = min(arrive.get(v, float("inf")), (1 - snap.fraction) * c)
        return leave, arrive

    def shortest(
        self, model: RouteCost, sources: Ends, targets: Ends
    ) -> tuple[float, Coord, Coord, list[EdgeKey]] | None:
        if self.fast is not None:
            return self.fast.shortest(model, sources, targets)
        _dist, parent, best = search(self.road, sources, model.cost, targets)
        if best is None:
            return None
        pieces = _unwind(parent, best[1])
        first = pieces[0][0] if pieces else best[1]
        return best[0], first, best[1], pieces

    def route(self, origin: Coord, destination: Coord, model: RouteCost) -> Route:
        """The best route from ``origin`` to ``destination`` (lon, lat) under ``model``."""
        start = self.snap(origin, model)
        end = self.snap(destination, model)
        g = self.road.graph
        s_edge, e_edge = self.snapper.edges[start.edge], self.snapper.edges[end.edge]
        sources, _ = self.ends(start, model)
        _, targets = self.ends(end, model)
        s_rev, e_rev = self.reverse_of(start.edge), self.reverse_of(end.edge)

        # Both points on the same piece of road, in driving order: no graph search needed.
        direct: float | None = None
        if start.edge == end.edge and end.fraction >= start.fraction:
            direct = (end.fraction - start.fraction) * (model.cost(s_edge) or 0.0)
        found = self.shortest(model, sources, targets)
        if found is None and direct is None:
            raise NoRoute("no path between the points for this vehicle and these constraints")
        if direct is not None and (found is None or direct <= found[0]):
            same_edge = list(_edge_part(s_edge, start.fraction, end.fraction))
            return _summarise(
                model, start, end, [(s_edge, start.fraction, end.fraction)], same_edge
            )
        if found is None:  # unreachable: direct was None or cheaper above
            raise NoRoute("no path between the points")
        _total, first_node, last, pieces = found
        legs: list[tuple[Edge, float, float]] = []
        if first_node == start.edge[1] or s_rev is None:
            legs.append((s_edge, start.fraction, 1.0))
        else:
            legs.append((self.snapper.edges[s_rev], 1 - start.fraction, 1.0))
        legs.extend((g.edges[u, v, k]["edge"], 0.0, 1.0) for u, v, k in pieces)
        if last == end.edge[0] or e_rev is None:
            legs.append((e_edge, 0.0, end.fraction))
        else:
            legs.append((self.snapper.edges[e_rev], 0.0, 1 - end.fraction))
        coords: list[Coord] = []
        for edge, a, b in legs:
            part = list(_edge_part(edge, a, b)) if (a, b) != (0.0, 1.0) else list(edge.coords)
            coords.extend(part if not coords or coords[-1] != part[0] else part[1:])
        return _summarise(model, start, end, legs, coords)


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
    """One route on ``road`` with the reference search (build a :class:`Router` to reuse)."""
    router = Router(road, snapper, fast=False)
    model = router.model(vehicle, preference, avoid, prefer_corridor, excluded)
    return router.route(origin, destination, model)


def _edge_part(edge: Edge, start: float, end: float) -> tuple[Coord, ...]:
    """The piece of ``edge`` between two fractions of its length, as lon/lat coordinates."""
    line = LineString(edge.coords)
    if end <= start:
        at = line.interpolate(start, normalized=True)
        return ((float(at.x), float(at.y)),) * 2
    coords = [(float(x), float(y)) for x, y in substring(line, start, end, normalized=True).coords]
    return tuple(coords * 2 if len(coords) == 1 else coords)


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
