"""The road graph as compact arrays: built in seconds, saved once, memory-mapped by workers.

Segments are split at every vertex they share with another segment (the junctions), so a
segment that crosses three others becomes four *pieces*.  Nodes are junctions and segment
ends, at coordinates rounded to 1e-6° (≈ 0.1 m).  Every piece gives a directed *arc* in the
segment's direction and, unless the segment is one-way, its *twin* the other way.

Why arrays and not NetworkX objects: on the region's complete network (435k nodes, 1.06 M
arcs) a NetworkX multigraph of Python objects took 99 s to build and 2.2 GiB per worker.
The same graph as numpy arrays is built vectorised in seconds, saved as ``.npy`` files and
memory-mapped, so every worker shares one copy of its pages.  :attr:`RoadGraph.graph` still
gives the NetworkX view for analysis and tests; routing never needs it.

>>> g = build_graph([
...     Segment("a", ((105.0, 19.0), (105.01, 19.0), (105.02, 19.0)), road_class="primary"),
...     Segment("b", ((105.01, 18.99), (105.01, 19.0)), road_class="tertiary"),
... ])
>>> g.node_count, g.arc_count
(4, 6)
>>> g.edge(0).segment.id, round(g.edge(0).length_m)
('a', 1053)
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import shapely
from pyproj import Geod

__all__ = [
    "Coord",
    "Edge",
    "RoadGraph",
    "Segment",
    "SegmentColumns",
    "build_graph",
    "line_length_m",
]

Coord = tuple[float, float]
_GEOD = Geod(ellps="WGS84")
SNAPSHOT_FORMAT = 1  # bump when the arrays' meaning changes: older snapshots are rebuilt

# Segment flags, one bit each in ``seg_flags``.
_ONEWAY, _TOLL, _NO_MOTORBIKE, _NO_MOTORHOME, _CURATED = 1, 2, 4, 8, 16


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
    # Curated (not imported from OSM): other roads may join it anywhere along its line.
    curated: bool = False


@dataclass(frozen=True, slots=True)
class Edge:
    """One directed arc, materialised with its segment for the few arcs a route drives."""

    segment: Segment
    shape: tuple[Coord, ...]  # in the segment's own direction
    length_m: float
    provinces: tuple[tuple[str, float], ...] = ()  # (province code, metres) along the edge
    reverse: bool = False
    arc: int = -1

    @property
    def coords(self) -> tuple[Coord, ...]:
        """The piece's coordinates in driving direction."""
        return self.shape[::-1] if self.reverse else self.shape


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


