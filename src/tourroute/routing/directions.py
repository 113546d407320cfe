"""Turn-by-turn steps of a routed path: its stretches and junctions read off the road graph.

:func:`~tourroute.routing.maneuvers.build_steps` knows nothing of the graph; this module
feeds it.  A route's arcs (:attr:`~tourroute.routing.route.Route.arcs`) are grouped into
*stretches*: consecutive arcs of one road (same ref, same name, in or out of a
roundabout) with no other road leaving in between.  At every node between two stretches
the *junction* lists the bearings of the other arcs the vehicle could have taken there
(not the one it took, not the way back), which is what tells a fork from a bend.

The work is done only when a client asks for steps: the arcs' lengths, roads and the
out-arcs of every node passed are gathered with numpy in one go; only the bearings of the
stretches' ends and of the roads leaving at the junctions are measured one by one.

Roundabouts are recognised from the geometry, since the network keeps no roundabout tag:
a one-way arc is part of a ring when the shortest way back to its start over one-way arcs
is short (at most :data:`RING_MAX_M`), round (isoperimetric quotient of at least
:data:`RING_MIN_ROUNDNESS`) and smooth (no vertex turning more than
:data:`RING_MAX_TURN_DEG`), which a square of one-way streets round a block is not.

>>> from tourroute.routing.graph import Segment, build_graph
>>> from tourroute.routing.route import Router
>>> g = build_graph([
...     Segment("a", ((105.0, 19.0), (105.01, 19.0)), ref="QL46", road_class="primary"),
...     Segment("b", ((105.01, 19.0), (105.01, 18.99)), ref="QL7", road_class="primary"),
... ])
>>> router = Router(g, fast=False)
>>> model = router.model()
>>> r = router.route((105.002, 19.0), (105.01, 18.995), model)
>>> [s.text_en for s in route_steps(router, r, model)]
['Head east on QL46', 'Turn right onto QL7', 'Arrive at your destination']
"""

from __future__ import annotations

import heapq
import itertools
import math

import numpy as np

from tourroute.routing.graph import Coord, RoadGraph, index_ranges
from tourroute.routing.maneuvers import (
    Junction,
    Step,
    Stretch,
    build_steps,
    leaving_bearing,
    turn_angle,
)
from tourroute.routing.route import Route, RouteCost, Router

__all__ = [
    "GAP_M",
    "JOG_M",
    "RING_MAX_M",
    "RING_MAX_TURN_DEG",
    "RING_MIN_ROUNDNESS",
    "STRAIGHT_THROUGH_DEG",
    "is_ring_arc",
    "route_steps",
]

RING_MAX_M = 1_000.0
"""Longest ring of one-way arcs taken for a roundabout (a 300 m wide one), in metres."""

RING_MIN_ROUNDNESS = 0.7
"""Least 4πA/P² of a roundabout's ring (a circle is 1, a square 0.785, a 2:1 oblong 0.70)."""

RING_MAX_TURN_DEG = 60.0
"""Sharpest turn at any vertex of a roundabout's ring; a block's corners turn 90°."""

_RINGS_KEPT = 200_000

STRAIGHT_THROUGH_DEG = 10.0
"""Through a junction on the same road, turning less than this (over the arcs' end steps)
ends no stretch: :func:`~tourroute.routing.maneuvers.build_steps` announces a bend of the
same road from 20° (measured over 20 m)."""

JOG_M = 30.0
"""A stretch of another road shorter than this, between two of the same road, is driven
straight through (a staggered crossing), not announced."""

GAP_M = 150.0
"""An unnamed stretch shorter than this, straight on between two of one road (a bridge or
a piece without tags), is part of that road."""


