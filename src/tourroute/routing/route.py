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
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry
from shapely.ops import substring
from shapely.prepared import prep

from tourroute.routing.graph import Coord, Edge, RoadGraph
from tourroute.routing.profiles import PROFILES, Preference, Vehicle, VehicleProfile
from tourroute.routing.snap import EdgeKey, Snap, SnapError, Snapper

if TYPE_CHECKING:
    from tourroute.routing.fast import FastRouter

__all__ = [
    "Matrix",
    "NoRoute",
    "Reach",
    "Route",
    "RouteCost",
    "Router",
    "main_component",
    "route",
    "search",
]

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
    cost: float = 0.0  # in the model's unit: what the search minimised


@dataclass(frozen=True)
class RouteCost:
    """The cost model of one request: vehicle, preference and what to avoid."""

    profile: VehicleProfile
    preference: Preference = Preference.fastest
    avoid: frozenset[str] = frozenset()
    prefer_corridor: str | None = None
    excluded: BaseGeometry | None = None
    # How much cheaper the preferred corridor looks: 0.75 = "where reasonable" (routes);
    # itineraries' corridor legs ("south on the Hồ Chí Minh road") insist more.
    prefer_factor: float = PREFERRED_CORRIDOR_FACTOR
    _excluded: Any = field(default=None, init=False, repr=False, compare=False)

    def usable(self, edge: Edge) -> bool:
        """Whether this vehicle may drive ``edge`` under this request's avoidances.

        Every rule that hides an edge lives here: the vehicle's barred road classes
        (motorbikes off expressways, every other vehicle off tracks), segments closed to
        motorbikes or unsuitable for a motorhome, ``avoid`` (``toll``, ``expressway``,
        ``unpaved`` — a track counts as unpaved whatever its surface —, a corridor slug, or
        ``track``, which only convoys ask for internally) and the exclusion polygon, which
        an edge may not even touch.

        Parameters
        ----------
        edge
            A graph edge.

        Returns
        -------
        bool
            ``False`` when any rule forbids the edge.
        """
        s = edge.segment
        if self.profile.speed_kph(s.road_class, s.maxspeed_kph) is None:
            return False
        if s.motorbike_forbidden and self.profile.vehicle is Vehicle.motorbike:
            return False
        if s.motorhome_unsuitable and self.profile.avoids_motorhome_unsuitable:
            return False
        if s.toll and "toll" in self.avoid:
            return False
        if s.road_class == "motorway" and "expressway" in self.avoid:
            return False
        if s.road_class == "track" and ("unpaved" in self.avoid or "track" in self.avoid):
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
        """Equal for models with equal costs; ``None`` with a polygon (one per request).

        What the router's per-model caches (connected components, CCH metrics) are keyed
        on: the vehicle, preference, avoidances and the preferred corridor with its factor.

        Returns
        -------
        Hashable or None
            The key, or ``None`` when an exclusion polygon makes the model a one-off that
            is not worth caching.
        """
        if self.excluded is not None:
            return None
        return (
            self.profile.vehicle,
            self.preference,
            self.avoid,
            self.prefer_corridor,
            self.prefer_factor,
        )

    def seconds(self, edge: Edge) -> float:
        """Driving time of the whole of ``edge`` at the profile's typical speed, in seconds.

        Real seconds whatever the preference or preferred corridor: what routes and
        matrices report, while :meth:`cost` is what the search minimises.  Usability is
        not checked (a barred road class is timed at 1 km/h); ask :meth:`usable` first.

        Parameters
        ----------
        edge
            A graph edge.

        Returns
        -------
        float
            ``edge.length_m`` metres ÷ the typical speed, in seconds.
        """
        speed = self.profile.speed_kph(edge.segment.road_class, edge.segment.maxspeed_kph)
        return edge.length_m / ((speed or 1.0) / 3.6)

    def cost(self, edge: Edge) -> float | None:
        """What the search pays to drive ``edge``, or ``None`` if it may not be driven.

        The NetworkX weight-function convention: ``None`` hides the edge.  The unit depends
        on the preference (see the module docstring): seconds for ``fastest``, metres for
        ``shortest``, seconds ÷ (1 + the segment's 0–5 scenic rating) for ``scenic``; an
        edge of the preferred corridor costs ``prefer_factor`` times as much.

        Parameters
        ----------
        edge
            A graph edge.

        Returns
        -------
        float or None
            The cost in the model's unit, ``None`` where :meth:`usable` says no.
        """
        if not self.usable(edge):
            return None
        if self.preference is Preference.shortest:
            value = edge.length_m
        elif self.preference is Preference.scenic:
            value = self.seconds(edge) / (1 + max(0, min(5, edge.segment.scenic)))
        else:
            value = self.seconds(edge)
        if self.prefer_corridor and self.prefer_corridor in edge.segment.corridors:
            value *= self.prefer_factor
        return value


