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
from collections.abc import Callable, Iterable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

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
    motorhome_unsuitable: bool = False
    max_height_m: float | None = None
    max_weight_t: float | None = None
    scenic: int = 0


@dataclass(frozen=True, slots=True)
class Edge:
    """One directed graph edge: a piece of a segment between two junctions.

    The two directions of a two-way piece share one ``shape`` (the reverse one reads it
    backwards): at 250k nodes the duplicated coordinates alone were ~150 MB.
    """

    segment: Segment
    shape: tuple[Coord, ...]  # in the segment's own direction
    length_m: float
    provinces: tuple[tuple[str, float], ...] = ()  # (province code, metres) along the edge
    reverse: bool = False

    @property
    def coords(self) -> tuple[Coord, ...]:
        """The piece's coordinates in driving direction."""
        return self.shape[::-1] if self.reverse else self.shape


class EdgeData(MutableMapping[str, Any]):
    """The attribute mapping of one graph edge: only ``edge``, in a slot.

    NetworkX stores a dict per edge; a plain dict costs ~180 bytes, this ~40 — about
    110 MB less at 800k edges.  Installed through NetworkX's documented
    ``edge_attr_dict_factory`` hook, so every NetworkX algorithm still sees a mapping.
    """

    __slots__ = ("edge",)

    def __getitem__(self, key: str) -> Any:
        if key == "edge":
            try:
                return self.edge
            except AttributeError:
                raise KeyError(key) from None
        raise KeyError(key)

    def __setitem__(self, key: str, value: Any) -> None:
        if key != "edge":
            raise KeyError(f"road graph edges carry only 'edge', not {key!r}")
        self.edge = value

    def __delitem__(self, key: str) -> None:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(("edge",) if hasattr(self, "edge") else ())

    def __len__(self) -> int:
        return 1 if hasattr(self, "edge") else 0


_NONE: Any = object()


class KeyData(MutableMapping[int, Any]):
    """The parallel edges between two nodes, keyed 0, 1, …: almost always just one.

    The first key lives in slots and only a second one allocates a dict: ~140 bytes less
    than NetworkX's dict per node pair, about 110 MB at 800k edges.
    """

    __slots__ = ("_first", "_first_key", "_more")

    def __init__(self) -> None:
        self._first_key: Any = _NONE
        self._first: Any = None
        self._more: dict[int, Any] | None = None

    def __getitem__(self, key: int) -> Any:
        if key == self._first_key:
            return self._first
        if self._more is not None and key in self._more:
            return self._more[key]
        raise KeyError(key)

    def __setitem__(self, key: int, value: Any) -> None:
        if self._first_key is _NONE or key == self._first_key:
            self._first_key, self._first = key, value
        else:
            if self._more is None:
                self._more = {}
            self._more[key] = value

    def __delitem__(self, key: int) -> None:
        if key == self._first_key:
            if self._more:
                self._first_key, self._first = self._more.popitem()
            else:
                self._first_key, self._first = _NONE, None
        elif self._more is not None and key in self._more:
            del self._more[key]
        else:
            raise KeyError(key)

    def __iter__(self) -> Iterator[int]:
        if self._first_key is not _NONE:
            yield self._first_key
        if self._more:
            yield from sorted(self._more)

    def __len__(self) -> int:
        return (self._first_key is not _NONE) + len(self._more or ())


class RoadMultiDiGraph(nx.MultiDiGraph):  # type: ignore[type-arg]
    """A MultiDiGraph whose per-edge mappings are slotted (:class:`KeyData`,
    :class:`EdgeData`), through NetworkX's documented factory hooks."""

    edge_key_dict_factory = KeyData  # type: ignore[assignment]  # stubs say str keys; keys are ints
    edge_attr_dict_factory = EdgeData


@dataclass
class RoadGraph:
    graph: nx.MultiDiGraph[Coord]
    segments: dict[str, Segment] = field(default_factory=dict)

    def edges(self) -> Iterable[tuple[Coord, Coord, int, Edge]]:
        """Every directed edge with its :class:`Edge`, unwrapped from NetworkX's mapping.

        Returns
        -------
        Iterable of (Coord, Coord, int, Edge)
            ``(u, v, key, edge)`` per directed edge: ``u`` and ``v`` are the junction nodes
            (lon, lat rounded to 1e-6°), ``key`` tells parallel edges apart; a two-way piece
            appears once in each direction.
        """
        for u, v, k, data in self.graph.edges(keys=True, data=True):
            yield u, v, k, data["edge"]


def _node(c: Coord) -> Coord:
    return (round(c[0], 6), round(c[1], 6))


def line_length_m(coords: Sequence[Coord]) -> float:
    """Geodesic length of a lon/lat polyline on the WGS84 ellipsoid, in metres.

    Parameters
    ----------
    coords
        The polyline's vertices as (lon, lat) in degrees.

    Returns
    -------
    float
        The length in metres; 0 for fewer than two vertices.

    Examples
    --------
    >>> round(line_length_m([(105.0, 19.0), (105.0, 19.01)]))
    1107
    """
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

    Parameters
    ----------
    segments
        The road segments, coordinates in (lon, lat).  A segment with fewer than two
        vertices is left out; one-way segments give an edge in their own direction only.
    province_of
        Optional: the province code of a (lon, lat) point, ``None`` outside every province.
        Called once per straight piece of every edge, so it should be cheap (a prepared
        geometry).

    Returns
    -------
    RoadGraph
        The graph (nodes are junctions and segment ends, rounded to 1e-6°; each edge
        carries an :class:`Edge` with its length in metres) and the segments kept, by id.
    """
    segs = [s for s in segments if len(s.coords) >= 2]
    uses: Counter[Coord] = Counter()
    for s in segs:
        nodes = [_node(c) for c in s.coords]
        uses.update(set(nodes))
        uses.update([nodes[0], nodes[-1]])  # ends always split
    g: nx.MultiDiGraph[Coord] = RoadMultiDiGraph()
    canonical: dict[Coord, Coord] = {}  # one tuple object per junction, shared by every edge
    for s in segs:
        coords = [_node(c) for c in s.coords]
        coords = [canonical.setdefault(c, c) if uses[c] > 1 else c for c in coords]
        start = 0
        for i in range(1, len(coords)):
            if i == len(coords) - 1 or uses[coords[i]] > 1:
                piece = tuple(coords[start : i + 1])
                if start == 0 and i == len(coords) - 1 and piece == s.coords:
                    piece = s.coords  # the whole segment, already rounded: share its tuple
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
    g.add_edge(piece[0], piece[-1], edge=Edge(s, piece, length, provinces))
    if not s.oneway:
        g.add_edge(piece[-1], piece[0], edge=Edge(s, piece, length, provinces, reverse=True))