def route_steps(router: Router, route: Route, model: RouteCost) -> list[Step]:
    """The turn-by-turn steps of ``route`` (see :func:`~tourroute.routing.maneuvers.build_steps`).

    Parameters
    ----------
    router
        The router that routed it (its graph, arc seconds and usable arcs).
    route
        A route of :meth:`Router.route`, with its :attr:`~Route.arcs`.
    model
        The cost model it was routed with: its seconds time the steps, and only the arcs
        it may use count as roads leaving a junction.

    Returns
    -------
    list of Step
        Depart, the maneuvers, arrive; the steps' distances and durations add up to the
        route's.
    """
    road = router.road
    a = road.arrays
    legs = route.arcs
    if not legs:  # both ends on one point: nothing is driven
        point = route.coords[0] if route.coords else route.origin.on_road
        return build_steps([Stretch((point, point), None, None, "unclassified", 0.0, 0.0)], [])
    arcs = np.array([leg[0] for leg in legs], dtype=np.int64)
    share = np.array([max(0.0, hi - lo) for _, lo, hi in legs])
    pieces = a["arc_piece"][arcs].astype(np.int64)
    segs = a["piece_seg"][pieces].astype(np.int64)
    metres = a["piece_length"][pieces] * share
    seconds = router.seconds(model)[arcs] * share
    refs, names = a["seg_ref"][segs], a["seg_name"][segs]
    twin = a["arc_twin"]
    ring = np.array([twin[arc] < 0 and is_ring_arc(router, int(arc)) for arc in arcs], dtype=bool)

    # The other arcs leaving every node between two arcs of the route.
    costs = router.costs(model)
    nodes = a["head"][arcs[:-1]].astype(np.int64)
    out_start = a["out_start"]
    degree = out_start[nodes + 1] - out_start[nodes]
    out = index_ranges(out_start[nodes], degree)
    owner = np.repeat(np.arange(len(nodes)), degree)
    keep = np.isfinite(costs[out]) & (out != arcs[1:][owner]) & (out != twin[arcs[:-1]][owner])
    out, owner = out[keep], owner[keep]
    others = np.bincount(owner, minlength=len(nodes))
    road_changes = (refs[1:] != refs[:-1]) | (names[1:] != names[:-1]) | (ring[1:] != ring[:-1])
    # Straight on along the same road through a junction is never announced: no stretch
    # ends there, which spares measuring the bearings of most junctions of a long drive.
    leave, arrive = _end_headings(road, arcs)
    turn = np.abs((leave[1:] - arrive[:-1] + 180.0) % 360.0 - 180.0)
    cut = road_changes | ((others > 0) & (turn >= STRAIGHT_THROUGH_DEG))
    bounds = np.concatenate([[0], np.flatnonzero(cut) + 1, [len(arcs)]])

    ref_table, name_table = road.strings("ref_table"), road.strings("name_table")
    classes = road.strings("class_table")
    stretches: list[Stretch] = []
    junctions: list[Junction] = []
    for s, e in itertools.pairwise(bounds.tolist()):
        if s:  # the junction before this stretch: the node after arc s - 1
            lo, hi = np.searchsorted(owner, [s - 1, s])
            bearings = (leaving_bearing(_arc_line(road, int(x))) for x in out[lo:hi])
            junctions.append(Junction(tuple(round(b, 1) for b in bearings if b is not None)))
        ref, name = int(refs[s]), int(names[s])
        stretches.append(
            Stretch(
                tuple(router.line(legs[s:e])),
                ref_table[ref] if ref >= 0 else None,
                name_table[name] if name >= 0 else None,
                classes[int(a["seg_class"][segs[s]])],
                float(metres[s:e].sum()),
                float(seconds[s:e].sum()),
                bool(ring[s]),
            )
        )
    return build_steps(*_without_jogs(stretches, junctions))


def _same_road(a: Stretch, b: Stretch) -> bool:
    return (a.ref, a.name, a.roundabout) == (b.ref, b.name, b.roundabout)


def _without_jogs(
    stretches: list[Stretch], junctions: list[Junction]
) -> tuple[list[Stretch], list[Junction]]:
    """The stretches with every *jog* folded into the road it interrupts.

    A jog is a stretch shorter than :data:`JOG_M` of another road between two stretches
    of one road: a staggered crossing, or an OSM way of the crossing street overlapping
    the junction.  A driver goes straight on; announcing "turn right onto X, then left
    onto Y" a few metres apart would be wrong.  So is an unnamed stretch shorter than
    :data:`GAP_M` driven straight on between two of one road ("continue onto unnamed
    road, then onto QL46A" for a bridge the map left untagged).
    """
    out, joins = [stretches[0]], []
    k = 1
    while k < len(stretches):
        jog, after = stretches[k], stretches[k + 1] if k + 1 < len(stretches) else None
        if (
            after is not None
            and not _same_road(out[-1], jog)
            and _same_road(out[-1], after)
            and (jog.distance_m < JOG_M or _straight_gap(out[-1], jog, after))
        ):
            out[-1] = _joined(out[-1], jog, after)
            k += 2
            continue
        joins.append(junctions[k - 1])
        out.append(jog)
        k += 1
    return out, joins


def _straight_gap(before: Stretch, gap: Stretch, after: Stretch) -> bool:
    """Whether ``gap`` is a short unnamed stretch driven straight on from ``before`` to
    ``after`` (under 20° of turning at either end)."""
    if gap.ref or gap.name or gap.roundabout or gap.distance_m >= GAP_M:
        return False
    headings = [
        _arriving(before.coords),
        leaving_bearing(gap.coords),
        _arriving(gap.coords),
        leaving_bearing(after.coords),
    ]
    if any(h is None for h in headings):
        return False
    a, b, c, d = (float(h) for h in headings if h is not None)
    return abs(turn_angle(a, b)) < 20.0 and abs(turn_angle(c, d)) < 20.0


def _arriving(coords: tuple[Coord, ...]) -> float | None:
    """Heading arriving at the end of a line (over the same span as leaving it)."""
    back = leaving_bearing(coords[::-1])
    return None if back is None else (back + 180.0) % 360.0


