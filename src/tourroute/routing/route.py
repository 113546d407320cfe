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
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry
from shapely.prepared import prep

from tourroute.i18n import Localized
from tourroute.i18n import messages as msgs
from tourroute.routing.graph import Coord, Edge, RoadGraph, index_ranges, sorted_unique
from tourroute.routing.profiles import PROFILES, Preference, Vehicle, VehicleProfile
from tourroute.routing.snap import EdgeKey, Snap, SnapError, Snapper

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
    """No path for this vehicle under these constraints; ``message`` says why, in any
    language the catalogue has."""

    def __init__(self, message: Localized) -> None:
        super().__init__(message.render("en"))
        self.message = message


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
    # The arcs driven, (arc, from fraction, to fraction) in driving order: what turn-by-turn
    # steps are derived from (routing.directions), only when asked for.
    arcs: list[tuple[int, float, float]] = field(default_factory=list)


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

    # -- the same rules over every arc at once (numpy) ----------------------------------
    def segment_speeds(self, road: RoadGraph) -> np.ndarray:
        """Typical km/h on every segment of ``road``; NaN where the vehicle may not drive.

        :meth:`VehicleProfile.speed_kph` is asked once per distinct (class, posted limit)
        pair, so the rule stays in one place and costs a few dozen calls, not 247k.
        """
        a = road.arrays
        classes = road.strings("class_table")
        limits = np.nan_to_num(np.asarray(a["seg_maxspeed"], dtype=np.float64), nan=0.0)
        # One number per (class, limit) pair: limits are km/h, well below 10,000.
        combined = np.asarray(a["seg_class"], dtype=np.float64) * 10_000 + limits
        pairs, _, inverse = sorted_unique(combined, return_inverse=True)
        speeds = np.array(
            [
                np.nan
                if (v := self.profile.speed_kph(classes[int(c // 10_000)], (c % 10_000) or None))
                is None
                else v
                for c in pairs.tolist()
            ],
            dtype=np.float64,
        )
        return speeds[inverse] if len(pairs) else np.zeros(0)

    def segment_usable(self, road: RoadGraph) -> np.ndarray:
        """:meth:`usable`'s per-segment rules (all but the polygon), for every segment."""
        a = road.arrays
        flags = np.asarray(a["seg_flags"])
        classes = road.strings("class_table")
        klass = np.asarray(a["seg_class"])
        ok = ~np.isnan(self.segment_speeds(road))
        if self.profile.vehicle is Vehicle.motorbike:
            ok &= (flags & 4) == 0
        if self.profile.avoids_motorhome_unsuitable:
            ok &= (flags & 8) == 0
        if "toll" in self.avoid:
            ok &= (flags & 2) == 0
        if "expressway" in self.avoid and "motorway" in classes:
            ok &= klass != classes.index("motorway")
        if ("unpaved" in self.avoid or "track" in self.avoid) and "track" in classes:
            ok &= klass != classes.index("track")
        if "unpaved" in self.avoid:
            surfaces = road.strings("surface_table")
            paved = surfaces.index("paved") if "paved" in surfaces else -1
            ok &= np.asarray(a["seg_surface"]) == paved
        avoided = [i for i, c in enumerate(road.strings("corridor_table")) if c in self.avoid]
        if avoided and len(a["corr_code"]):
            hit = np.isin(np.asarray(a["corr_code"]), avoided, kind="table")
            ok &= ~_any_per_segment(hit, np.asarray(a["corr_start"]))
        usable: np.ndarray = ok
        return usable

    def arc_usable(self, road: RoadGraph) -> np.ndarray:
        """:meth:`usable` for every arc of ``road`` (the exclusion polygon included)."""
        a = road.arrays
        piece_seg = np.asarray(a["piece_seg"])
        piece_ok = self.segment_usable(road)[piece_seg] if len(piece_seg) else np.zeros(0, bool)
        if self.excluded is not None and len(piece_ok):
            piece_ok &= ~_pieces_touching(road, self.excluded)
        arc_ok: np.ndarray = piece_ok[np.asarray(a["arc_piece"])]
        return arc_ok

    def arc_seconds(self, road: RoadGraph) -> np.ndarray:
        """:meth:`seconds` of every arc of ``road`` (a barred class timed at 1 km/h)."""
        a = road.arrays
        speed = np.nan_to_num(self.segment_speeds(road), nan=1.0)
        piece_speed = speed[np.asarray(a["piece_seg"])] / 3.6
        seconds = np.asarray(a["piece_length"]) / piece_speed
        per_arc: np.ndarray = seconds[np.asarray(a["arc_piece"])]
        return per_arc

    def arc_costs(self, road: RoadGraph) -> np.ndarray:
        """:meth:`cost` of every arc of ``road``; ``inf`` where :meth:`usable` says no."""
        a = road.arrays
        arc_piece = np.asarray(a["arc_piece"])
        seg = np.asarray(a["piece_seg"])[arc_piece]
        if self.preference is Preference.shortest:
            value = np.asarray(a["piece_length"])[arc_piece].astype(np.float64)
        else:
            value = self.arc_seconds(road)
            if self.preference is Preference.scenic:
                value = value / (1 + np.clip(np.asarray(a["seg_scenic"]), 0, 5)[seg])
        if self.prefer_corridor:
            table = road.strings("corridor_table")
            if self.prefer_corridor in table and len(a["corr_code"]):
                hit = np.asarray(a["corr_code"]) == table.index(self.prefer_corridor)
                preferred = _any_per_segment(hit, np.asarray(a["corr_start"]))
                value = np.where(preferred[seg], value * self.prefer_factor, value)
        return np.where(self.arc_usable(road), value, np.inf)


def _any_per_segment(hit: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Per segment: whether any of its CSR entries (``start`` offsets) is ``hit``."""
    counts = np.diff(start)
    out = np.zeros(len(counts), dtype=bool)
    nonempty = counts > 0
    if hit.size:
        out[nonempty] = np.logical_or.reduceat(hit, start[:-1][nonempty])
    return out


def _grouped(codes: np.ndarray, values: np.ndarray, names: list[str]) -> dict[str, float]:
    """Sum of ``values`` per code (-1 skipped), keyed by name, in order of first appearance."""
    keep = codes >= 0
    codes, values = codes[keep], values[keep]
    if not len(codes):
        return {}
    distinct, first, inverse = sorted_unique(codes, return_index=True, return_inverse=True)
    sums = np.bincount(inverse, weights=values, minlength=len(distinct))
    return {names[int(distinct[i])]: float(sums[i]) for i in np.argsort(first, kind="stable")}


def _grouped_pairs(
    first: np.ndarray,
    second: np.ndarray,
    values: np.ndarray,
    first_names: list[str],
    second_names: list[str],
) -> dict[tuple[str, str], float]:
    """Sum of ``values`` per pair of codes (either -1 skipped), keyed by the pair of names,
    in order of first appearance."""
    keep = (first >= 0) & (second >= 0)
    width = max(len(second_names), 1)
    keys = first[keep].astype(np.int64) * width + second[keep].astype(np.int64)
    values = values[keep]
    if not len(keys):
        return {}
    distinct, where, inverse = sorted_unique(keys, return_index=True, return_inverse=True)
    sums = np.bincount(inverse, weights=values, minlength=len(distinct))
    return {
        (first_names[int(distinct[i]) // width], second_names[int(distinct[i]) % width]): float(
            sums[i]
        )
        for i in np.argsort(where, kind="stable")
    }


def _pieces_touching(road: RoadGraph, area: BaseGeometry) -> np.ndarray:
    """Which pieces of road touch ``area``: bounding boxes first, then exact lines."""
    a = road.arrays
    coords = np.asarray(a["coords"])
    start = np.asarray(a["piece_start"])
    n = len(start) - 1
    lo = np.minimum.reduceat(coords, start[:-1], axis=0) if n else np.zeros((0, 2))
    hi = np.maximum.reduceat(coords, start[:-1], axis=0) if n else np.zeros((0, 2))
    x0, y0, x1, y1 = area.bounds
    near = np.flatnonzero((hi[:, 0] >= x0) & (lo[:, 0] <= x1) & (hi[:, 1] >= y0) & (lo[:, 1] <= y1))
    out = np.zeros(n, dtype=bool)
    if len(near):
        sizes = start[near + 1] - start[near]
        take = np.repeat(start[near], sizes) + (
            np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        )
        lines = shapely.linestrings(coords[take], indices=np.repeat(np.arange(len(near)), sizes))
        out[near] = shapely.intersects(area, lines)
    return out


Ends = dict[int, float]  # graph nodes with the cost of getting there from a snapped point


def main_component(road: RoadGraph, model: RouteCost) -> np.ndarray:
    """The largest strongly connected set of nodes over the arcs ``model`` may use.

    Points snap only onto arcs inside it: a piece of road boxed in by roads this vehicle
    may not take (a caravan on a lane between two steep passes) would give "no route" to
    everything, so we skip it for the nearest road that leads somewhere.

    Parameters
    ----------
    road
        The road graph.
    model
        The cost model whose :meth:`RouteCost.arc_usable` decides which arcs count.

    Returns
    -------
    numpy.ndarray
        One bool per node: in the largest strongly connected component (SciPy's, linear
        in the graph; :meth:`Router.component` caches it); all false when the model may
        use no arc at all.
    """
    return _largest_component(road, model.arc_usable(road))


def _largest_component(road: RoadGraph, usable: np.ndarray) -> np.ndarray:
    n = road.node_count
    out = np.zeros(n, dtype=bool)
    if not usable.any():
        return out
    t = np.asarray(road.tails)[usable]
    h = np.asarray(road.heads)[usable]
    adjacency = csr_matrix((np.ones(len(t), dtype=np.int8), (t, h)), shape=(n, n))
    count, labels = connected_components(adjacency, directed=True, connection="strong")
    present = np.zeros(n, dtype=bool)
    present[t] = True
    present[h] = True
    sizes = np.bincount(labels[present], minlength=count)
    main: np.ndarray = (labels == int(np.argmax(sizes))) & present
    return main


def search(
    road: RoadGraph,
    sources: Ends,
    costs: np.ndarray,
    targets: Ends | None = None,
    cutoff: float = float("inf"),
) -> tuple[dict[int, float], dict[int, int | None], tuple[float, int] | None]:
    """Reference multi-source Dijkstra with starting costs, in plain Python.

    With ``targets`` it stops at the cheapest target (returned with its total, offset
    included); without, it settles every node within ``cutoff``.  The fast router answers
    the same questions on a CCH; this one is the yardstick in tests.

    Parameters
    ----------
    road
        The road graph.
    sources
        Start nodes, each with the cost already paid to reach it (from a snapped point
        along its arc, see :meth:`Router.ends`); sources above ``cutoff`` are ignored.
    costs
        The cost of every arc, ``inf`` to hide it (:meth:`RouteCost.arc_costs`).
    targets
        Optional end nodes, each with the cost still to pay from it to the destination.
    cutoff
        Nodes costlier than this are not settled; in the unit of ``costs``.

    Returns
    -------
    dist : dict of int to float
        Every settled node with its cost from the cheapest source.
    parent : dict of int to int or None
        The arc by which each settled node was reached; ``None`` for a source.
    best : (float, int) or None
        With ``targets``: the cheapest total (target offset included) and the target node
        it ends at; ``None`` without targets or when none is reached.
    """
    start = np.asarray(road.arrays["out_start"])
    heads = np.asarray(road.heads)
    dist: dict[int, float] = {}
    parent: dict[int, int | None] = {}
    seen: dict[int, float] = {}
    tie = itertools.count()
    heap: list[tuple[float, int, int, int | None]] = []
    for node, c in sources.items():
        if c <= cutoff:
            heapq.heappush(heap, (c, next(tie), node, None))
    best: tuple[float, int] | None = None
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
        for arc in range(int(start[node]), int(start[node + 1])):
            nxt = int(heads[arc])
            if nxt in dist:
                continue
            step = float(costs[arc])
            if step == np.inf:
                continue
            nd = d + step
            if nd <= cutoff and nd < seen.get(nxt, float("inf")):
                seen[nxt] = nd
                heapq.heappush(heap, (nd, next(tie), nxt, arc))
    return dist, parent, best


def _unwind(road: RoadGraph, parent: dict[int, int | None], last: int) -> list[int]:
    out: list[int] = []
    node = last
    while (via := parent.get(node)) is not None:
        out.append(via)
        node = int(road.tails[via])
    return out[::-1]


_T = TypeVar("_T")
_CACHED = 48  # per-model arrays kept by a router (costs, components, snapping masks)
#: Points whose snap :meth:`Router.try_snap` remembers per model.
_SNAPS_KEPT = 20_000


class Router:
    """Everything derived from one road graph to answer routing questions.

    ``fast=True`` answers shortest paths on a CCH (:mod:`tourroute.routing.fast`);
    ``fast=False`` on the plain-Python reference Dijkstra (small graphs, tests).  Per cost
    model it keeps, in a small LRU, the arc costs, the main component and the arcs points
    may snap onto: computed once per model with numpy, never per query.

    Parameters
    ----------
    road
        The road graph; the router never changes it.
    snapper
        A spatial index over ``road``'s arcs to reuse; built here when ``None``.
    fast
        Build the CCH (seconds on a regional graph, the expensive part) and answer
        shortest paths and matrices with it.
    """

    def __init__(self, road: RoadGraph, snapper: Snapper | None = None, fast: bool = True) -> None:
        from tourroute.routing.fast import FastRouter  # the CCH binding loads only when used

        self.road = road
        self.snapper = snapper or Snapper(road)
        self._cache: OrderedDict[tuple[str, Hashable], Any] = OrderedDict()
        self._lock = threading.Lock()
        self.fast = FastRouter(road, self.costs) if fast else None
        # One-way arcs found to be (or not to be) on a roundabout (routing.directions).
        self.rings: dict[int, bool] = {}

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

    def warm(self, vehicles: Collection[Vehicle] = tuple(Vehicle)) -> None:
        """Compute each vehicle's fastest-route arrays, CCH metric and isochrone graph now,
        not in the first request that asks (about half a second each on the complete
        regional network; the isochrone graph, ~14 MB a vehicle, another 0.2 s)."""
        for vehicle in vehicles:
            model = self.model(vehicle)
            self._snappable(model)
            self._timed_graph(model)
            if self.fast is not None:
                self.fast.warm(model)

    # -- per-model arrays, cached -----------------------------------------------------
    def _cached(self, kind: str, key: Hashable | None, make: Callable[[], _T]) -> _T:
        if key is None:
            return make()
        with self._lock:
            found = self._cache.get((kind, key))
            if found is not None:
                self._cache.move_to_end((kind, key))
                return found  # type: ignore[no-any-return]  # stored by this same kind
        made = make()
        with self._lock:
            self._cache[(kind, key)] = made
            while len(self._cache) > _CACHED:
                self._cache.popitem(last=False)
        return made

    def costs(self, model: RouteCost) -> np.ndarray:
        """:meth:`RouteCost.arc_costs` of every arc, cached per model."""
        return self._cached("costs", model.cache_key(), lambda: model.arc_costs(self.road))

    def seconds(self, model: RouteCost) -> np.ndarray:
        """:meth:`RouteCost.arc_seconds` of every arc, cached per vehicle."""
        return self._cached("seconds", model.profile.vehicle, lambda: model.arc_seconds(self.road))

    def metres(self) -> np.ndarray:
        """The length of every arc in metres."""
        return self._cached(
            "metres",
            "all",
            lambda: np.asarray(self.road.arrays["piece_length"])[
                np.asarray(self.road.arrays["arc_piece"])
            ],
        )

    def component(self, model: RouteCost) -> np.ndarray:
        """:func:`main_component` for ``model`` (one bool per node), cached per model.

        Parameters
        ----------
        model
            The cost model; one with an exclusion polygon is computed afresh every call.

        Returns
        -------
        numpy.ndarray
            True for the nodes points may snap next to under ``model``.
        """
        return self._cached(
            "component",
            model.cache_key(),
            lambda: _largest_component(self.road, np.isfinite(self.costs(model))),
        )

    def _snappable(self, model: RouteCost) -> np.ndarray:
        def make() -> np.ndarray:
            main = self.component(model)
            tails, heads = np.asarray(self.road.tails), np.asarray(self.road.heads)
            snappable: np.ndarray = np.isfinite(self.costs(model)) & main[tails] & main[heads]
            return snappable

        return self._cached("snappable", model.cache_key(), make)

    # -- snapping ---------------------------------------------------------------------
    def try_snap(
        self, point: Coord, model: RouteCost, max_distance_m: float = 20_000.0
    ) -> Snap | None:
        """``point`` snapped as :meth:`snap` does, or ``None`` where that fails; remembered.

        For the points asked about again and again: the sites an isochrone checks (400 of
        them on the regional network, 0.1 ms each: half the request) or a composer's
        candidates.  The answers are kept per model (a network version has its own
        router), up to :data:`_SNAPS_KEPT` points, then forgotten together.

        Parameters
        ----------
        point
            (lon, lat) in degrees.
        model
            The cost model, as in :meth:`snap`.
        max_distance_m
            As in :meth:`snap`.

        Returns
        -------
        Snap or None
        """
        known: dict[tuple[float, float, float], Snap | None] = self._cached(
            "snaps", model.cache_key(), dict
        )
        key = (float(point[0]), float(point[1]), float(max_distance_m))
        if key in known:
            return known[key]
        try:
            found: Snap | None = self.snap(point, model, max_distance_m)
        except (SnapError, NoRoute):
            found = None
        if len(known) >= _SNAPS_KEPT:
            known.clear()
        known[key] = found
        return found

    def snap(self, point: Coord, model: RouteCost, max_distance_m: float = 20_000.0) -> Snap:
        """``point`` projected onto the nearest arc the vehicle can use and leave.

        Parameters
        ----------
        point
            (lon, lat) in degrees.
        model
            The cost model: only arcs it may use, inside its main component, qualify.
        max_distance_m
            How far from ``point`` to look for such an arc, in metres.

        Returns
        -------
        Snap
            The arc, the fraction along it, the foot point and its distance in metres.

        Raises
        ------
        SnapError
            No arc this model may use lies within ``max_distance_m``.
        NoRoute
            The nearest usable road within reach is cut off from the main component by
            the vehicle's rules or the request's avoidances.
        """
        try:
            return self.snapper.snap(point, self._snappable(model), max_distance_m)
        except SnapError:
            # A usable road nearby that leads nowhere: the constraints cut the point off.
            usable = np.isfinite(self.costs(model))
            near = self.snapper.snap(point, usable, max_distance_m)
            raise NoRoute(
                msgs.ROAD_CUT_OFF(lon=point[0], lat=point[1], metres=near.distance_m)
            ) from None

    def reverse_of(self, arc: EdgeKey) -> EdgeKey | None:
        """The opposite direction of a two-way arc, if there is one.

        Parameters
        ----------
        arc
            An arc id.

        Returns
        -------
        int or None
            The arc of the same piece of the same segment driven backwards; ``None`` for a
            one-way piece.
        """
        twin = int(self.road.arrays["arc_twin"][arc])
        return twin if twin >= 0 else None

    def edge(self, arc: EdgeKey) -> Edge:
        """Arc ``arc`` as an :class:`~tourroute.routing.graph.Edge`."""
        return self.road.edge(arc)

    def ends(self, snap: Snap, model: RouteCost) -> tuple[Ends, Ends]:
        """(as origin: nodes reachable from the point, as destination: nodes that reach it).

        A snapped point lies part-way along an arc: leaving it, the search starts at the
        arc's head with the rest of the arc already paid (and at its tail too when the
        piece is two-way); arriving works the other way round.  These are the ``sources``
        and ``targets`` of :func:`search` and :meth:`shortest`.

        Parameters
        ----------
        snap
            A point snapped onto the graph (:meth:`snap`).
        model
            The cost model that prices the partial arcs.

        Returns
        -------
        leave : dict of int to float
            Nodes reachable from the point, with the cost of getting there.
        arrive : dict of int to float
            Nodes from which the point is reached, with the cost still to pay.
        """
        c = float(self.costs(model)[snap.edge])
        if c == np.inf:
            c = 0.0
        u, v = int(self.road.tails[snap.edge]), int(self.road.heads[snap.edge])
        leave = {v: (1 - snap.fraction) * c}
        arrive = {u: snap.fraction * c}
        if self.reverse_of(snap.edge) is not None:
            leave[u] = min(leave.get(u, float("inf")), snap.fraction * c)
            arrive[v] = min(arrive.get(v, float("inf")), (1 - snap.fraction) * c)
        # A point exactly on a node is that node, even at the far end of a one-way arc:
        # without this a route to the head of a one-way arc drove the whole arc first.
        if snap.fraction <= 0.0:
            leave[u] = 0.0
        if snap.fraction >= 1.0:
            arrive[v] = 0.0
        return leave, arrive

    def shortest(
        self, model: RouteCost, sources: Ends, targets: Ends
    ) -> tuple[float, int, int, list[int]] | None:
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
        (float, int, int, list of int) or None
            The total cost in the model's unit, the source node left, the target node
            reached and the arcs between them (empty when the two coincide); ``None`` if
            no target can be reached.
        """
        if self.fast is not None:
            return self.fast.shortest(model, sources, targets)
        _dist, parent, best = search(self.road, sources, self.costs(model), targets)
        if best is None:
            return None
        arcs = _unwind(self.road, parent, best[1])
        first = int(self.road.tails[arcs[0]]) if arcs else best[1]
        return best[0], first, best[1], arcs

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
        sources, _ = self.ends(start, model)
        _, targets = self.ends(end, model)
        s_rev, e_rev = self.reverse_of(start.edge), self.reverse_of(end.edge)

        # Both points on the same piece of road, in driving order: no graph search needed.
        direct: float | None = None
        if start.edge == end.edge and end.fraction >= start.fraction:
            c = float(self.costs(model)[start.edge])
            direct = (end.fraction - start.fraction) * (0.0 if c == np.inf else c)
        found = self.shortest(model, sources, targets)
        if found is None and direct is None:
            raise NoRoute(msgs.NO_PATH_CONSTRAINED())
        if direct is not None and (found is None or direct <= found[0]):
            return self._summarise(model, start, end, [(start.edge, start.fraction, end.fraction)])
        if found is None:  # unreachable: direct was None or cheaper above
            raise NoRoute(msgs.NO_PATH())
        _total, first_node, last, arcs = found
        legs: list[tuple[int, float, float]] = []
        tails, heads = self.road.tails, self.road.heads
        if first_node == int(heads[start.edge]):
            legs.append((start.edge, start.fraction, 1.0))
        elif s_rev is not None and first_node == int(tails[start.edge]):
            legs.append((s_rev, 1 - start.fraction, 1.0))
        # else the path leaves from the point itself: it lies on its arc's tail node
        legs.extend((a, 0.0, 1.0) for a in arcs)
        if last == int(tails[end.edge]):
            legs.append((end.edge, 0.0, end.fraction))
        elif e_rev is not None and last == int(heads[end.edge]):
            legs.append((e_rev, 0.0, 1 - end.fraction))
        # else the path ends at the point itself: it lies on its arc's head node
        if not legs:  # start and end on one node
            legs.append((start.edge, start.fraction, start.fraction))
        return self._summarise(model, start, end, legs)

    def _summarise(
        self, model: RouteCost, start: Snap, end: Snap, legs: list[tuple[int, float, float]]
    ) -> Route:
        """The route along ``legs`` (arc, from fraction, to fraction): totals, breakdowns
        and geometry, summed over the arcs with numpy (a route on the complete network
        drives thousands of arcs; a Python loop over them was most of a request)."""
        road = self.road
        a = road.arrays
        arcs = np.array([leg[0] for leg in legs], dtype=np.int64)
        lo = np.array([leg[1] for leg in legs])
        hi = np.array([leg[2] for leg in legs])
        share = np.maximum(0.0, hi - lo)
        pieces = a["arc_piece"][arcs].astype(np.int64)
        metres = a["piece_length"][pieces] * share
        driven = metres >= 0.01  # a zero-length touch of an arc at a snapped end: not driven
        costs = self.costs(model)[arcs]
        costs = np.where(np.isfinite(costs), costs, 0.0)
        r = Route(
            float(metres[driven].sum()),
            float((self.seconds(model)[arcs] * share)[driven].sum()),
            self._coords(arcs, lo, hi),
            start,
            end,
        )
        r.cost = float((costs * share)[driven].sum())
        r.arcs = [legs[int(i)] for i in np.flatnonzero(driven)]
        pieces, metres, share = pieces[driven], metres[driven], share[driven]
        segs = a["piece_seg"][pieces].astype(np.int64)
        r.by_ref = _grouped(a["seg_ref"][segs], metres, road.strings("ref_table"))
        # Corridors: every (arc, corridor of its segment) pair.
        corr_start = a["corr_start"]
        n_corr = corr_start[segs + 1] - corr_start[segs]
        corr_arc = np.repeat(np.arange(len(segs)), n_corr)
        corr_code = a["corr_code"][index_ranges(corr_start[segs], n_corr)]
        corridors = road.strings("corridor_table")
        r.by_corridor = _grouped(corr_code, metres[corr_arc], corridors)
        # Provinces: every (arc, province it crosses) pair, metres scaled by the share.
        prov_start = a["prov_start"]
        n_prov = prov_start[pieces + 1] - prov_start[pieces]
        prov_arc = np.repeat(np.arange(len(segs)), n_prov)
        entries = index_ranges(prov_start[pieces], n_prov)
        prov_code = a["prov_code"][entries]
        prov_m = a["prov_m"][entries] * share[prov_arc]
        provinces = road.strings("province_table")
        r.by_province = _grouped(prov_code, prov_m, provinces)
        if len(corr_code) and len(prov_code):
            # Corridor × province: each province's share of an arc, once per corridor of
            # its segment (a Python loop over them was a millisecond on long routes).
            per = n_corr[prov_arc]
            k = np.repeat(np.arange(len(prov_code)), per)
            pair_corr = a["corr_code"][index_ranges(corr_start[segs[prov_arc]], per)]
            r.by_corridor_province = _grouped_pairs(
                pair_corr, prov_code[k], prov_m[k], corridors, provinces
            )
        if len(segs):
            changes = np.flatnonzero(np.concatenate([[True], segs[1:] != segs[:-1]]))
            ids = a["seg_ids"]
            r.segment_ids = [str(ids[segs[i]]) for i in changes]
        return r

    def line(self, legs: list[tuple[int, float, float]]) -> list[Coord]:
        """The line along ``legs`` ((arc, from fraction, to fraction) in driving order)."""
        arcs = np.array([leg[0] for leg in legs], dtype=np.int64)
        lo = np.array([leg[1] for leg in legs], dtype=np.float64)
        hi = np.array([leg[2] for leg in legs], dtype=np.float64)
        return self._coords(arcs, lo, hi)

    def _coords(self, arcs: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> list[Coord]:
        """The line along the arcs driven from fraction ``lo`` to ``hi`` of each: runs of
        whole arcs gathered from the arrays at once, the few partial ones (at the ends,
        at a via point) cut; a vertex shared by two parts appears once."""
        parts: list[np.ndarray] = []
        run = 0  # the first arc of the current run of whole arcs
        for i in np.flatnonzero((lo != 0.0) | (hi != 1.0)).tolist():
            if i > run:
                parts.append(self._arc_coords(arcs[run:i]))
            parts.append(_line_part(self._arc_array(int(arcs[i])), float(lo[i]), float(hi[i])))
            run = i + 1
        if run < len(arcs):
            parts.append(self._arc_coords(arcs[run:]))
        line = np.concatenate(parts) if parts else np.zeros((0, 2))
        if len(line) > 1:
            repeated = np.concatenate([[False], np.all(line[1:] == line[:-1], axis=1)])
            # Only a vertex where two parts meet is dropped, as chaining them would.
            starts = np.cumsum([len(p) for p in parts])[:-1]
            boundary = np.zeros(len(line), dtype=bool)
            boundary[starts] = True
            line = line[~(repeated & boundary)]
        coords: list[Coord] = list(map(tuple, line.tolist()))  # the fastest way to tuples
        return coords

    def _arc_array(self, arc: int) -> np.ndarray:
        """The vertices of one arc in driving direction, as a (view of the) (m, 2) array."""
        a = self.road.arrays
        p = int(a["arc_piece"][arc])
        shape: np.ndarray = a["coords"][int(a["piece_start"][p]) : int(a["piece_start"][p + 1])]
        return shape[::-1] if a["arc_reverse"][arc] else shape

    def _arc_coords(self, arcs: np.ndarray) -> np.ndarray:
        """The vertices of consecutive whole arcs, in driving direction, joints once."""
        a = self.road.arrays
        p = a["arc_piece"][arcs].astype(np.int64)
        s, e = a["piece_start"][p], a["piece_start"][p + 1]
        n = e - s
        offset = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
        backwards = np.repeat(a["arc_reverse"][arcs], n)
        index = np.where(backwards, np.repeat(e - 1, n) - offset, np.repeat(s, n) + offset)
        line = a["coords"][index]
        # Each arc after the first starts where the previous one ended.
        first_of_arc = np.cumsum(n) - n
        joint = np.zeros(len(line), dtype=bool)
        joint[first_of_arc[1:]] = True
        same = np.zeros(len(line), dtype=bool)
        same[1:] = np.all(line[1:] == line[:-1], axis=1)
        joined: np.ndarray = line[~(joint & same)]
        return joined

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
        """(seconds, metres) when ``b`` lies ahead of ``a`` on the same arc."""
        if a.edge != b.edge or b.fraction < a.fraction:
            return None
        share = b.fraction - a.fraction
        return (
            float(self.seconds(model)[a.edge]) * share,
            float(self.metres()[a.edge]) * share,
        )

    def _pair_totals(
        self, a: Snap, b: Snap, leave: Ends, arrive: Ends, model: RouteCost
    ) -> tuple[float, float] | None:
        """(seconds, metres) of the best path between two snapped points, ends included."""
        direct = self._same_edge(a, b, model)
        seconds_of, metres_of = self.seconds(model), self.metres()
        found = self.shortest(model, leave, arrive)
        if found is None:
            return direct
        cost, first, last, arcs = found
        if direct is not None:
            c = float(self.costs(model)[a.edge])
            if (b.fraction - a.fraction) * (0.0 if c == np.inf else c) <= cost:
                return direct
        head = (1 - a.fraction) if first == int(self.road.heads[a.edge]) else a.fraction
        tail = b.fraction if last == int(self.road.tails[b.edge]) else (1 - b.fraction)
        ids = np.asarray(arcs, dtype=np.int64)
        return (
            float(seconds_of[a.edge]) * head
            + float(seconds_of[b.edge]) * tail
            + float(seconds_of[ids].sum()),
            float(metres_of[a.edge]) * head
            + float(metres_of[b.edge]) * tail
            + float(metres_of[ids].sum()),
        )

    def _timed_graph(self, model: RouteCost) -> csr_matrix:
        """The arcs ``model`` may use as a sparse matrix of seconds (cheapest parallel arc)."""

        def make() -> csr_matrix:
            costs = self.costs(model)
            ok = np.isfinite(costs)
            t = np.asarray(self.road.tails)[ok]
            h = np.asarray(self.road.heads)[ok]
            w = costs[ok]
            order = np.lexsort((w, h, t))
            t, h, w = t[order], h[order], w[order]
            first = np.ones(len(t), dtype=bool)
            first[1:] = (t[1:] != t[:-1]) | (h[1:] != h[:-1])
            n = self.road.node_count
            # One spare node, n, with no arcs yet: a reach's virtual origin (reachable).
            return csr_matrix((w[first], (t[first], h[first])), shape=(n + 1, n + 1))

        return self._cached("timed", model.cache_key(), make)

    def reachable(self, origin: Snap, model: RouteCost, budget_s: float) -> Reach:
        """Everything within ``budget_s`` seconds of driving from ``origin``.

        Costs here are always seconds (the model's preference is ignored): a time budget.
        The search is SciPy's bounded Dijkstra from each end of the origin's arc, the two
        combined with their starting costs.

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
            The seconds to every node (``inf`` beyond the budget), and the road driven
            within the budget as polylines, ready for
            :func:`~tourroute.routing.reach_grid.reach_area_lines`.
        """
        timed = RouteCost(model.profile, Preference.fastest, model.avoid, None, model.excluded)
        leave, _ = self.ends(origin, timed)
        n = self.road.node_count
        seconds = np.full(n, np.inf)
        sources = [(node, c) for node, c in leave.items() if c <= budget_s]
        if sources:
            # One search from a virtual origin (the spare node n) with an arc to each end of
            # the origin's arc costing what reaching that end costs: the two ends' offsets
            # without a search from each.  Row n is the matrix's last, so its arcs go at the
            # end of the arrays.
            graph = self._timed_graph(timed)
            heads = np.array([node for node, _ in sources], dtype=graph.indices.dtype)
            costs = np.array([max(c, 1e-9) for _, c in sources])  # 0 would be "no arc"
            indptr = graph.indptr.copy()
            indptr[-1] += len(sources)
            with_origin = csr_matrix(
                (
                    np.concatenate([graph.data, costs]),
                    np.concatenate([graph.indices, heads]),
                    indptr,
                ),
                shape=graph.shape,
            )
            reached = dijkstra(with_origin, directed=True, indices=[n], limit=budget_s)
            seconds = np.asarray(reached[0, :n], dtype=np.float64)
        seconds[seconds > budget_s] = np.inf
        vertices, line_starts = self._reached_lines(seconds, timed, budget_s)
        # The origin's own arc, from the point both ways as far as the budget goes.
        cost = float(self.costs(timed)[origin.edge])
        if 0 < cost < np.inf:
            reach = budget_s / cost
            lo = max(0.0, origin.fraction - reach)
            hi = min(1.0, origin.fraction + reach)
            own = _line_part(self._arc_array(origin.edge), lo, hi)
            line_starts = np.append(line_starts, len(vertices))
            vertices = np.concatenate([vertices, own])
        return Reach(origin, budget_s, seconds, vertices, line_starts, timed)

    def _reached_lines(
        self, seconds: np.ndarray, timed: RouteCost, budget_s: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """The road driven within the budget, as polylines (vertices, first vertex of each):
        every piece of road with an arc whose tail is reached and whose whole cost fits, and
        of an arc the budget ends on, its steps up to that point (the last one cut there).

        Whole pieces are gathered as runs of their vertices (one gather, each vertex once):
        gathering each step's two ends took twice the memory traffic and a third of a
        60-minute isochrone's time on the regional network."""
        a = self.road.arrays
        costs = self.costs(timed)
        # The arcs leaving the settled nodes, through the CSR index (arcs are sorted by
        # tail): a few hundred thousand, where masking every arc touched all of them.
        settled = np.flatnonzero(np.isfinite(seconds))
        out_start = a["out_start"]
        degree = out_start[settled + 1] - out_start[settled]
        out_arcs = index_ranges(out_start[settled], degree)
        d = np.repeat(seconds[settled], degree)
        arc_costs = costs[out_arcs]
        usable = np.isfinite(arc_costs) & (arc_costs > 0)
        out_arcs, d, arc_costs = out_arcs[usable], d[usable], arc_costs[usable]
        share = np.minimum(1.0, (budget_s - d) / arc_costs)
        coords, piece_start = a["coords"], a["piece_start"]
        # Whole arcs: a two-way piece driven both ways is drawn once.
        driven = np.zeros(len(piece_start) - 1, dtype=bool)
        driven[a["arc_piece"][out_arcs[share >= 1.0]]] = True
        whole = np.flatnonzero(driven)
        count = piece_start[whole + 1] - piece_start[whole]
        vertices = [coords[index_ranges(piece_start[whole], count)]]
        line_starts = [np.cumsum(count) - count]
        # Arcs the budget runs out on: their steps up to the fraction reached.
        part = (share > 0) & (share < 1.0)
        arcs, fraction = out_arcs[part], share[part]
        if len(arcs):
            p = a["arc_piece"][arcs].astype(np.int64)
            backwards = a["arc_reverse"][arcs]
            n = piece_start[p + 1] - piece_start[p] - 1
            owner = np.repeat(np.arange(len(arcs)), n)
            steps = index_ranges(piece_start[p], n)
            first, second = coords[steps], coords[steps + 1]
            length = np.hypot(*(second - first).T)
            before = np.cumsum(length) - length  # along the piece, from its first vertex
            before -= np.repeat(before[np.cumsum(n) - n], n)
            total = np.bincount(owner, weights=length, minlength=len(arcs))[owner]
            back = backwards[owner]
            # Where each step starts and ends in driving order, and how far the budget goes.
            enter = np.where(back, total - before - length, before)
            reach = fraction[owner] * total
            keep = enter < reach
            with np.errstate(invalid="ignore", divide="ignore"):
                t = np.clip(np.where(length > 0, (reach - enter) / length, 1.0), 0.0, 1.0)
            start_point = np.where(back[:, None], second, first)[keep]
            end_point = np.where(back[:, None], first, second)[keep]
            cut = start_point + (end_point - start_point) * t[keep][:, None]
            # Each kept step its own two-vertex line.
            pairs = np.empty((2 * len(start_point), 2))
            pairs[0::2] = start_point
            pairs[1::2] = cut
            offset = len(vertices[0])
            vertices.append(pairs)
            line_starts.append(offset + 2 * np.arange(len(start_point)))
        return np.concatenate(vertices), np.concatenate(line_starts)

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
        return self.times_to(reach, [snap])[0]

    def times_to(self, reach: Reach, snaps: Sequence[Snap]) -> list[float | None]:
        """:meth:`time_to` of many points at once: the sites an isochrone lists (400 on
        the regional network, where a Python call each was 17 ms of the request).

        Parameters
        ----------
        reach
            The result of :meth:`reachable`.
        snaps
            Points snapped with the reach's model.

        Returns
        -------
        list of float or None
            Driving seconds to each, ``None`` beyond ``reach.budget_s``.
        """
        if not snaps:
            return []
        model = reach.model
        arcs = np.array([s.edge for s in snaps], dtype=np.int64)
        f = np.array([s.fraction for s in snaps], dtype=np.float64)
        c = self.costs(model)[arcs]
        c = np.where(np.isinf(c), 0.0, c)
        tail = reach.seconds[np.asarray(self.road.tails)[arcs]]
        head = reach.seconds[np.asarray(self.road.heads)[arcs]]
        two_way = self.road.arrays["arc_twin"][arcs] >= 0
        # As :meth:`ends` arrives: from the tail along the arc; from the head backwards on a
        # two-way piece; a point on the head node is the head node itself.
        best = tail + f * c
        best = np.minimum(best, np.where(two_way, head + (1 - f) * c, np.inf))
        best = np.minimum(best, np.where(f >= 1.0, head, np.inf))
        # A point ahead of the origin on its own arc: along the arc, no node in between.
        ahead = (arcs == reach.origin.edge) & (f >= reach.origin.fraction)
        if ahead.any():
            seconds = float(self.seconds(model)[reach.origin.edge])
            best = np.where(ahead, np.minimum(best, (f - reach.origin.fraction) * seconds), best)
        return [float(b) if b <= reach.budget_s else None for b in best.tolist()]


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
    seconds: np.ndarray  # seconds to every node (by node id); inf beyond the budget
    vertices: np.ndarray  # (m, 2) lon/lat: the road driven within the budget, as polylines
    line_starts: np.ndarray  # index in vertices of each polyline's first vertex
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


def _line_part(coords: np.ndarray, start: float, end: float) -> np.ndarray:
    """The part of a lon/lat line (m, 2) between two fractions of its planar length.

    What ``shapely.ops.substring(line, start, end, normalized=True)`` gives, with numpy on
    the graph's arrays: building a LineString of the end arcs' vertices cost a route on the
    regional network a millisecond.  The cut points are interpolated; the vertices strictly
    between them are kept; a part with no length is its point twice.
    """
    line = np.asarray(coords, dtype=np.float64)
    step = np.hypot(*np.diff(line, axis=0).T)
    along = np.concatenate(([0.0], np.cumsum(step)))
    total = float(along[-1])

    def at(distance: float) -> np.ndarray:
        i = min(max(int(np.searchsorted(along, distance, side="right")) - 1, 0), len(step) - 1)
        t = (distance - along[i]) / step[i] if step[i] > 0 else 0.0
        point: np.ndarray = line[i] + (line[i + 1] - line[i]) * min(max(t, 0.0), 1.0)
        return point

    if len(line) < 2 or total <= 0.0:
        return np.repeat(line[:1], 2, axis=0)
    lo, hi = start * total, end * total
    if hi <= lo:
        return np.stack((at(lo), at(lo)))
    inside = line[(along > lo) & (along < hi)]
    return np.vstack((at(lo)[None, :], inside, at(hi)[None, :]))
