"""One network from two sources: curated segments replace the OpenStreetMap ways they duplicate.

This module exists so the geometry of the merge can be tested without a file or a database:
it knows numpy and Shapely only.  :mod:`.osm_import` feeds it the curated segments and the
streamed batches of ways, and writes what it returns.

Two things are decided here, both in a local metric frame (an equirectangular projection
centred on the curated network: across the served region, 17.8–20.7° N, its scale is off by
under 1 %, i.e. 0.15 m on a 15 m tolerance — well inside what the tolerances allow for):

1. **Which parts of a way a curated segment replaces.**  The way is sampled every
   :attr:`MergeRules.sample_m` metres wherever it comes within :attr:`MergeRules.near_m` of a
   curated line (elsewhere only its vertices are looked at).  A sample is *alongside* when a
   compatible curated line (see below) lies within ``near_m`` **and** runs within
   :attr:`MergeRules.parallel_deg` of the way's direction there: a road crossing a curated
   road is near it for a few metres but never parallel.  Runs of alongside samples, joined
   across gaps shorter than :attr:`MergeRules.gap_m`, are duplicates when they are at least
   :attr:`MergeRules.min_duplicate_m` long, or when they cover
   :attr:`MergeRules.duplicate_share` of the way (a short bridge or a piece between two tile
   seams).  The way keeps what is left, cut exactly at the run's ends (not at the nearest
   vertex: on a straight road OSM vertices can be hundreds of metres apart, and cutting there
   would keep that much duplicate or lose that much road).  A remainder lying wholly within
   :attr:`MergeRules.join_m` of the curated network is dropped: it is the way overshooting
   the curated end by a few metres, and whatever road meets its far end is close enough to
   be joined on its own.
2. **Where the remaining ways join the curated network.**  The routing graph joins
   segments at vertices they share exactly, and at a vertex of one that lies on another's
   line (a T-junction: the graph builder splits the other there, within centimetres);
   curated segments are never rewritten by the import, so every junction is made on the
   OSM side, by moving one of the way's vertices onto the curated network:

   * a cut end (where a duplicate was removed) and every vertex of a way that lies within
     ``join_m`` of a compatible curated line (the way ends on it, or its junction node with
     the replaced duplicate) is a contact; consecutive contacts make one junction;
   * every contact vertex is **moved** onto the nearest compatible curated vertex when
     that is within :attr:`MergeRules.snap_m` (a move that depends on the position alone,
     so OSM ways that shared the vertex still share it; and a shared vertex needs no
     split of the curated segment);
   * otherwise one vertex of the junction is **moved onto the curated line itself**, its
     orthogonal projection on the nearest compatible curated piece: the way's end when
     the junction is at an end, else (a road crossing or touching the curated one) the
     vertex closest to the line, so the road still runs through the junction; the vertex
     moves by at most ``join_m`` (a cut end: ``near_m``).  The projection is computed in
     the metric frame, which is affine in lon/lat, and converted back: the stored vertex
     lies on the stored curated line to far below a millimetre (coordinates are stored as
     WKB doubles, unrounded), which the graph builder's T-junction split needs.  Ways
     sharing a way end move it alike; a way that only passes through that vertex keeps
     it, and reaches the curated line at its own junction a few metres away.

   Earlier versions joined a contact with no curated vertex close by to one up to 1 km
   away with a *connector* laid along the curated road: on the 2021 regional file that
   added 3,065 km of false parallel roads, which took routes off the curated segments
   (corridor breakdowns) and gave wrong travel times.  Joining onto the line adds nothing
   that is not a road.

Compatibility: a curated **motorway** (CT.01) replaces and joins only OSM motorway ways
(carriageways and their links): an expressway has no level crossings, and the constructed
CT.01 line is approximate to a few kilometres, so a local road that happens to run near it
or cross it is neither the expressway nor a junction with it.  CT.01 meets the other roads
through its curated interchange links.

Why these tolerances: most curated segments were decoded from zoom-12 tiles of the same
2021 OSM data (quantised to ~2.4 m, then Douglas–Peucker simplified at 5 m), and the OSM
file from zoom-14 tiles (~0.56 m): the same road lies at most ~8 m apart in the two, and
``near_m`` = 15 m leaves room for a carriageway drawn a little off the centreline, while
the two carriageways of a dual road (usually 15–30 m apart) mostly stay apart.
``join_m`` = ``near_m``: a side road met the replaced OSM way at a node of that way, which
can itself lie up to ``near_m`` from the curated line; with 8 m such roads were cut off.
``snap_m`` = 25 m is what a moved vertex may shift a road without it showing at route
scale; beyond it (Douglas–Peucker left many curated roads without a vertex for hundreds
of metres where side roads meet them) the vertex goes onto the line, which costs a split
of the curated segment in the graph.  ``sample_m`` = 10 m places a cut within 10 m of where
the duplicate ends.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely

__all__ = ["CuratedLine", "CuratedNetwork", "MergeRules", "MergedWay", "WayIn"]

Coord = tuple[float, float]
FloatArray = np.ndarray[Any, np.dtype[np.float64]]
IntArray = np.ndarray[Any, np.dtype[np.int64]]
BoolArray = np.ndarray[Any, np.dtype[np.bool_]]

_EARTH_M_PER_DEG = 6_371_008.8 * math.pi / 180  # mean Earth radius: metres per degree
_ON_LINE_M = 1e-6  # a vertex this close to a curated line is on it already: not moved


@dataclass(frozen=True, slots=True)
class MergeRules:
    """The tolerances of the merge, in metres and degrees (the module docstring says why).

    Raises
    ------
    ValueError
        A tolerance is not positive, or they are not ordered as the merge needs
        (``join_m <= near_m``, ``sample_m < min_duplicate_m``).
    """

    near_m: float = 15.0
    parallel_deg: float = 30.0
    sample_m: float = 10.0
    gap_m: float = 25.0
    min_duplicate_m: float = 50.0
    duplicate_share: float = 0.8
    join_m: float = 15.0
    snap_m: float = 25.0

    def __post_init__(self) -> None:
        values = {
            "near_m": self.near_m,
            "sample_m": self.sample_m,
            "gap_m": self.gap_m,
            "min_duplicate_m": self.min_duplicate_m,
            "join_m": self.join_m,
            "snap_m": self.snap_m,
        }
        bad = [k for k, v in values.items() if not (math.isfinite(v) and v > 0)]
        if bad:
            raise ValueError(f"merge tolerances must be positive metres: {', '.join(bad)}")
        if not 0 < self.parallel_deg < 90:
            raise ValueError("parallel_deg must lie between 0 and 90 degrees")
        if not 0 < self.duplicate_share <= 1:
            raise ValueError("duplicate_share must lie in (0, 1]")
        if self.join_m > self.near_m:
            raise ValueError("need join_m <= near_m")
        if self.sample_m >= self.min_duplicate_m:
            raise ValueError("sample_m must be shorter than min_duplicate_m")


@dataclass(frozen=True, slots=True)
class CuratedLine:
    """A curated segment as the merge sees it: its line (lon, lat) and whether it is a
    motorway (which only motorway ways may duplicate or join)."""

    coords: Sequence[Coord]
    motorway: bool = False


@dataclass(frozen=True, slots=True)
class WayIn:
    """An OSM way to merge: its line (lon, lat, in driving direction) and whether it is of
    the motorway class (a carriageway or a link)."""

    coords: FloatArray
    motorway: bool = False


@dataclass(frozen=True, slots=True)
class MergedWay:
    """What is left of one way, and what the merge did to it.

    ``pieces`` are lon/lat coordinate arrays in the way's direction, in order along it: one
    array, the way unchanged or with junction vertices moved onto the curated network;
    several, where duplicates cut it; none, when curated segments replace all of it.
    ``joined`` counts the junctions made (a vertex moved), ``on_line`` those of them made
    on a curated line between its vertices rather than at a curated vertex.
    """

    pieces: tuple[FloatArray, ...]
    replaced_m: float = 0.0
    joined: int = 0
    changed: bool = False
    on_line: int = 0

    @property
    def dropped(self) -> bool:
        """Whether curated segments replace the whole way."""
        return not self.pieces

    @property
    def trimmed(self) -> bool:
        """Whether curated segments replace part of the way (the rest is kept)."""
        return bool(self.pieces) and self.replaced_m > 0


@dataclass
class _Frame:
    """An equirectangular frame centred on (lon0, lat0): metres east and north."""

    lon0: float
    lat0: float
    kx: float = field(init=False)
    ky: float = field(init=False)

    def __post_init__(self) -> None:
        self.ky = _EARTH_M_PER_DEG
        self.kx = _EARTH_M_PER_DEG * math.cos(math.radians(self.lat0))

    def xy(self, lonlat: FloatArray) -> FloatArray:
        out = np.empty_like(lonlat, dtype=np.float64)
        out[..., 0] = (lonlat[..., 0] - self.lon0) * self.kx
        out[..., 1] = (lonlat[..., 1] - self.lat0) * self.ky
        return out

    def lonlat(self, xy: FloatArray) -> FloatArray:
        """The inverse of :meth:`xy` (the frame is affine: a point on a piece's line in
        metres is on the same piece's line in lon/lat)."""
        out = np.empty_like(xy, dtype=np.float64)
        out[..., 0] = xy[..., 0] / self.kx + self.lon0
        out[..., 1] = xy[..., 1] / self.ky + self.lat0
        return out


def _line(positions: Sequence[FloatArray]) -> FloatArray:
    """The positions as one (n, 2) array, with consecutive repeats dropped."""
    out = np.reshape(np.asarray(positions, dtype=np.float64), (-1, 2))
    repeated = np.zeros(len(out), dtype=bool)
    repeated[1:] = np.all(out[1:] == out[:-1], axis=1)
    return out[~repeated]


def _runs(mask: BoolArray) -> list[tuple[int, int]]:
    """The (first, last) indices of each run of True in ``mask``."""
    if not mask.any():
        return []
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(a), int(b) - 1) for a, b in zip(edges[::2], edges[1::2], strict=True)]