def _joined(*parts: Stretch) -> Stretch:
    """One stretch driving ``parts`` in turn, named after the first."""
    first = parts[0]
    coords = first.coords + tuple(c for p in parts[1:] for c in p.coords[1:])
    return Stretch(
        coords,
        first.ref,
        first.name,
        first.road_class,
        sum(p.distance_m for p in parts),
        sum(p.duration_s for p in parts),
        first.roundabout,
    )


def _end_headings(road: RoadGraph, arcs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(heading leaving the start, heading arriving at the end) of every arc, in degrees,
    over its first and last straight step, in a local equirectangular frame: a cheap
    screen (a kink at the junction vertex only makes it cut where it need not)."""
    a = road.arrays
    coords = a["coords"]
    p = a["arc_piece"][arcs].astype(np.int64)
    s, e = a["piece_start"][p], a["piece_start"][p + 1] - 1
    back = a["arc_reverse"][arcs]
    first, second = np.where(back, e, s), np.where(back, e - 1, s + 1)
    before_last, last = np.where(back, s + 1, e - 1), np.where(back, s, e)

    def heading(i: np.ndarray, j: np.ndarray) -> np.ndarray:
        d = coords[j] - coords[i]
        dx = d[:, 0] * np.cos(np.radians(coords[i, 1]))
        degrees: np.ndarray = np.degrees(np.arctan2(dx, d[:, 1])) % 360.0
        return degrees

    return heading(first, second), heading(before_last, last)


def _arc_line(road: RoadGraph, arc: int) -> tuple[Coord, ...]:
    """The vertices of one arc in driving direction."""
    shape = road.piece_coords(int(road.arrays["arc_piece"][arc]))
    return shape[::-1] if road.arrays["arc_reverse"][arc] else shape


def is_ring_arc(router: Router, arc: int) -> bool:
    """Whether one-way ``arc`` is part of a roundabout's ring (see the module docstring).

    Remembered per router (up to 200,000 arcs): a ring found marks all its arcs at once.
    """
    found = router.rings.get(arc)
    if found is None:
        if len(router.rings) > _RINGS_KEPT:  # a bound on a long-lived worker's memory
            router.rings.clear()
        cycle = _one_way_cycle(router.road, arc, RING_MAX_M)
        found = cycle is not None and _round_and_smooth(
            [c for i, x in enumerate(cycle) for c in _arc_line(router.road, x)[1 if i else 0 :]]
        )
        for x in cycle if found and cycle is not None else [arc]:
            router.rings[x] = found
    return found


def _one_way_cycle(road: RoadGraph, arc: int, max_m: float) -> list[int] | None:
    """The shortest way back to ``arc``'s tail over one-way arcs, ``arc`` first; ``None``
    when it is longer than ``max_m`` or there is none (a plain Dijkstra: a few arcs)."""
    a = road.arrays
    length = a["piece_length"]
    start, goal = int(a["head"][arc]), int(a["tail"][arc])
    first = float(length[int(a["arc_piece"][arc])])
    heap: list[tuple[float, int]] = [(first, start)]
    parent: dict[int, int] = {}
    settled: set[int] = set()
    best = {start: first}
    while heap:
        d, node = heapq.heappop(heap)
        if node in settled:
            continue
        if node == goal:
            path: list[int] = []
            while node != start:
                via = parent[node]
                path.append(via)
                node = int(a["tail"][via])
            return [arc, *path[::-1]]
        settled.add(node)
        for x in range(int(a["out_start"][node]), int(a["out_start"][node + 1])):
            if x == arc or a["arc_twin"][x] >= 0:
                continue
            nd = d + float(length[int(a["arc_piece"][x])])
            head = int(a["head"][x])
            if nd <= max_m and nd < best.get(head, math.inf):
                best[head] = nd
                parent[head] = x
                heapq.heappush(heap, (nd, head))
    return None


def _round_and_smooth(ring: list[Coord]) -> bool:
    """Whether a closed line is round (:data:`RING_MIN_ROUNDNESS`) and turns gently at
    every vertex (:data:`RING_MAX_TURN_DEG`), in a local equirectangular frame."""
    xy = np.asarray(ring, dtype=np.float64)
    if len(xy) < 4:
        return False
    lat0 = math.radians(float(xy[:, 1].mean()))
    x = (xy[:, 0] - xy[0, 0]) * 111_320.0 * math.cos(lat0)
    y = (xy[:, 1] - xy[0, 1]) * 110_574.0
    dx, dy = np.diff(x), np.diff(y)
    step = np.hypot(dx, dy)
    moving = step > 0.01
    dx, dy, step = dx[moving], dy[moving], step[moving]
    if len(step) < 3:
        return False
    perimeter = float(step.sum())
    area = abs(float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1]))) / 2.0
    if 4.0 * math.pi * area / perimeter**2 < RING_MIN_ROUNDNESS:
        return False
    heading = np.arctan2(dy, dx)
    turn = np.diff(np.concatenate([heading, heading[:1]]))
    turn = np.abs((turn + math.pi) % (2 * math.pi) - math.pi)
    return bool(np.degrees(turn).max() <= RING_MAX_TURN_DEG)