Ends = dict[Coord, float]  # graph nodes with the cost of getting there from a snapped point


def main_component(road: RoadGraph, model: RouteCost) -> frozenset[Coord]:
    """The largest strongly connected set of nodes over the edges ``model`` may use.

    Points snap only onto edges inside it: a piece of road boxed in by roads this vehicle
    may not take (a caravan on a lane between two steep passes) would give "no route" to
    everything, so we skip it for the nearest road that leads somewhere.

    Parameters
    ----------
    road
        The road graph.
    model
        The cost model whose :meth:`RouteCost.usable` decides which edges count.

    Returns
    -------
    frozenset of Coord
        The nodes of the largest strongly connected component; empty when the model may
        use no edge at all.  Linear in the graph, so :meth:`Router.component` caches it.
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

    Parameters
    ----------
    road
        The road graph.
    sources
        Start nodes, each with the cost already paid to reach it (from a snapped point
        along its edge, see :meth:`Router.ends`); sources above ``cutoff`` are ignored.
    cost
        The weight of an edge, ``None`` to hide it (:meth:`RouteCost.cost`).
    targets
        Optional end nodes, each with the cost still to pay from it to the destination.
    cutoff
        Nodes costlier than this are not settled (a time budget in seconds for
        reachability); in the unit of ``cost``.

    Returns
    -------
    dist : dict of Coord to float
        Every settled node with its cost from the cheapest source.
    parent : dict of Coord to EdgeKey or None
        The edge ``(u, v, key)`` by which each settled node was reached; ``None`` for a
        source.
    best : (float, Coord) or None
        With ``targets``: the cheapest total (target offset included) and the target node
        it ends at; ``None`` without targets or when none is reached.
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

    Parameters
    ----------
    road
        The road graph; the router never changes it.
    snapper
        A spatial index over ``road``'s edges to reuse; built here when ``None``.
    fast
        Build the CCH (seconds on a regional graph, the expensive part) and answer
        shortest paths and matrices with it.
    """

    def __init__(self, road: RoadGraph, snapper: Snapper | None = None, fast: bool = True) -> None:
        from tourroute.routing.fast import FastRouter  # the CCH binding loads only when used

        self.road = road
        self.snapper = snapper or Snapper(road)
        self.fast = FastRouter(road) if fast else None
        self._components: dict[object, frozenset[Coord]] = {}
        self._arc_cache: dict[Vehicle, tuple[np.ndarray, np.ndarray]] = {}

    def model(
        self,
        vehicle: Vehicle = Vehicle.car,
        preference: Preference = Preference.fastest,
        avoid: Collection[str] = (),
        prefer_corridor: str | None = None,
        excluded: BaseGeometry | None = None,
        prefer_factor: float = PREFERRED_CORRIDOR_FACTOR,
    ) -> RouteCost:
        """The cost model of one request: a vehicle profile with its preference and avoidances.

        Parameters
        ----------
        vehicle
            Selects the profile in :data:`~tourroute.routing.profiles.PROFILES`.
        preference
            ``fastest`` (seconds), ``shortest`` (metres) or ``scenic``.
        avoid
            ``toll``, ``expressway``, ``unpaved`` (:data:`AVOIDABLE`) and/or corridor slugs;
            ``track`` for a convoy of cars and motorbikes.  Not checked here: a name that
            matches nothing hides nothing (the service rejects unknown names).
        prefer_corridor
            A corridor slug whose edges look cheaper, or ``None``.
        excluded
            A (Multi)Polygon in lon/lat that no usable edge may touch (a flood), or ``None``.
        prefer_factor
            How much of its cost a preferred corridor's edge keeps (0.75: 25 % cheaper).

        Returns
        -------
        RouteCost
        """
        return RouteCost(
            PROFILES[vehicle],
            preference,
            frozenset(avoid),
            prefer_corridor,
            excluded,
            prefer_factor,
        )

    def component(self, model: RouteCost) -> frozenset[Coord]:
        """:func:`main_component` for ``model``, cached per :meth:`RouteCost.cache_key`.

        Parameters
        ----------
        model
            The cost model; one with an exclusion polygon is computed afresh every call.

        Returns
        -------
        frozenset of Coord
            The nodes points may snap next to under ``model``.
        """
        key = model.cache_key()
        if key is None:
            return main_component(self.road, model)
        found = self._components.get(key)
        if found is None:
            found = self._components[key] = main_component(self.road, model)
        return found

    def snap(self, point: Coord, model: RouteCost, max_distance_m: float = 20_000.0) -> Snap:
        """``point`` projected onto the nearest edge the vehicle can use and leave.

        Parameters
        ----------
        point
            (lon, lat) in degrees.
        model
            The cost model: only edges it may use, inside its main component, qualify.
        max_distance_m
            How far from ``point`` to look for such an edge, in metres.

        Returns
        -------
        Snap
            The edge, the fraction along it, the foot point and its distance in metres.

        Raises
        ------
        SnapError
            No edge this model may use lies within ``max_distance_m``.
        NoRoute
            The nearest usable road within reach is cut off from the main component by
            the vehicle's rules or the request's avoidances.
        """
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
        """The opposite direction of a two-way edge, if there is one.

        Parameters
        ----------
        key
            A directed edge ``(u, v, key)`` of the graph.

        Returns
        -------
        EdgeKey or None
            ``(v, u, key')`` of the same piece of the same segment driven backwards;
            ``None`` for a one-way piece.
        """
        u, v, _ = key
        g = self.road.graph
        edge = self.snapper.edges[key]
        for k, data in g[v][u].items() if g.has_edge(v, u) else ():
            e: Edge = data["edge"]
            if e.segment.id == edge.segment.id and e.coords == edge.coords[::-1]:
                return (v, u, int(k))
        return None

    def ends(self, snap: Snap, model: RouteCost) -> tuple[Ends, Ends]:
        """(as origin: nodes reachable from the point, as destination: nodes that reach it).

        A snapped point lies part-way along an edge: leaving it, the search starts at the
        edge's end node with the rest of the edge already paid (and at its start node too
        when the edge is two-way); arriving works the other way round.  These are the
        ``sources`` and ``targets`` of :func:`search` and :meth:`shortest`.

        Parameters
        ----------
        snap
            A point snapped onto the graph (:meth:`snap`).
        model
            The cost model that prices the partial edges.

        Returns
        -------
        leave : dict of Coord to float
            Nodes reachable from the point, with the cost of getting there.
        arrive : dict of Coord to float
            Nodes from which the point is reached, with the cost still to pay.
        """
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
        """The cheapest path from any source node to any target node, offsets included.

        On the CCH when the router was built with ``fast=True``, else with the reference
        :func:`search`.

        Parameters
        ----------
        model
            The cost model.
        sources, targets
            Nodes with their starting and finishing costs (:meth:`ends`).

        Returns
        -------
        (float, Coord, Coord, list of EdgeKey) or None
            The total cost in the model's unit, the source node left, the target node
            reached and the edges between them (empty when the two coincide); ``None`` if
            no target can be reached.
        """
        if self.fast is not None:
            return self.fast.shortest(model, sources, targets)
        _dist, parent, best = search(self.road, sources, model.cost, targets)
        if best is None:
            return None
        pieces = _unwind(parent, best[1])
        first = pieces[0][0] if pieces else best[1]
        return best[0], first, best[1], pieces

    def route(self, origin: Coord, destination: Coord, model: RouteCost) -> Route:
        """The best route from ``origin`` to ``destination`` (lon, lat) under ``model``.

        Parameters
        ----------
        origin, destination
            (lon, lat) in degrees; each is snapped onto the nearest usable road.
        model
            The cost model (:meth:`model`).

        Returns
        -------
        Route
            Distance in metres, duration in seconds, the line from snapped point to
            snapped point, the metres by road ref, corridor and province, the segments
            driven and the cost the search minimised.

        Raises
        ------
        SnapError
            A point has no usable road within 20 km.
        NoRoute
            A point's road is cut off, or no path joins the two under ``model``.
        """
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

    def matrix(
        self, origins: list[Snap], destinations: list[Snap], model: RouteCost, distances: bool
    ) -> Matrix:
        """Costs between snapped points: one CCH many-to-many, paths unpacked only for distances.

        Durations are exact for ``fastest``; for other preferences, and whenever distances
        are asked for, every pair's path is unpacked and its seconds and metres summed.

        Parameters
        ----------
        origins, destinations
            Points snapped with ``model`` (:meth:`snap`).
        model
            The cost model that chooses the paths.
        distances
            Also sum the metres of every path (slower: every path is unpacked).

        Returns
        -------
        Matrix
            ``durations_s[i][j]``: seconds from ``origins[i]`` to ``destinations[j]``,
            ``None`` where unreachable; ``distances_m`` likewise in metres, or ``None``
            when not asked for.
        """
        leave = [self.ends(s, model)[0] for s in origins]
        arrive = [self.ends(d, model)[1] for d in destinations]
        n, m = len(origins), len(destinations)
        durations: list[list[float | None]] = [[None] * m for _ in range(n)]
        metres: list[list[float | None]] | None = (
            [[None] * m for _ in range(n)] if distances else None
        )
        # A preferred corridor discounts its costs: real seconds need the path unpacked.
        unpack = (
            distances
            or model.preference is not Preference.fastest
            or model.prefer_corridor is not None
        )
        fast = None if unpack else self.fast
        costs = fast.many_to_many(model, leave, arrive) if fast is not None else None
        for i, a in enumerate(origins):
            for j, b in enumerate(destinations):
                if costs is not None:
                    best = float(costs[i, j])
                    direct = self._same_edge(a, b, model)
                    if direct is not None and direct[0] <= best:
                        durations[i][j] = direct[0]
                    elif best != float("inf"):
                        durations[i][j] = best
                    continue
                totals = self._pair_totals(a, b, leave[i], arrive[j], model)
                if totals is not None:
                    durations[i][j] = totals[0]
                    if metres is not None:
                        metres[i][j] = totals[1]
        return Matrix(origins, destinations, durations, metres)

    def _same_edge(self, a: Snap, b: Snap, model: RouteCost) -> tuple[float, float] | None:
        """(seconds, metres) when ``b`` lies ahead of ``a`` on the same directed edge."""
        if a.edge != b.edge or b.fraction < a.fraction:
            return None
        edge = self.snapper.edges[a.edge]
        share = b.fraction - a.fraction
        return model.seconds(edge) * share, edge.length_m * share

    def _pair_totals(
        self, a: Snap, b: Snap, leave: Ends, arrive: Ends, model: RouteCost
    ) -> tuple[float, float] | None:
        """(seconds, metres) of the best path between two snapped points, ends included."""
        direct = self._same_edge(a, b, model)
        if self.fast is not None and direct is None:
            arcs = self.fast.path(model, leave, arrive)
            if arcs is None:
                return None
            first, last, ids = arcs
            seconds_of, metres_of = self._arc_arrays(self.fast, model)
            s_edge, e_edge = self.snapper.edges[a.edge], self.snapper.edges[b.edge]
            head = (1 - a.fraction) if first == a.edge[1] else a.fraction
            tail = b.fraction if last == b.edge[0] else (1 - b.fraction)
            return (
                model.seconds(s_edge) * head
                + model.seconds(e_edge) * tail
                + float(seconds_of[ids].sum()),
                s_edge.length_m * head + e_edge.length_m * tail + float(metres_of[ids].sum()),
            )
        found = self.shortest(model, leave, arrive)
        if found is None:
            return direct
        cost, first, last, pieces = found
        if direct is not None:
            direct_cost = (b.fraction - a.fraction) * (model.cost(self.snapper.edges[a.edge]) or 0)
            if direct_cost <= cost:
                return direct
        s_edge, e_edge = self.snapper.edges[a.edge], self.snapper.edges[b.edge]
        head = (1 - a.fraction) if first == a.edge[1] else a.fraction
        tail = b.fraction if last == b.edge[0] else (1 - b.fraction)
        seconds = model.seconds(s_edge) * head + model.seconds(e_edge) * tail
        length = s_edge.length_m * head + e_edge.length_m * tail
        g = self.road.graph
        for u, v, k in pieces:
            e: Edge = g.edges[u, v, k]["edge"]
            seconds += model.seconds(e)
            length += e.length_m
        return seconds, length

    def _arc_arrays(self, fast: FastRouter, model: RouteCost) -> tuple[np.ndarray, np.ndarray]:
        """Seconds and metres of every CCH arc for ``model`` (cached per vehicle)."""
        key = model.profile.vehicle
        found = self._arc_cache.get(key)
        if found is None:
            seconds = np.array([model.seconds(e) for e in fast.edges])
            metres = np.array([e.length_m for e in fast.edges])
            found = self._arc_cache[key] = (seconds, metres)
        return found

    def reachable(self, origin: Snap, model: RouteCost, budget_s: float) -> Reach:
        """Everything within ``budget_s`` seconds of driving from ``origin``.

        Costs here are always seconds (the model's preference is ignored): a time budget.

        Parameters
        ----------
        origin
            The snapped starting point.
        model
            Its vehicle, avoidances and exclusion polygon apply; its preference and
            preferred corridor do not.
        budget_s
            The driving time allowed, in seconds.

        Returns
        -------
        Reach
            The seconds to every node reached, and the roads (or the parts of them)
            driven within the budget, ready for :func:`~tourroute.routing.isochrone.reach_area`.
        """
        timed = RouteCost(model.profile, Preference.fastest, model.avoid, None, model.excluded)
        leave, _ = self.ends(origin, timed)
        dist, _parent, _ = search(self.road, leave, timed.cost, cutoff=budget_s)
        pieces: list[tuple[Coord, ...]] = []
        start_edge = self.snapper.edges[origin.edge]
        for u, d in dist.items():
            for keyed in self.road.graph.adj[u].values():
                for data in keyed.values():
                    edge: Edge = data["edge"]
                    step = timed.cost(edge)
                    if step is None or step <= 0:
                        continue
                    share = min(1.0, (budget_s - d) / step)
                    if share >= 1.0:
                        pieces.append(edge.coords)
                    elif share > 0:
                        pieces.append(_edge_part(edge, 0.0, share))
        # The origin's own edge, from the point both ways as far as the budget goes.
        cost = timed.cost(start_edge) or 0.0
        if cost > 0:
            reach = budget_s / cost
            lo = max(0.0, origin.fraction - reach)
            hi = min(1.0, origin.fraction + reach)
            pieces.append(_edge_part(start_edge, lo, hi))
        return Reach(origin, budget_s, dist, pieces, timed)

    def time_to(self, reach: Reach, snap: Snap) -> float | None:
        """Seconds from the reach's origin to a snapped point, if within its budget.

        Parameters
        ----------
        reach
            The result of :meth:`reachable`.
        snap
            A point snapped with the reach's model.

        Returns
        -------
        float or None
            Driving seconds, ``None`` when the point lies beyond ``reach.budget_s``.
        """
        best: float | None = None
        direct = self._same_edge(reach.origin, snap, reach.model)
        if direct is not None:
            best = direct[0]
        _, arrive = self.ends(snap, reach.model)
        for node, extra in arrive.items():
            d = reach.seconds.get(node)
            if d is not None and (best is None or d + extra < best):
                best = d + extra
        return best if best is not None and best <= reach.budget_s else None


