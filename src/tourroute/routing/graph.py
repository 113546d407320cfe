"""Build a NetworkX road graph from road segments.

Segments are split at every vertex they share with another segment (the junctions), so a
segment that crosses three others becomes four edges.  Nodes are vertex coordinates rounded
to 1e-6° (≈ 0.1 m).  Two-way segments give an edge in each direction.

>>> g = build_graph([
...     Segment("a", ((105.0, 19.0), (105.01, 19.0), (105.02, 19.0)), road_class="primary"),
...     Segment("b", ((105.01, 18.99), (105.01, 19.0)), road_class="tertiary"),
... ])
>>> g.graph.number_of_nodes(), g.graph.number_of_edges()
(4, 6)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import networkx as nx
from pyproj import Geod

__all__ = ["Coord", "Edge", "RoadGraph", "Segment", "build_graph", "line_length_m"]

Coord = tuple[float, float]
_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True, slots=True)
class Segment:
    """A road segment as stored: a polyline with its road attributes."""

    id: str
    coords: tuple[Coord, ...]
    ref: str | None = None
    name: str | None = None
    corridors: tuple[str, ...] = ()
    road_class: str = "unclassified"
    surface: str = "paved"
    oneway: bool = False
    toll: bool = False
    maxspeed_kph: float | None = None
    motorbike_forbidden: bool = False
    caravan_unsuitable: bool = False
    max_height_m: float | None = None
    max_weight_t: float | None = None
    scenic: int = 0


@dataclass(frozen=True, slots=True)
class Edge:
    """One directed graph edge: a piece of a segment between two junctions."""

    segment: Segment
    coords: tuple[Coord, ...]
    length_m: float
    provinces: tuple[tuple[str, float], ...] = ()  # (province code, metres) along the edge


@dataclass
class RoadGraph:
    graph: nx.MultiDiGraph[Coord]
    segments: dict[str, Segment] = field(default_factory=dict)

    def edges(self) -> Iterable[tuple[Coord, Coord, int, Edge]]:
        for u, v, k, data in self.graph.edges(keys=True, data=True):
            yield u, v, k, data["edge"]


def _node(c: Coord) -> Coord:
    return (round(c[0], 6), round(c[1], 6))


def line_length_m(coords: Sequence[Coord]) -> float:
    """Geodesic length of a lon/lat polyline on the WGS84 ellipsoid, in metres."""
    if len(coords) < 2:
        return 0.0
    lons, lats = zip(*coords, strict=True)
    return float(_GEOD.line_length(lons, lats))


def build_graph(
    segments: Iterable[Segment],
    province_of: Callable[[Coord], str | None] | None = None,
) -> RoadGraph:
    """Split segments at shared vertices and build a directed multigraph.

    ``province_of`` maps a point to a province code; when given, every edge records how many
    metres of it lie in which province (by the midpoint of each of its straight pieces).
    """
    segs = [s for s in segments if len(s.coords) >= 2]
    uses: Counter[Coord] = Counter()
    for s in segs:
        nodes = [_node(c) for c in s.coords]
        uses.update(set(nodes))
        uses.update([nodes[0], nodes[-1]])  # ends always split
    g: nx.MultiDiGraph[Coord] = nx.MultiDiGraph()
    for s in segs:
        coords = [_node(c) for c in s.coords]
        start = 0
        for i in range(1, len(coords)):
            if i == len(coords) - 1 or uses[coords[i]] > 1:
                piece = tuple(coords[start : i + 1])
                if piece[0] != piece[-1] or len(piece) > 2:
                    _add_piece(g, s, piece, province_of)
                start = i
    return RoadGraph(g, {s.id: s for s in segs})


def _add_piece(
    g: nx.MultiDiGraph[Coord],
    s: Segment,
    piece: tuple[Coord, ...],
    province_of: Callable[[Coord], str | None] | None,
) -> None:
    length = line_length_m(piece)
    if length <= 0:
        return
    provinces: tuple[tuple[str, float], ...] = ()
    if province_of is not None:
        share: dict[str, float] = {}
        for a, b in pairwise(piece):
            code = province_of(((a[0] + b[0]) / 2, (a[1] + b[1]) / 2))
            if code:
                share[code] = share.get(code, 0.0) + line_length_m((a, b))
        provinces = tuple(sorted(share.items()))
    forward = Edge(s, piece, length, provinces)
    g.add_edge(piece[0], piece[-1], edge=forward)
    if not s.oneway:
        g.add_edge(piece[-1], piece[0], edge=Edge(s, piece[::-1], length, provinces))