class CuratedNetwork:
    """The curated segments, indexed for merging batches of OSM ways against them.

    Parameters
    ----------
    lines
        The curated segments (published ones: they are what routes use).
    rules
        The tolerances; :class:`MergeRules` defaults when omitted.

    Raises
    ------
    ValueError
        A line has fewer than two positions, or a non-finite coordinate.

    Examples
    --------
    A curated road running east; an OSM way that runs along it, then turns north: the
    shared kilometre is replaced (to the sample, every 10 m), the rest kept and joined at the
    curated road's end vertex.

    >>> net = CuratedNetwork([CuratedLine([(105.0, 19.0), (105.01, 19.0)])])
    >>> way = WayIn(np.array([(105.0, 19.0), (105.01, 19.00001), (105.01, 19.01)]))
    >>> [merged] = net.merge([way])
    >>> 1000 < merged.replaced_m < 1060, merged.joined, [p.tolist() for p in merged.pieces]
    (True, 1, [[[105.01, 19.0], [105.01, 19.01]]])
    """

    def __init__(self, lines: Sequence[CuratedLine], rules: MergeRules | None = None) -> None:
        self.rules = rules or MergeRules()
        coords: list[FloatArray] = []
        for i, line in enumerate(lines):
            array = np.asarray(line.coords, dtype=np.float64).reshape(-1, 2)
            if len(array) < 2 or not np.isfinite(array).all():
                raise ValueError(f"curated line #{i + 1}: needs two or more finite positions")
            coords.append(array)
        self.size = len(coords)
        if not coords:
            self._frame = _Frame(0.0, 0.0)
            return
        every = np.concatenate(coords)
        lo, hi = every.min(axis=0), every.max(axis=0)
        self._frame = _Frame(float(lo[0] + hi[0]) / 2, float(lo[1] + hi[1]) / 2)
        motorway = np.array([line.motorway for line in lines], dtype=bool)
        # Pieces: every straight piece of every line, metric, with its line's motorway flag.
        starts = [c[:-1] for c in coords]
        ends = [c[1:] for c in coords]
        counts = np.array([len(c) - 1 for c in coords])
        self._a = self._frame.xy(np.concatenate(starts))
        self._b = self._frame.xy(np.concatenate(ends))
        self._piece_motorway = np.repeat(motorway, counts)
        self._pieces = shapely.STRtree(shapely.linestrings(np.stack([self._a, self._b], axis=1)))
        # Vertices: exact lon/lat (what a junction copies), one per distinct position; a
        # vertex on any non-motorway line (an interchange link's end included) may be joined
        # by any way, one on motorways only by motorway ways.
        lonlat = np.concatenate(coords)
        on_motorway = np.repeat(motorway, [len(c) for c in coords])
        unique, inverse = np.unique(lonlat, axis=0, return_inverse=True)
        open_to_all = np.zeros(len(unique), dtype=bool)
        np.logical_or.at(open_to_all, inverse.reshape(-1), ~on_motorway)
        self._vertex_lonlat = unique
        vertex_xy = self._frame.xy(unique)
        self._vertices_all = shapely.STRtree(shapely.points(vertex_xy))
        self._open_index = np.flatnonzero(open_to_all)
        self._vertices_open = shapely.STRtree(shapely.points(vertex_xy[self._open_index]))

    # --- the batch --------------------------------------------------------------------

    def merge(self, ways: Sequence[WayIn]) -> list[MergedWay]:
        """Merge a batch of ways against the curated network.

        Parameters
        ----------
        ways
            The ways, each with two or more positions (lon, lat).

        Returns
        -------
        list[MergedWay]
            One per way, in order.  A way no curated line comes near is returned as it
            came, unchanged (``changed`` False).
        """
        out = [MergedWay((w.coords,)) for w in ways]
        if not ways or not self.size:
            return out
        rules = self.rules
        lonlat = [np.asarray(w.coords, dtype=np.float64).reshape(-1, 2) for w in ways]
        sizes = np.array([len(c) for c in lonlat])
        if (sizes < 2).any():
            raise ValueError("every way needs two or more positions")
        xy = self._frame.xy(np.concatenate(lonlat))
        lines = shapely.linestrings(xy, indices=np.repeat(np.arange(len(ways)), sizes))
        way_idx, _ = self._pieces.query(lines, predicate="dwithin", distance=rules.near_m)
        near = np.unique(way_idx)
        if not len(near):
            return out
        motorway = np.array([ways[i].motorway for i in near.tolist()], dtype=bool)
        samples = self._samples([lonlat[i] for i in near.tolist()], motorway)
        # Only a way with a curated line alongside, or a vertex within join_m, can change.
        starts = samples.offsets[:-1]
        contact = samples.vertex & (samples.dist <= rules.join_m)
        busy = (np.add.reduceat(samples.alongside | contact, starts) > 0).tolist()
        for j, i in enumerate(near.tolist()):
            if busy[j]:
                out[i] = self._merge_one(lonlat[i], samples.way(j))
        return out

    # --- one way near the curated network --------------------------------------------

    def _merge_one(self, lonlat: FloatArray, samples: _Samples) -> MergedWay:
        rules = self.rules
        s, alongside, dist = samples.s, samples.alongside, samples.dist
        length = float(s[-1])
        duplicate = self._duplicate_runs(s, alongside, length)
        joined = on_line = 0
        if not duplicate:
            kept = [(0, len(s) - 1)]
        else:
            kept = []
            start = 0
            for a, b in duplicate:
                if a > start:
                    kept.append((start, a))
                start = b
            if start < len(s) - 1:
                kept.append((start, len(s) - 1))
        pieces: list[FloatArray] = []
        replaced = sum(float(s[b] - s[a]) for a, b in duplicate)
        changed = bool(duplicate)
        for a, b in kept:
            cut_start, cut_end = a > 0, b < len(s) - 1
            if (cut_start or cut_end) and bool(np.all(dist[a : b + 1] <= rules.join_m)):
                replaced += float(s[b] - s[a])  # an overshoot of the curated end: dropped
                continue
            piece, j, o, moved = self._piece(samples, a, b, cut_start, cut_end)
            joined += j
            on_line += o
            changed = changed or moved
            if piece is not None:
                pieces.append(piece)
            else:
                replaced += float(s[b] - s[a])
        if not changed:
            return MergedWay((lonlat,))
        return MergedWay(tuple(pieces), replaced, joined, True, on_line)

    def _duplicate_runs(
        self, s: FloatArray, alongside: BoolArray, length: float
    ) -> list[tuple[int, int]]:
        """The (first, last) sample indices of each duplicated stretch of the way."""
        rules = self.rules
        runs = _runs(alongside)
        if not runs:
            return []
        joined_runs = [runs[0]]
        for a, b in runs[1:]:
            if s[a] - s[joined_runs[-1][1]] < rules.gap_m:
                joined_runs[-1] = (joined_runs[-1][0], b)
            else:
                joined_runs.append((a, b))
        covered = sum(float(s[b] - s[a]) for a, b in joined_runs)
        if length > 0 and covered >= rules.duplicate_share * length:
            return [(0, len(s) - 1)]
        return [(a, b) for a, b in joined_runs if s[b] - s[a] >= rules.min_duplicate_m]

    def _piece(
        self,
        samples: _Samples,
        a: int,
        b: int,
        cut_start: bool,
        cut_end: bool,
    ) -> tuple[FloatArray | None, int, int, bool]:
        """The kept stretch from sample ``a`` to sample ``b``, its junctions made.

        Every vertex within ``join_m`` whose nearest joinable curated vertex lies within
        ``snap_m`` moves onto it: the move depends on the position alone, so two OSM ways
        that shared the vertex still share it afterwards.  A junction with no curated
        vertex that close moves one vertex onto the nearest compatible curated line (its
        foot there): the stretch's end when the junction is at an end, else the vertex
        closest to the line (a road crossing the curated one keeps running through it).

        Returns the piece (None if the stretch collapsed to a point), the junctions made,
        how many of them are on a curated line, and whether any position changed.
        """
        rules = self.rules
        idx = np.arange(a, b + 1)
        # The stretch's positions: its end samples and the way's vertices between them.
        idx = idx[samples.vertex[idx] | (idx == a) | (idx == b)]
        coords = samples.lonlat[idx].copy()
        target = samples.nearest[idx]
        dist = samples.dist[idx]
        last = len(idx) - 1
        contact = dist <= rules.join_m
        contact[0] |= cut_start
        contact[last] |= cut_end
        joined = on_line = 0
        changed = False
        for first, final in _runs(contact):
            snapped = [k for k in range(first, final + 1) if target[k] >= 0]
            if snapped:
                moved = False
                for k in snapped:
                    vertex = self._vertex_lonlat[target[k]]
                    if not np.array_equal(coords[k], vertex):
                        coords[k] = vertex
                        moved = True
                joined += moved
                changed = changed or moved
                continue
            if first == 0:
                k = 0
            elif final == last:
                k = last
            else:
                k = first + int(np.argmin(dist[first : final + 1]))
            # A contact always has a compatible curated line within near_m (that is what
            # made it one), hence a foot; one already on the line stays as it is.
            if not _ON_LINE_M < dist[k] < math.inf:
                continue
            coords[k] = self._frame.lonlat(samples.foot[idx[k]])
            joined += 1
            on_line += 1
            changed = True
        piece = _line(coords)
        return (
            piece if len(piece) >= 2 else None,
            joined,
            on_line,
            changed or cut_start or cut_end,
        )

    def _samples(self, ways: Sequence[FloatArray], motorway: BoolArray) -> _Samples:
        """The ways' vertices, plus points every ``sample_m`` on their pieces near the
        curated network, with what lies near each: all ways of a batch in one pass."""
        rules = self.rules
        sizes = np.array([len(w) for w in ways])
        lonlat = np.concatenate(ways)
        xy = self._frame.xy(lonlat)
        way_of_vertex = np.repeat(np.arange(len(ways)), sizes)
        # Segments: consecutive vertices of one way.
        inner = np.flatnonzero(way_of_vertex[:-1] == way_of_vertex[1:])
        a, b = xy[inner], xy[inner + 1]
        seg_len = np.hypot(*(b - a).T)
        segments = shapely.linestrings(np.stack([a, b], axis=1))
        seg_idx, _ = self._pieces.query(segments, predicate="dwithin", distance=rules.near_m)
        steps = np.ones(len(a), dtype=np.int64)
        near = np.unique(seg_idx)
        steps[near] = np.maximum(1, np.ceil(seg_len[near] / rules.sample_m)).astype(np.int64)
        # Samples: the subdivisions of every segment (its start vertex first) and each
        # way's last vertex, in order along the ways.
        last_vertex = np.cumsum(sizes) - 1
        seg_of = np.repeat(np.arange(len(a)), steps)
        first = np.cumsum(steps) - steps
        frac = (np.arange(len(seg_of)) - first[seg_of]) / steps[seg_of]
        vertex_of = np.where(frac == 0, inner[seg_of], -1)
        # Insert each way's last vertex after its last segment's samples.
        owner = way_of_vertex[inner[seg_of]]
        at = np.searchsorted(owner, np.arange(len(ways)), side="right")
        seg_of = np.insert(seg_of, at, -1)
        frac = np.insert(frac, at, 1.0)
        vertex_of = np.insert(vertex_of, at, last_vertex)
        tail = seg_of < 0
        seg_last = np.searchsorted(inner, last_vertex - 1)  # each way's last segment
        seg_of[tail] = seg_last
        vertex = vertex_of >= 0
        d_lonlat = lonlat[inner + 1] - lonlat[inner]
        s_lonlat = lonlat[inner[seg_of]] + d_lonlat[seg_of] * frac[:, None]
        s_lonlat[vertex] = lonlat[vertex_of[vertex]]  # vertices exactly, not interpolated
        s_xy = a[seg_of] + (b - a)[seg_of] * frac[:, None]
        way = way_of_vertex[inner[seg_of]]
        seg_along = np.cumsum(seg_len) - seg_len  # from the first segment of the batch
        way_first_seg = np.searchsorted(way_of_vertex[inner], np.arange(len(ways)))
        s = seg_along[seg_of] - seg_along[way_first_seg][way] + seg_len[seg_of] * frac
        n = len(s)
        direction = (b - a)[seg_of] / np.maximum(seg_len[seg_of], 1e-9)[:, None]
        alongside = np.zeros(n, dtype=bool)
        dist = np.full(n, np.inf)
        foot = np.full((n, 2), np.nan)
        pi, ci = self._pieces.query(
            shapely.points(s_xy), predicate="dwithin", distance=rules.near_m
        )
        ok = motorway[way[pi]] | ~self._piece_motorway[ci]
        pi, ci = pi[ok], ci[ok]
        if len(pi):
            pa, pb = self._a[ci], self._b[ci]
            v = pb - pa
            vlen = np.hypot(*v.T)
            t = np.clip(np.einsum("ij,ij->i", s_xy[pi] - pa, v) / np.maximum(vlen**2, 1e-18), 0, 1)
            on = pa + v * t[:, None]
            d = np.hypot(*(s_xy[pi] - on).T)
            cos = np.abs(np.einsum("ij,ij->i", direction[pi], v)) / np.maximum(vlen, 1e-9)
            # Each sample's nearest piece (ties: the lowest piece) and its foot on it.
            order = np.lexsort((ci, d, pi))
            best = order[np.concatenate(([True], pi[order][1:] != pi[order][:-1]))]
            dist[pi[best]] = d[best]
            foot[pi[best]] = on[best]
            parallel = (d <= rules.near_m) & (cos >= math.cos(math.radians(rules.parallel_deg)))
            alongside[pi[parallel]] = True
        # The nearest curated vertex a way of this kind may join, for samples near the network.
        nearest = np.full(n, -1, dtype=np.int64)
        # Only where a junction can be made: vertices within join_m, and the ends of runs
        # of alongside samples (where a duplicate may be cut).
        edge = np.zeros(n, dtype=bool)
        edge[1:] |= alongside[1:] != alongside[:-1]
        edge[:-1] |= alongside[1:] != alongside[:-1]
        wanted = (vertex & (dist <= rules.join_m)) | (alongside & edge)
        for on_motorway in (False, True):
            close = np.flatnonzero(wanted & (motorway[way] == on_motorway))
            if not len(close):
                continue
            tree = self._vertices_all if on_motorway else self._vertices_open
            qi, ti, _ = _nearest(tree, shapely.points(s_xy[close]), rules.snap_m)
            nearest[close[qi]] = ti if on_motorway else self._open_index[ti]
        offsets = _offsets(way, len(ways))
        return _Samples(s, s_lonlat, vertex, alongside, dist, foot, nearest, offsets)