@dataclass
class Matrix:
    origins: list[Snap]
    destinations: list[Snap]
    durations_s: list[list[float | None]]
    distances_m: list[list[float | None]] | None


@dataclass
class Reach:
    origin: Snap
    budget_s: float
    seconds: dict[Coord, float]  # every node within the budget → seconds to get there
    pieces: list[tuple[Coord, ...]]  # the roads (or parts of them) driven within the budget
    model: RouteCost


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
    """One route on ``road`` with the reference search (build a :class:`Router` to reuse).

    Builds a throw-away :class:`Router` (and a :class:`~tourroute.routing.snap.Snapper`
    unless one is given): convenient for one-off routes, tests and examples; a service
    keeps one router per graph instead.

    Parameters
    ----------
    road
        The road graph.
    origin, destination
        (lon, lat) in degrees.
    vehicle, preference, avoid, prefer_corridor, excluded
        The cost model, as in :meth:`Router.model`.
    snapper
        A spatial index over ``road``'s edges to reuse.

    Returns
    -------
    Route
        As :meth:`Router.route`.

    Raises
    ------
    SnapError
        A point has no usable road within 20 km.
    NoRoute
        No path between the points for this vehicle under these constraints.
    """
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
        r.cost += (model.cost(edge) or 0.0) * share
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
