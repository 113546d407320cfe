"""Fast shortest paths: a Customizable Contraction Hierarchy derived from the NetworkX graph.

The NetworkX graph stays the single source of truth.  From it we derive, once per network
version, a CCH (RoutingKit's, through ``routingkit-cch``): a metric-independent node order
(inertial nested dissection on the node coordinates) and the contracted topology.  Every
cost model (vehicle × preference × avoid × prefer × exclusion polygon) becomes a *metric*:
the weights are ``RouteCost.cost`` of every edge, so the rules live in one place, and a
metric is customised in milliseconds on the regional network (about 2 s at 250k nodes);
metrics without an exclusion polygon are cached.  Queries then take tens of microseconds
to about a millisecond instead of the hundreds of milliseconds of a plain Dijkstra on large
graphs.

Why a CCH rather than plain CH or ALT: ``avoid`` and exclusion polygons change weights at
query time; a CCH re-customises without redoing the expensive preprocessing, and gives
many-to-many matrices for free.

RoutingKit weights are 32-bit integers, so costs are scaled (seconds → milliseconds,
metres → decimetres) and every edge is rounded to the nearest unit.  Paths are chosen on the
rounded weights; the costs we report are re-summed from the exact float costs along the
chosen path, so they differ from an exact float Dijkstra only where two paths tie within
rounding (half a unit per edge).

>>> from tourroute.routing.graph import Segment, build_graph
>>> from tourroute.routing.profiles import PROFILES, Vehicle
>>> from tourroute.routing.route import RouteCost
>>> road = build_graph([Segment("a", ((105.0, 19.0), (105.1, 19.0)), road_class="primary")])
>>> router = FastRouter(road)
>>> model = RouteCost(PROFILES[Vehicle.car])
>>> cost, first, last, path = router.shortest(model, {(105.0, 19.0): 0.0}, {(105.1, 19.0): 0.0})
>>> round(cost), len(path)
(729, 1)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import routingkit_cch as rk

from tourroute.routing.graph import Coord, Edge, RoadGraph
from tourroute.routing.profiles import Preference

if TYPE_CHECKING:
    from tourroute.routing.snap import EdgeKey

__all__ = ["INF_WEIGHT", "CostModel", "FastRouter"]

INF_WEIGHT = 2**31 - 1  # RoutingKit treats this (and anything near it) as "no arc"
_MAX_FINITE = 2**30  # one arc never costs more than this (a path sum must stay below inf)
_SCALE = {Preference.fastest: 1000.0, Preference.scenic: 1000.0, Preference.shortest: 10.0}
_CACHED_METRICS = 16


class CostModel(Protocol):
    """What the fast router needs of a cost model (``RouteCost`` satisfies it)."""

    @property
    def preference(self) -> Preference:
        """Sets the unit of the costs, hence how they are scaled to integer weights."""
        ...

    def cache_key(self) -> Hashable | None:
        """Equal for models with equal weights; ``None`` when not worth caching.

        Returns
        -------
        Hashable or None
            The key of the model's customised metric in the router's LRU cache; ``None``
            (an exclusion polygon, one per request) customises a metric for this call only.
        """
        ...

    def cost(self, edge: Edge) -> float | None:
        """The cost of driving ``edge`` in the preference's unit, ``None`` if unusable.

        Parameters
        ----------
        edge
            A graph edge.

        Returns
        -------
        float or None
            Seconds (``fastest``, ``scenic``) or metres (``shortest``); ``None`` removes
            the arc from the metric.
        """
        ...


@dataclass
class _Metric:
    metric: Any  # rk.CCHMetric
    scale: float
    exact: np.ndarray  # float cost of every arc (inf where unusable): re-summing paths


class FastRouter:
    """A CCH over one road graph; metrics per cost model, cached (LRU).

    Building it orders the nodes and contracts the topology: the expensive,
    metric-independent step, done once per network version.  Safe to share between
    threads: the metric cache is locked and every query makes its own query object.

    Parameters
    ----------
    road
        The road graph; arcs are numbered in the order of ``road.graph.edges``.
    """

    def __init__(self, road: RoadGraph) -> None:
        g = road.graph
        self.nodes: list[Coord] = list(g.nodes)
        self.index: dict[Coord, int] = {c: i for i, c in enumerate(self.nodes)}
        self.edges: list[Edge] = []
        tail: list[int] = []
        head: list[int] = []
        keys: list[int] = []
        for u, v, k, data in g.edges(keys=True, data=True):
            self.edges.append(data["edge"])
            tail.append(self.index[u])
            head.append(self.index[v])
            keys.append(int(k))
        # Arcs as compact arrays, not a list of (u, v, k) tuples (~60 MB at 800k arcs).
        self.tails = np.asarray(tail, dtype=np.uint32)
        self.heads = np.asarray(head, dtype=np.uint32)
        self.keys = np.asarray(keys, dtype=np.uint16)
        n = len(self.nodes)
        if n:
            coords = np.asarray(self.nodes, dtype=np.float32)
            order = rk.compute_order_inertial(
                n, tail, head, coords[:, 1].tolist(), coords[:, 0].tolist()
            )
        else:
            order = []
        self._cch = rk.CCH(order, tail, head, False)
        self._metrics: OrderedDict[Any, _Metric] = OrderedDict()
        self._lock = threading.Lock()

    def arc(self, a: int) -> EdgeKey:
        """The graph edge key (u, v, k) of arc ``a``.

        Parameters
        ----------
        a
            An arc id: an index into :attr:`edges`, as in the ``arc_ids`` of :meth:`path`.

        Returns
        -------
        EdgeKey
            The edge ``(u, v, key)`` of the NetworkX graph.
        """
        return (self.nodes[self.tails[a]], self.nodes[self.heads[a]], int(self.keys[a]))

    # -- metrics -------------------------------------------------------------------------
    def weights(self, model: CostModel) -> list[int]:
        """Integer arc weights of ``model`` (``INF_WEIGHT`` for arcs it may not use).

        The weights the CCH is customised with (what the benchmarks hand to pgRouting
        too): milliseconds for ``fastest`` and ``scenic``, decimetres for ``shortest``,
        each arc rounded to the nearest unit and capped at 2**30.

        Parameters
        ----------
        model
            The cost model.

        Returns
        -------
        list of int
            One weight per arc, in arc-id order.
        """
        return self._weights(model)[0]

    def _weights(self, model: CostModel) -> tuple[list[int], np.ndarray]:
        scale = _SCALE[model.preference]
        out: list[int] = []
        exact = np.full(len(self.edges), np.inf)
        for i, edge in enumerate(self.edges):
            c = model.cost(edge)
            if c is None:
                out.append(INF_WEIGHT)
            else:
                out.append(min(_MAX_FINITE, round(c * scale)))
                exact[i] = c
        return out, exact

    def _metric(self, model: CostModel) -> _Metric:
        key = model.cache_key()
        if key is not None:
            with self._lock:
                hit = self._metrics.get(key)
                if hit is not None:
                    self._metrics.move_to_end(key)
                    return hit
        weights, exact = self._weights(model)
        made = _Metric(rk.CCHMetric(self._cch, weights), _SCALE[model.preference], exact)
        if key is not None:
            with self._lock:
                self._metrics[key] = made
                while len(self._metrics) > _CACHED_METRICS:
                    self._metrics.popitem(last=False)
        return made

    @staticmethod
    def _query(m: _Metric) -> Any:
        # A fresh query object per call (0.04 ms even at 250k nodes): the binding's objects
        # are bound to the thread that made them and must be dropped there too, which
        # thread-local caching in a server's worker pool cannot promise.
        return rk.CCHQuery(m.metric)

    def _pairs(self, ends: Mapping[Coord, float], scale: float) -> list[tuple[int, int]]:
        return [(self.index[c], round(cost * scale)) for c, cost in ends.items()]

    # -- queries -------------------------------------------------------------------------
    def path(
        self, model: CostModel, sources: Mapping[Coord, float], targets: Mapping[Coord, float]
    ) -> tuple[Coord, Coord, list[int]] | None:
        """(first node, last node, arc ids) of the cheapest path, or ``None``.

        The path is chosen on the rounded integer weights; :meth:`shortest` re-sums its
        exact cost.

        Parameters
        ----------
        model
            The cost model (its metric is customised on first use and cached).
        sources, targets
            Graph nodes with their starting and finishing costs, in the model's unit.

        Returns
        -------
        (Coord, Coord, list of int) or None
            The source node left, the target node reached and the arc ids between them;
            ``None`` if no target can be reached.
        """
        m = self._metric(model)
        result = self._query(m).run_multi(
            self._pairs(sources, m.scale), self._pairs(targets, m.scale)
        )
        try:
            if result.distance is None:
                return None
            arc_ids = list(result.arc_path)
            nodes = list(result.node_path)
        finally:
            del result  # the binding requires the result gone before the next query
        return self.nodes[nodes[0]], self.nodes[nodes[-1]], arc_ids

    def shortest(
        self,
        model: CostModel,
        sources: Mapping[Coord, float],
        targets: Mapping[Coord, float],
    ) -> tuple[float, Coord, Coord, list[EdgeKey]] | None:
        """The cheapest path from any source to any target, each with its starting cost.

        Returns (exact float cost including the offsets, first node, last node, edge keys),
        or ``None`` if no target can be reached.

        Parameters
        ----------
        model
            The cost model.
        sources, targets
            Graph nodes with their starting and finishing costs, in the model's unit (the
            two ends of a snapped point's edge: :meth:`tourroute.routing.route.Router.ends`).

        Returns
        -------
        (float, Coord, Coord, list of EdgeKey) or None
            As above; the cost in the model's unit (seconds or metres).
        """
        found = self.path(model, sources, targets)
        if found is None:
            return None
        first, last, arc_ids = found
        exact = self._metric(model).exact
        cost = sources[first] + targets[last] + float(exact[arc_ids].sum())
        return cost, first, last, [self.arc(a) for a in arc_ids]

    def node_cost(self, model: CostModel, source: Coord, target: Coord) -> float | None:
        """Cost between two graph nodes on the rounded weights, without unpacking the path.

        What the benchmarks compare with pgRouting fed the same (rounded) weights.

        Parameters
        ----------
        model
            The cost model.
        source, target
            Two nodes of the graph.

        Returns
        -------
        float or None
            The cost in the model's unit (seconds or metres), ``None`` if unreachable.
        """
        m = self._metric(model)
        result = self._query(m).run(self.index[source], self.index[target])
        try:
            d = result.distance
        finally:
            del result
        return None if d is None else d / m.scale

    def many_to_many(
        self,
        model: CostModel,
        sources: Sequence[Mapping[Coord, float]],
        targets: Sequence[Mapping[Coord, float]],
    ) -> np.ndarray:
        """Costs (model units) from every source to every target; ``inf`` when unreachable.

        Each source and target is a small set of nodes with starting costs (the two ends of
        the edge a point snapped onto).  The result is on the rounded weights.

        Parameters
        ----------
        model
            The cost model.
        sources, targets
            One mapping of nodes to starting (finishing) costs per origin (destination).

        Returns
        -------
        numpy.ndarray
            Shape ``(len(sources), len(targets))``, floats in the model's unit (seconds or
            metres), ``inf`` where unreachable.
        """
        m = self._metric(model)
        pinned: list[int] = sorted({self.index[c] for t in targets for c in t})
        column = {node: i for i, node in enumerate(pinned)}
        out = np.full((len(sources), len(targets)), np.inf)
        if not pinned or not sources:
            return out
        one_to_many = rk.CCHOneToMany(m.metric, pinned)
        for i, src in enumerate(sources):
            reached = one_to_many.distances_from_multi(self._pairs(src, m.scale))
            for j, tgt in enumerate(targets):
                best = np.inf
                for c, offset in tgt.items():
                    d = reached[column[self.index[c]]]
                    if d is not None:
                        best = min(best, d / m.scale + offset)
                out[i, j] = best
        return out

    def cached_metrics(self) -> int:
        """How many customised metrics the LRU cache holds now (at most 16).

        Returns
        -------
        int
        """
        return len(self._metrics)