@dataclass
class SegmentColumns:
    """Segments as columns: what the database gives the builder without a Python object per
    row (247k segments as :class:`Segment` objects took 23 s and 1.3 GiB to load).

    ``coords`` holds every segment's vertices one after the other, ``offsets[i]`` where
    segment ``i`` starts (``len(ids) + 1`` entries).  Optional columns are ``None`` when
    absent (``maxspeed`` etc. as NaN in float columns).
    """

    ids: list[str]
    coords: np.ndarray  # (C, 2) float64 lon, lat
    offsets: np.ndarray  # (S + 1,) int64
    road_class: list[str]
    surface: list[str]
    ref: list[str | None]
    name: list[str | None]
    corridors: list[tuple[str, ...]]
    oneway: np.ndarray  # bool
    toll: np.ndarray
    motorbike_forbidden: np.ndarray
    motorhome_unsuitable: np.ndarray
    maxspeed_kph: np.ndarray  # float, NaN for none
    max_height_m: np.ndarray
    max_weight_t: np.ndarray
    scenic: np.ndarray  # int
    curated: np.ndarray | None = None  # bool; None: none is (see Segment.curated)

    @classmethod
    def of(cls, segments: Iterable[Segment]) -> SegmentColumns:
        """Columns of ``segments`` (those with fewer than two vertices are left out)."""
        segs = [s for s in segments if len(s.coords) >= 2]
        sizes = np.array([len(s.coords) for s in segs], dtype=np.int64)
        offsets = np.zeros(len(segs) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        coords = (
            np.array([c for s in segs for c in s.coords], dtype=np.float64).reshape(-1, 2)
            if segs
            else np.zeros((0, 2))
        )

        def floats(values: Iterable[float | None]) -> np.ndarray:
            return np.array([np.nan if v is None else v for v in values], dtype=np.float64)

        return cls(
            ids=[s.id for s in segs],
            coords=coords,
            offsets=offsets,
            road_class=[s.road_class for s in segs],
            surface=[s.surface for s in segs],
            ref=[s.ref for s in segs],
            name=[s.name for s in segs],
            corridors=[tuple(s.corridors) for s in segs],
            oneway=np.array([s.oneway for s in segs], dtype=bool),
            toll=np.array([s.toll for s in segs], dtype=bool),
            motorbike_forbidden=np.array([s.motorbike_forbidden for s in segs], dtype=bool),
            motorhome_unsuitable=np.array([s.motorhome_unsuitable for s in segs], dtype=bool),
            maxspeed_kph=floats(s.maxspeed_kph for s in segs),
            max_height_m=floats(s.max_height_m for s in segs),
            max_weight_t=floats(s.max_weight_t for s in segs),
            scenic=np.array([s.scenic for s in segs], dtype=np.int8),
            curated=np.array([s.curated for s in segs], dtype=bool),
        )


def _table(values: Sequence[str | None]) -> tuple[np.ndarray, np.ndarray]:
    """(distinct strings as a numpy unicode array, index of each value; -1 for None)."""
    distinct = sorted({v for v in values if v is not None})
    where = {v: i for i, v in enumerate(distinct)}
    index = np.array([-1 if v is None else where[v] for v in values], dtype=np.int32)
    return np.array(distinct or [""], dtype=str), index


class _Segments(Mapping[str, Segment]):
    """The graph's segments by id, made on demand from the columns."""

    def __init__(self, road: RoadGraph) -> None:
        self._road = road

    @cached_property
    def _index(self) -> dict[str, int]:
        return {str(s): i for i, s in enumerate(self._road.arrays["seg_ids"])}

    def __getitem__(self, key: str) -> Segment:
        return self._road.segment(self._index[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._road.arrays["seg_ids"])


class _Nodes(Sequence[Coord]):
    """Node coordinates as (lon, lat) tuples, read from the array on demand."""

    def __init__(self, xy: np.ndarray) -> None:
        self._xy = xy

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [(float(x), float(y)) for x, y in self._xy[i]]
        x, y = self._xy[i]
        return (float(x), float(y))

    def __len__(self) -> int:
        return len(self._xy)


class RoadGraph:
    """The road network as named numpy arrays (see the module docstring).

    Arrays, by what they index:

    * nodes ``N``: ``node_xy`` (lon, lat);
    * arcs ``A``, sorted by tail (so ``out_start`` is a CSR index): ``tail``, ``head``,
      ``arc_piece``, ``arc_reverse`` (drives the piece backwards), ``arc_twin`` (the other
      direction of a two-way piece, -1 for none); ``out_start`` (N + 1);
    * pieces ``P``: ``piece_seg``, ``piece_start`` (P + 1, into ``coords``),
      ``piece_length`` (metres), ``prov_start`` (P + 1, into ``prov_code``/``prov_m``);
    * segments ``S``: ``seg_ids``, ``seg_class``, ``seg_surface``, ``seg_ref``,
      ``seg_name`` (indexes into the ``*_table`` arrays, -1 for none), ``seg_flags``,
      ``seg_maxspeed``/``seg_max_height``/``seg_max_weight`` (NaN for none),
      ``seg_scenic``, ``corr_start`` (S + 1, into ``corr_code``);
    * derived once and saved with the rest (:meth:`derived`): the CCH node order, the
      snapping index.

    Parameters
    ----------
    arrays
        The arrays by name (plain or memory-mapped).
    """

    def __init__(self, arrays: Mapping[str, np.ndarray]) -> None:
        self.arrays: dict[str, np.ndarray] = dict(arrays)
        self.segments: Mapping[str, Segment] = _Segments(self)
        self.nodes: Sequence[Coord] = _Nodes(self.arrays["node_xy"])
        self._strings: dict[str, list[str]] = {}

    # -- sizes and plain arrays -------------------------------------------------------
    @property
    def node_count(self) -> int:
        return len(self.arrays["node_xy"])

    @property
    def arc_count(self) -> int:
        return len(self.arrays["tail"])

    @property
    def tails(self) -> np.ndarray:
        return self.arrays["tail"]

    @property
    def heads(self) -> np.ndarray:
        return self.arrays["head"]

    def strings(self, table: str) -> list[str]:
        """A string table (``class_table``, ``corridor_table``, …) as a Python list, cached."""
        found = self._strings.get(table)
        if found is None:
            found = self._strings[table] = [str(s) for s in self.arrays[table]]
        return found

    def derived(self, name: str, compute: Callable[[RoadGraph], np.ndarray]) -> np.ndarray:
        """An array derived from the graph (CCH order, snapping index), computed once.

        Kept among :attr:`arrays`, so a snapshot saved afterwards carries it and a worker
        that loads the snapshot never computes it again.
        """
        found = self.arrays.get(name)
        if found is None:
            found = self.arrays[name] = compute(self)
        return found

    # -- records on demand ------------------------------------------------------------
    def segment(self, i: int) -> Segment:
        """Segment ``i`` as a :class:`Segment` (its full geometry included)."""
        a = self.arrays
        flags = int(a["seg_flags"][i])
        ref, name = int(a["seg_ref"][i]), int(a["seg_name"][i])
        corridors = self.strings("corridor_table")
        c0, c1 = int(a["corr_start"][i]), int(a["corr_start"][i + 1])
        coords = self._segment_coords(i)

        def opt(column: str) -> float | None:
            v = float(a[column][i])
            return None if np.isnan(v) else v

        return Segment(
            id=str(a["seg_ids"][i]),
            coords=coords,
            ref=self.strings("ref_table")[ref] if ref >= 0 else None,
            name=self.strings("name_table")[name] if name >= 0 else None,
            corridors=tuple(corridors[int(c)] for c in a["corr_code"][c0:c1]),
            road_class=self.strings("class_table")[int(a["seg_class"][i])],
            surface=self.strings("surface_table")[int(a["seg_surface"][i])],
            oneway=bool(flags & _ONEWAY),
            toll=bool(flags & _TOLL),
            maxspeed_kph=opt("seg_maxspeed"),
            motorbike_forbidden=bool(flags & _NO_MOTORBIKE),
            motorhome_unsuitable=bool(flags & _NO_MOTORHOME),
            max_height_m=opt("seg_max_height"),
            max_weight_t=opt("seg_max_weight"),
            scenic=int(a["seg_scenic"][i]),
            curated=bool(flags & _CURATED),
        )

    def _segment_coords(self, i: int) -> tuple[Coord, ...]:
        a = self.arrays
        out: list[Coord] = []
        for p in range(int(a["seg_piece_start"][i]), int(a["seg_piece_start"][i + 1])):
            part = self.piece_coords(int(p))
            out.extend(part if not out else part[1:])
        return tuple(out)

    def piece_coords(self, p: int) -> tuple[Coord, ...]:
        """The vertices of piece ``p`` in its segment's direction."""
        s, e = int(self.arrays["piece_start"][p]), int(self.arrays["piece_start"][p + 1])
        return tuple((float(x), float(y)) for x, y in self.arrays["coords"][s:e])

    def piece_provinces(self, p: int) -> tuple[tuple[str, float], ...]:
        """(province code, metres) along piece ``p``, sorted by code."""
        a = self.arrays
        s, e = int(a["prov_start"][p]), int(a["prov_start"][p + 1])
        table = self.strings("province_table")
        return tuple(
            (table[int(c)], float(m))
            for c, m in zip(a["prov_code"][s:e], a["prov_m"][s:e], strict=True)
        )

    def edge(self, arc: int) -> Edge:
        """Arc ``arc`` as an :class:`Edge` with its :class:`Segment`."""
        a = self.arrays
        p = int(a["arc_piece"][arc])
        return Edge(
            self._segment_cached(int(a["piece_seg"][p])),
            self.piece_coords(p),
            float(a["piece_length"][p]),
            self.piece_provinces(p),
            bool(a["arc_reverse"][arc]),
            arc,
        )

    def _segment_cached(self, i: int) -> Segment:
        cache: dict[int, Segment] = self.__dict__.setdefault("_segment_cache", {})
        found = cache.get(i)
        if found is None:
            if len(cache) > 4096:
                cache.clear()
            found = cache[i] = self.segment(i)
        return found

    def edges(self) -> Iterator[tuple[Coord, Coord, int, Edge]]:
        """Every arc as ``(tail, head, arc id, Edge)``: slow, for tests and small graphs."""
        for arc in range(self.arc_count):
            yield (
                self.nodes[int(self.tails[arc])],
                self.nodes[int(self.heads[arc])],
                arc,
                (self.edge(arc)),
            )

    @cached_property
    def graph(self) -> nx.MultiDiGraph[Coord]:
        """The NetworkX view: nodes are (lon, lat), one edge per arc keyed by its arc id and
        carrying its :class:`Edge` as ``edge``.  Made on first use (analysis and tests;
        routing works on the arrays)."""
        g: nx.MultiDiGraph[Coord] = nx.MultiDiGraph()
        g.add_nodes_from(self.nodes)
        for u, v, arc, edge in self.edges():
            g.add_edge(u, v, key=arc, edge=edge)
        return g

    # -- snapshots ----------------------------------------------------------------------
    def save(self, directory: Path) -> None:
        """Write every array as ``<name>.npy`` into ``directory``, atomically.

        The files go into a temporary sibling directory that is renamed into place, so a
        reader never sees half a snapshot; an existing ``directory`` is left as it is.
        """
        directory.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{directory.name}-", dir=directory.parent))
        try:
            for name, array in self.arrays.items():
                np.save(tmp / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)
            (tmp / "meta.json").write_text(
                json.dumps({"format": SNAPSHOT_FORMAT, "arrays": sorted(self.arrays)})
            )
            os.rename(tmp, directory)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
            if not directory.exists():
                raise

    @classmethod
    def load(cls, directory: Path) -> RoadGraph | None:
        """The snapshot in ``directory``, memory-mapped; ``None`` if absent or outdated."""
        try:
            meta = json.loads((directory / "meta.json").read_text())
        except (OSError, ValueError):
            return None
        if meta.get("format") != SNAPSHOT_FORMAT:
            return None
        # Plain ndarray views of the maps: the same shared pages, without np.memmap's
        # per-indexing overhead (a third of a route's time went there).
        arrays = {
            name: np.load(directory / f"{name}.npy", mmap_mode="r", allow_pickle=False).view(
                np.ndarray
            )
            for name in meta["arrays"]
        }
        return cls(arrays)


# -- building ------------------------------------------------------------------------------
def sorted_unique(
    values: np.ndarray, return_index: bool = False, return_inverse: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(distinct values sorted, index of each one's first occurrence, inverse) by one
    stable argsort.

    ``np.unique`` of numpy 2.4 hashes integers: 11 s for 2.6 M int64 on this machine,
    against 0.6 s for a sort.  The index and inverse are empty unless asked for.
    """
    values = np.asarray(values)
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    first = np.ones(len(ordered), dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    distinct = ordered[first]
    index = order[first] if return_index else np.zeros(0, dtype=np.int64)
    inverse = np.zeros(0, dtype=np.int64)
    if return_inverse:
        inverse = np.empty(len(values), dtype=np.int64)
        inverse[order] = np.cumsum(first) - 1
    return distinct, index, inverse


def node_keys(xy: np.ndarray) -> np.ndarray:
    """One int64 per coordinate rounded to 1e-6°: the node identity."""
    lon = np.rint((xy[:, 0] + 180.0) * 1e6).astype(np.int64)
    lat = np.rint((xy[:, 1] + 90.0) * 1e6).astype(np.int64)
    return (lon << 29) | lat


T_JUNCTION_M = 0.1  # a vertex this close to another segment's line joins it there
_T_CELL_M = 50.0


def _t_junctions(
    coords: np.ndarray,
    offsets: np.ndarray,
    curated: np.ndarray | None,
    motorway: np.ndarray,
    tolerance_m: float = T_JUNCTION_M,
) -> tuple[np.ndarray, np.ndarray]:
    """Insert into each curated segment every other segment's vertex that lies on it.

    Segments join only at shared vertices.  The OSM import joins a side road to a curated
    road by moving the side road's vertex onto the curated *line*, without touching the
    curated row; this is where that point becomes a vertex of the curated segment too (a
    T-junction).  Only curated lines are split: OSM ways meet at shared nodes, as OpenStreetMap
    models them, and an overpass that happens to pass within centimetres of a vertex of the
    road below must not become a junction.  Nor does an expressway join anything but an
    expressway: it has no level junctions (the import links its ramps the same way).

    Returns the coordinates with the vertices inserted (in order along each step) and the
    new segment offsets; unchanged when nothing lies on another segment.
    """
    n = len(coords)
    if n < 2:
        return coords, offsets
    if curated is None or not curated.any():
        return coords, offsets
    seg_of = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    last = np.zeros(n, dtype=bool)
    last[offsets[1:] - 1] = True
    steps = np.flatnonzero(~last[:-1] & curated[seg_of[:-1]])
    if not len(steps):
        return coords, offsets
    # An equirectangular frame: affine in lon/lat, so lines stay lines.
    lat0 = float(coords[:, 1].mean())
    x = coords[:, 0] * 111_320.0 * np.cos(np.radians(lat0))
    y = coords[:, 1] * 110_574.0
    cell_x, cell_y = (
        np.floor(x / _T_CELL_M).astype(np.int64),
        np.floor(y / _T_CELL_M).astype(np.int64),
    )
    ax, bx = x[steps], x[steps + 1]
    ay, by = y[steps], y[steps + 1]
    cx0 = np.floor((np.minimum(ax, bx) - tolerance_m) / _T_CELL_M).astype(np.int64)
    cx1 = np.floor((np.maximum(ax, bx) + tolerance_m) / _T_CELL_M).astype(np.int64)
    cy0 = np.floor((np.minimum(ay, by) - tolerance_m) / _T_CELL_M).astype(np.int64)
    cy1 = np.floor((np.maximum(ay, by) + tolerance_m) / _T_CELL_M).astype(np.int64)
    wy = cy1 - cy0 + 1
    count = (cx1 - cx0 + 1) * wy
    owner = np.repeat(np.arange(len(steps)), count)
    k = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    base_x, base_y = cell_x.min() - 1, cell_y.min() - 1
    span = int(max(cy1.max(), cell_y.max()) - base_y + 2)
    item_cell = (cx0[owner] + k // wy[owner] - base_x) * span + (
        cy0[owner] + k % wy[owner] - base_y
    )
    order = np.argsort(item_cell, kind="stable")
    item_cell, owner = item_cell[order], owner[order]
    vertex_cell = (cell_x - base_x) * span + (cell_y - base_y)
    lo = np.searchsorted(item_cell, vertex_cell, side="left")
    hi = np.searchsorted(item_cell, vertex_cell, side="right")
    many = hi - lo
    vertex = np.repeat(np.arange(n), many)
    step = steps[owner[index_ranges(lo, many)]]
    # Candidates: another segment's step, not ending at this very point.
    keys = node_keys(np.round(coords, 6))
    keep = (seg_of[step] != seg_of[vertex]) & (keys[step] != keys[vertex])
    keep &= keys[step + 1] != keys[vertex]
    keep &= ~motorway[seg_of[step]] | motorway[seg_of[vertex]]
    vertex, step = vertex[keep], step[keep]
    dx, dy = x[step + 1] - x[step], y[step + 1] - y[step]
    length2 = dx * dx + dy * dy
    with np.errstate(invalid="ignore", divide="ignore"):
        t = ((x[vertex] - x[step]) * dx + (y[vertex] - y[step]) * dy) / length2
    near = (length2 > 0) & (t > 0) & (t < 1)
    near &= np.hypot(x[step] + t * dx - x[vertex], y[step] + t * dy - y[vertex]) <= tolerance_m
    if not near.any():
        return coords, offsets
    vertex, step, t = vertex[near], step[near], t[near]
    # One insertion per (step, point), in order along the step.
    order = np.lexsort((keys[vertex], t, step))
    vertex, step = vertex[order], step[order]
    fresh = np.ones(len(step), dtype=bool)
    fresh[1:] = (step[1:] != step[:-1]) | (keys[vertex[1:]] != keys[vertex[:-1]])
    vertex, step = vertex[fresh], step[fresh]
    inserted = np.insert(coords, step + 1, coords[vertex], axis=0)
    added = np.bincount(seg_of[step], minlength=len(offsets) - 1)
    new_offsets = offsets.copy()
    new_offsets[1:] += np.cumsum(added)
    return inserted, new_offsets


def index_ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The indexes ``starts[i] .. starts[i] + counts[i] - 1`` of every i, concatenated."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    return np.repeat(starts - (np.cumsum(counts) - counts), counts) + np.arange(total)


def build_graph(
    segments: Iterable[Segment] | SegmentColumns,
    province_of: Callable[[Coord], str | None] | None = None,
    provinces: Sequence[tuple[str, Any]] = (),
) -> RoadGraph:
    """Split segments at shared vertices and build the arrays of a :class:`RoadGraph`.

    Every province share is measured by the midpoint of each straight piece: with
    ``provinces`` (code, polygon) pairs, vectorised (the service's way); with
    ``province_of``, one call per piece (tests).

    Parameters
    ----------
    segments
        The road segments (or their columns), coordinates in (lon, lat).  A segment with
        fewer than two vertices is left out; one-way segments give an arc in their own
        direction only.
    province_of
        Optional: the province code of a (lon, lat) point, ``None`` outside every province.
    provinces
        Optional: (code, shapely polygon) pairs; the first containing a midpoint wins.

    Returns
    -------
    RoadGraph
        The arrays, with nodes numbered in order of first appearance.
    """
    cols = segments if isinstance(segments, SegmentColumns) else SegmentColumns.of(segments)
    motorway = np.array([c == "motorway" for c in cols.road_class], dtype=bool)
    raw, offsets = _t_junctions(
        np.asarray(cols.coords, dtype=np.float64), cols.offsets, cols.curated, motorway
    )
    xy = np.round(raw, 6) if len(raw) else np.zeros((0, 2))
    keys = node_keys(xy)
    n_seg = len(cols.ids)
    seg_of = np.repeat(np.arange(n_seg, dtype=np.int64), np.diff(offsets))
    first = offsets[:-1]
    last = offsets[1:] - 1

    # A vertex is a junction when used by two segments, or it is an end (counted twice).
    distinct, _, vertex = sorted_unique(keys, return_inverse=True)
    by_vertex = np.lexsort((seg_of, vertex))
    v, sg = vertex[by_vertex], seg_of[by_vertex]
    new_pair = np.ones(len(v), dtype=bool)
    new_pair[1:] = (v[1:] != v[:-1]) | (sg[1:] != sg[:-1])
    uses = np.bincount(v[new_pair], minlength=len(distinct))
    uses += np.bincount(vertex[first], minlength=len(distinct))
    uses += np.bincount(vertex[last], minlength=len(distinct))
    is_junction = uses[vertex] > 1
    is_junction[first] = True
    is_junction[last] = True

    # Pieces: from each junction vertex to the next one of the same segment.
    cut = np.flatnonzero(is_junction)
    same_seg = seg_of[cut[:-1]] == seg_of[cut[1:]]
    p_from, p_to = cut[:-1][same_seg], cut[1:][same_seg]
    # Geodesic length of every straight step, summed per piece.
    step_len = np.zeros(len(xy))
    if len(xy) > 1:
        _, _, d = _GEOD.inv(xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1])
        step_len[:-1] = d
        step_len[last] = 0.0
    csum = np.concatenate([[0.0], np.cumsum(step_len)])
    p_len = csum[p_to] - csum[p_from]
    keep = p_len > 0
    p_from, p_to, p_len = p_from[keep], p_to[keep], p_len[keep]
    p_seg = seg_of[p_from]
    n_piece = len(p_from)

    # Piece coordinates, each piece with both its end vertices.
    sizes = p_to - p_from + 1
    piece_start = np.zeros(n_piece + 1, dtype=np.int64)
    np.cumsum(sizes, out=piece_start[1:])
    take = np.repeat(p_from, sizes) + (
        np.arange(int(piece_start[-1])) - np.repeat(piece_start[:-1], sizes)
    )
    coords = xy[take]

    # Provinces of every straight step of every piece, by its midpoint.
    prov_table, prov_start, prov_code, prov_m = _province_shares(
        coords, piece_start, step_len[take], province_of, provinces
    )

    # Nodes in order of first appearance (start, end of each piece), as NetworkX did.
    ends = np.stack([vertex[p_from], vertex[p_to]], axis=1).ravel()
    _, first_seen, node_of = sorted_unique(ends, return_index=True, return_inverse=True)
    order = np.argsort(first_seen, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    node_id = rank[node_of.ravel()].reshape(-1, 2)
    node_xy = _first_per_node(node_id, xy[p_from], xy[p_to], len(order))

    # Arcs: forward for every piece, backward unless one-way; then sorted by tail.
    oneway = cols.oneway[p_seg]
    pieces = np.arange(n_piece, dtype=np.int64)
    two_way = pieces[~oneway]
    arc_piece = np.concatenate([pieces, two_way])
    arc_reverse = np.concatenate([np.zeros(n_piece, bool), np.ones(len(two_way), bool)])
    tail = np.concatenate([node_id[:, 0], node_id[two_way, 1]])
    head = np.concatenate([node_id[:, 1], node_id[two_way, 0]])
    creation = np.lexsort((arc_reverse, arc_piece))  # piece order, forward first
    by_tail = creation[np.argsort(tail[creation], kind="stable")]
    tail, head = tail[by_tail], head[by_tail]
    arc_piece, arc_reverse = arc_piece[by_tail], arc_reverse[by_tail]
    position = np.empty(len(by_tail), dtype=np.int64)
    position[by_tail] = np.arange(len(by_tail))
    twin = np.full(len(by_tail), -1, dtype=np.int64)
    if len(two_way):
        fwd = position[two_way]  # arc ids of the forward arcs of two-way pieces
        bwd = position[n_piece + np.arange(len(two_way))]
        twin[fwd], twin[bwd] = bwd, fwd
    out_start = np.zeros(len(order) + 1, dtype=np.int64)
    np.cumsum(np.bincount(tail, minlength=len(order)), out=out_start[1:])
    seg_piece_start = np.zeros(n_seg + 1, dtype=np.int64)
    np.cumsum(np.bincount(p_seg, minlength=n_seg), out=seg_piece_start[1:])

    class_table, seg_class = _table(cols.road_class)
    surface_table, seg_surface = _table(cols.surface)
    ref_table, seg_ref = _table(cols.ref)
    name_table, seg_name = _table(cols.name)
    corridor_table, corr_index = _table([c for cs in cols.corridors for c in cs])
    corr_start = np.zeros(n_seg + 1, dtype=np.int64)
    np.cumsum([len(cs) for cs in cols.corridors], out=corr_start[1:])
    flags = (
        cols.oneway * _ONEWAY
        + cols.toll * _TOLL
        + cols.motorbike_forbidden * _NO_MOTORBIKE
        + cols.motorhome_unsuitable * _NO_MOTORHOME
        + (cols.curated if cols.curated is not None else np.zeros(n_seg, bool)) * _CURATED
    ).astype(np.uint8)
    arrays = {
        "node_xy": node_xy,
        "tail": tail.astype(np.uint32),
        "head": head.astype(np.uint32),
        "arc_piece": arc_piece.astype(np.uint32),
        "arc_reverse": arc_reverse,
        "arc_twin": twin,
        "out_start": out_start,
        "piece_seg": p_seg.astype(np.uint32),
        "piece_start": piece_start,
        "piece_length": p_len,
        "coords": coords,
        "prov_start": prov_start,
        "prov_code": prov_code,
        "prov_m": prov_m,
        "province_table": prov_table,
        "seg_ids": np.array(cols.ids, dtype=str) if n_seg else np.zeros(0, dtype="<U1"),
        "seg_piece_start": seg_piece_start,
        "seg_class": seg_class.astype(np.uint8),
        "class_table": class_table,
        "seg_surface": seg_surface.astype(np.uint8),
        "surface_table": surface_table,
        "seg_ref": seg_ref,
        "ref_table": ref_table,
        "seg_name": seg_name,
        "name_table": name_table,
        "corr_start": corr_start,
        "corr_code": corr_index.astype(np.int32),
        "corridor_table": corridor_table,
        "seg_flags": flags,
        "seg_maxspeed": cols.maxspeed_kph.astype(np.float64),
        "seg_max_height": cols.max_height_m.astype(np.float64),
        "seg_max_weight": cols.max_weight_t.astype(np.float64),
        "seg_scenic": cols.scenic.astype(np.int8),
    }
    return RoadGraph(arrays)


def step_starts(piece_start: np.ndarray, n_coords: int) -> np.ndarray:
    """Index of the first vertex of every straight step: all but each piece's last."""
    last = np.zeros(n_coords, dtype=bool)
    last[np.asarray(piece_start[1:]) - 1] = True
    return np.flatnonzero(~last)


def _first_per_node(
    node_id: np.ndarray, start_xy: np.ndarray, end_xy: np.ndarray, n: int
) -> np.ndarray:
    """The (rounded) coordinate of every node, from the pieces that start or end there."""
    out = np.zeros((n, 2))
    out[node_id[:, 1]] = end_xy
    out[node_id[:, 0]] = start_xy
    return out


def _province_shares(
    coords: np.ndarray,
    piece_start: np.ndarray,
    step_metres: np.ndarray,
    province_of: Callable[[Coord], str | None] | None,
    provinces: Sequence[tuple[str, Any]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(code table, CSR start per piece, code per entry, metres per entry)."""
    n_piece = len(piece_start) - 1
    empty = (
        np.array([""], dtype=str),
        np.zeros(n_piece + 1, dtype=np.int64),
        np.zeros(0, dtype=np.int16),
        np.zeros(0),
    )
    if n_piece == 0 or (province_of is None and not provinces):
        return empty
    # Straight steps: every vertex but each piece's last starts one.
    starts = step_starts(piece_start, len(coords))
    a, b = coords[starts], coords[starts + 1]
    mid = (a + b) / 2
    metres = step_metres[starts]  # the geodesic length of each step, measured once
    step_piece = np.searchsorted(piece_start, starts, side="right") - 1
    code = np.full(len(starts), -1, dtype=np.int64)
    if provinces:
        names = [c for c, _ in provinces]
        for i, (_, area) in enumerate(provinces):  # prepared polygons: ~1 s for 2 M points
            open_ = np.flatnonzero(code < 0)
            code[open_[shapely.contains_xy(area, mid[open_, 0], mid[open_, 1])]] = i
    elif province_of is not None:
        found = [province_of((float(x), float(y))) for x, y in mid]
        names = sorted({f for f in found if f})
        where = {n: i for i, n in enumerate(names)}
        code = np.array([where[f] if f else -1 for f in found], dtype=np.int64)
    inside = code >= 0
    if not inside.any():
        return empty
    # Sum metres per (piece, code); codes sorted by name within each piece.
    by_name = np.argsort(np.argsort(names))
    name_rank = by_name[code[inside]]
    group = step_piece[inside] * len(names) + name_rank
    groups, _, total = sorted_unique(group, return_inverse=True)
    metres_sum = np.bincount(total, weights=metres[inside])
    piece_of_group = groups // len(names)
    sorted_names = sorted(names)
    table = np.array(sorted_names, dtype=str)
    prov_code = (groups % len(names)).astype(np.int16)
    prov_start = np.zeros(n_piece + 1, dtype=np.int64)
    np.cumsum(np.bincount(piece_of_group, minlength=n_piece), out=prov_start[1:])
    return table, prov_start, prov_code, metres_sum