@dataclass(frozen=True, slots=True)
class _Samples:
    """Points along ways: distance along the way (m), position (lon, lat), whether the point
    is one of the way's vertices, whether a compatible curated line runs alongside, the
    distance to the nearest compatible curated line (inf beyond ``near_m``) and the foot of
    the point on it (metric frame; NaN beyond ``near_m``), the nearest joinable curated
    vertex (index, -1 if none within ``snap_m``); way ``j``'s points are
    ``offsets[j]:offsets[j + 1]``."""

    s: FloatArray
    lonlat: FloatArray
    vertex: BoolArray
    alongside: BoolArray
    dist: FloatArray
    foot: FloatArray
    nearest: IntArray
    offsets: IntArray

    def way(self, j: int) -> _Samples:
        """The points of way ``j`` alone."""
        a, b = int(self.offsets[j]), int(self.offsets[j + 1])
        return _Samples(
            self.s[a:b],
            self.lonlat[a:b],
            self.vertex[a:b],
            self.alongside[a:b],
            self.dist[a:b],
            self.foot[a:b],
            self.nearest[a:b],
            np.array([0, b - a]),
        )


def _offsets(way: IntArray, count: int) -> IntArray:
    """Where each way's points start (and, last, where the points end), for points sorted
    by way."""
    return np.concatenate(([0], np.cumsum(np.bincount(way, minlength=count)))).astype(np.int64)


def _nearest(
    tree: shapely.STRtree, points: Any, max_distance: float
) -> tuple[IntArray, IntArray, FloatArray]:
    """For each point with a tree geometry within ``max_distance``: (point, nearest, metres);
    ties go to the lowest index, so the choice never depends on the order of the query."""
    (qi, ti), td = tree.query_nearest(
        points, max_distance=max_distance, return_distance=True, all_matches=True
    )
    if len(qi) == 0:
        return qi, ti, td
    order = np.lexsort((ti, qi))
    qi, ti, td = qi[order], ti[order], td[order]
    first = np.ones(len(qi), dtype=bool)
    first[1:] = qi[1:] != qi[:-1]
    return qi[first], ti[first], td[first]
