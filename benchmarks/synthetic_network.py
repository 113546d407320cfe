"""A seeded, road-like synthetic network for routing benchmarks (not a plain grid).

``road_network(nodes, seed)`` lays a jittered lattice over 105.0–106.5 °E, 18.0–20.0 °N
(about 158 km × 221 km, the size of the three provinces) and turns it into roads:

* **local roads** (``unclassified``) on every lattice block; a fifth of them are missing,
  a tenth of the rest are one way (random direction), and inside a few round "mountain"
  areas there are none at all, so the density is uneven;
* **class lines**: every 4th row and column is ``tertiary``, every 8th ``secondary``, every
  16th ``primary`` and every 48th ``trunk``; they are straighter, complete and two way,
  and cross the mountain areas;
* **motorways** (``motorway``, toll, no motorbikes): a few curving dual carriageways across
  the area, one one-way segment per direction between interchanges, crossing the lattice
  on bridges (no shared vertex), joined to the nearest secondary-or-better lattice node
  only at interchanges, by one-way ramps;
* a quarter of the blocks get a bent shape point, so edges are not all straight.

Everything outside the strongly connected component of a trunk crossing is dropped, so
every node reaches every other.  Vertices are rounded to 1e-6° like the graph's nodes, and
every junction is a segment end (shape points are never shared), so the graph's nodes are
exactly the segment ends and their count is known before ``build_graph``.  The lattice is
sized from the requested node count with an estimate of what survives; the result is
within a few percent of it (``node_count`` says exactly).

>>> from tourroute.routing.graph import build_graph
>>> road = build_graph(road_network(500, seed=3))
>>> abs(road.node_count - 500) < 50
True
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from itertools import pairwise

import numpy as np

from tourroute.routing.graph import Coord, Segment

__all__ = ["BBOX", "node_count", "road_network"]

BBOX = (105.0, 18.0, 106.5, 20.0)  # lon min, lat min, lon max, lat max
# (period, class) from the highest class down; a line takes the first that divides it.
LINE_CLASSES = ((48, "trunk"), (16, "primary"), (8, "secondary"), (4, "tertiary"))
LINE_SHIFT = 2  # line index + shift divisible by the period
LOCAL_MISSING = 0.20
LOCAL_ONEWAY = 0.10
BENT = 0.25
MOUNTAINS = 6
MOTORWAYS = 3
INTERCHANGE_EVERY_DEG = 0.09  # about 10 km between interchanges
CARRIAGEWAY_OFFSET_DEG = 0.00015  # each carriageway about 16 m off the centre line
# Lattice points that survive as nodes, outside the mountains (missing blocks, cut-offs).
_SURVIVAL_OUTSIDE = 0.985
_KM_PER_DEG_LAT = 110.6


def _line_class(index: int) -> str:
    for period, road_class in LINE_CLASSES:
        if (index + LINE_SHIFT) % period == 0:
            return road_class
    return "unclassified"


def _ref(road_class: str, index: int, across: bool) -> str | None:
    """A made-up road number for a class line (``QL`` trunk, ``ĐT`` primary/secondary)."""
    if road_class == "trunk":
        return f"QL{100 + 2 * index + across}"
    if road_class in ("primary", "secondary"):
        return f"ĐT{500 + 2 * index + across}"
    return None


def _rounded(lon: float, lat: float) -> Coord:
    return (round(lon, 6), round(lat, 6))


def _mountains(rng: np.random.Generator) -> list[tuple[float, float, float]]:
    """Round areas without local roads, in unit-square coordinates: (x, y, radius)."""
    return [
        (float(rng.uniform(0.1, 0.9)), float(rng.uniform(0.1, 0.9)), float(rng.uniform(0.04, 0.1)))
        for _ in range(MOUNTAINS)
    ]


def _mountain_share(mountains: Sequence[tuple[float, float, float]]) -> float:
    """The share of the unit square inside any mountain area (on a fixed 200×200 sample)."""
    xs = (np.arange(200) + 0.5) / 200
    x, y = np.meshgrid(xs, xs)
    inside = np.zeros_like(x, dtype=bool)
    for cx, cy, r in mountains:
        inside |= (x - cx) ** 2 + (y - cy) ** 2 <= r * r
    return float(inside.mean())


def _interchanges(spacing: float) -> tuple[float, int, int]:
    """(step between motorway shape points, points per interchange, points) for a spacing."""
    step = 1.5 * spacing
    every = max(2, round(INTERCHANGE_EVERY_DEG / step))
    longest = max(BBOX[2] - BBOX[0], BBOX[3] - BBOX[1])
    return step, every, max(2 * every, round(longest / step))


def _lattice_shape(nodes: int, mountain_share: float) -> tuple[int, int]:
    """(rows, columns) whose surviving lattice points plus motorway nodes are about ``nodes``."""
    lon0, lat0, lon1, lat1 = BBOX
    aspect = (lon1 - lon0) * math.cos(math.radians((lat0 + lat1) / 2)) / (lat1 - lat0)
    on_lines = 1 - (3 / 4) ** 2  # lattice points on a class row or column (every 4th)
    survive = (1 - mountain_share) * _SURVIVAL_OUTSIDE + mountain_share * on_lines
    motorway_nodes = 0
    for _ in range(2):  # the motorway nodes depend on the lattice spacing
        points = max(64, nodes - motorway_nodes) / survive
        rows = max(8, round(math.sqrt(points / aspect)))
        cols = max(8, round(points / rows))
        spacing = min((lon1 - lon0) / (cols - 1), (lat1 - lat0) / (rows - 1))
        _step, every, count = _interchanges(spacing)
        motorway_nodes = MOTORWAYS * 2 * (count // every + 2)
    return rows, cols


class _Builder:
    """Segments and their end-node arcs, to keep only the strongly connected part."""

    def __init__(self) -> None:
        self.segments: list[Segment] = []
        self.ends: list[tuple[int, int]] = []
        self.ids: dict[Coord, int] = {}

    def node(self, c: Coord) -> int:
        found = self.ids.get(c)
        if found is None:
            found = self.ids[c] = len(self.ids)
        return found

    def add(
        self,
        coords: tuple[Coord, ...],
        road_class: str,
        *,
        oneway: bool = False,
        ref: str | None = None,
        surface: str = "paved",
        toll: bool = False,
        motorbike_forbidden: bool = False,
        maxspeed_kph: float | None = None,
    ) -> None:
        seg = Segment(
            f"syn{len(self.segments)}",
            coords,
            ref=ref,
            road_class=road_class,
            surface=surface,
            oneway=oneway,
            toll=toll,
            maxspeed_kph=maxspeed_kph,
            motorbike_forbidden=motorbike_forbidden,
        )
        self.segments.append(seg)
        self.ends.append((self.node(coords[0]), self.node(coords[-1])))

    def strongly_connected(self, root: Coord) -> list[Segment]:
        """The segments inside the strongly connected component of ``root``."""
        n = len(self.ids)
        out: list[list[int]] = [[] for _ in range(n)]
        back: list[list[int]] = [[] for _ in range(n)]
        for seg, (a, b) in zip(self.segments, self.ends, strict=True):
            out[a].append(b)
            back[b].append(a)
            if not seg.oneway:
                out[b].append(a)
                back[a].append(b)
        start = self.ids[root]
        keep = _reach(out, start) & _reach(back, start)
        return [
            s for s, (a, b) in zip(self.segments, self.ends, strict=True) if keep[a] and keep[b]
        ]


def _reach(adj: list[list[int]], start: int) -> np.ndarray:
    seen = np.zeros(len(adj), dtype=bool)
    seen[start] = True
    stack = [start]
    while stack:
        for nxt in adj[stack.pop()]:
            if not seen[nxt]:
                seen[nxt] = True
                stack.append(nxt)
    return seen


def road_network(nodes: int, seed: int = 1) -> list[Segment]:
    """Road segments of a strongly connected network of about ``nodes`` graph nodes."""
    rng = np.random.default_rng(seed)
    mountains = _mountains(rng)
    rows, cols = _lattice_shape(nodes, _mountain_share(mountains))
    lon0, lat0, lon1, lat1 = BBOX
    dx, dy = (lon1 - lon0) / (cols - 1), (lat1 - lat0) / (rows - 1)
    row_class = [_line_class(i) for i in range(rows)]
    col_class = [_line_class(j) for j in range(cols)]
    row_line = np.array([c != "unclassified" for c in row_class])
    col_line = np.array([c != "unclassified" for c in col_class])

    # Jittered lattice: class lines stay straighter across their direction.
    jlon = rng.uniform(-0.3, 0.3, (rows, cols))
    jlat = rng.uniform(-0.3, 0.3, (rows, cols))
    jlon[:, col_line] *= 0.15
    jlat[row_line, :] *= 0.15
    lon = lon0 + (np.arange(cols)[None, :] + jlon) * dx
    lat = lat0 + (np.arange(rows)[:, None] + jlat) * dy
    lon, lat = np.round(lon, 6), np.round(lat, 6)
    refs = {(True, i): _ref(c, i, False) for i, c in enumerate(row_class)}
    refs.update({(False, j): _ref(c, j, True) for j, c in enumerate(col_class)})

    ux = np.broadcast_to(np.arange(cols)[None, :] / (cols - 1), (rows, cols))
    uy = np.broadcast_to(np.arange(rows)[:, None] / (rows - 1), (rows, cols))
    in_mountain = np.zeros((rows, cols), dtype=bool)
    for cx, cy, r in mountains:
        in_mountain |= (ux - cx) ** 2 + (uy - cy) ** 2 <= r * r
    mountain = in_mountain.tolist()

    points = [
        list(zip(r_lon, r_lat, strict=True))
        for r_lon, r_lat in zip(lon.tolist(), lat.tolist(), strict=True)
    ]
    b = _Builder()
    for horizontal in (True, False):
        shape = (rows, cols - 1) if horizontal else (rows - 1, cols)
        missing = (rng.random(shape) < LOCAL_MISSING).tolist()
        oneway = (rng.random(shape) < LOCAL_ONEWAY).tolist()
        reverse = (rng.random(shape) < 0.5).tolist()
        bent = (rng.random(shape) < BENT).tolist()
        bend = rng.uniform(-0.15, 0.15, shape).tolist()
        for i in range(shape[0]):
            for j in range(shape[1]):
                i2, j2 = (i, j + 1) if horizontal else (i + 1, j)
                road_class = row_class[i] if horizontal else col_class[j]
                local = road_class == "unclassified"
                if local and (missing[i][j] or mountain[i][j] or mountain[i2][j2]):
                    continue
                a, z = points[i][j], points[i2][j2]
                coords: tuple[Coord, ...] = (a, z)
                if bent[i][j]:
                    shift = bend[i][j]
                    mid_lon = (a[0] + z[0]) / 2 + (0.0 if horizontal else shift * dx)
                    mid_lat = (a[1] + z[1]) / 2 + (shift * dy if horizontal else 0.0)
                    coords = (a, _rounded(mid_lon, mid_lat), z)
                one = local and oneway[i][j]
                if one and reverse[i][j]:
                    coords = coords[::-1]
                b.add(
                    coords,
                    road_class,
                    oneway=one,
                    ref=refs[(horizontal, i if horizontal else j)],
                    surface="unpaved" if local and bend[i][j] > 0.12 else "paved",
                )

    _motorways(b, rng, lon, lat, row_class, col_class, min(dx, dy))

    trunk_rows = [i for i, c in enumerate(row_class) if c == "trunk"] or [
        i for i, c in enumerate(row_class) if c != "unclassified"
    ]
    trunk_cols = [j for j, c in enumerate(col_class) if c == "trunk"] or [
        j for j, c in enumerate(col_class) if c != "unclassified"
    ]
    root_i, root_j = trunk_rows[len(trunk_rows) // 2], trunk_cols[len(trunk_cols) // 2]
    return b.strongly_connected(points[root_i][root_j])


def _motorways(
    b: _Builder,
    rng: np.random.Generator,
    lon: np.ndarray,
    lat: np.ndarray,
    row_class: Sequence[str],
    col_class: Sequence[str],
    spacing: float,
) -> None:
    lon0, lat0, lon1, lat1 = BBOX
    major = {"trunk", "primary", "secondary"}
    major_rows = np.array([c in major for c in row_class])
    major_cols = np.array([c in major for c in col_class])
    step, every, _count = _interchanges(spacing)
    for m in range(MOTORWAYS):
        north_south = m % 2 == 0
        start = rng.uniform(0.25, 0.75)
        drift = rng.uniform(-0.2, 0.2)
        wiggle = rng.uniform(0.03, 0.08)
        waves = rng.uniform(1.0, 3.0)
        phase = rng.uniform(0, 2 * math.pi)
        length = (lat1 - lat0) if north_south else (lon1 - lon0)
        count = max(2 * every, round(length / step))
        centre: list[Coord] = []
        for k in range(count + 1):
            t = k / count
            across = start + drift * t + wiggle * math.sin(2 * math.pi * waves * t + phase)
            if north_south:
                centre.append((lon0 + across * (lon1 - lon0), lat0 + t * (lat1 - lat0)))
            else:
                centre.append((lon0 + t * (lon1 - lon0), lat0 + across * (lat1 - lat0)))
        sides: list[list[Coord]] = [[], []]
        for k, (x, y) in enumerate(centre):
            px, py = centre[max(0, k - 1)]
            nx_, ny_ = centre[min(count, k + 1)]
            tx, ty = nx_ - px, ny_ - py
            norm = math.hypot(tx, ty) or 1.0
            ox, oy = ty / norm * CARRIAGEWAY_OFFSET_DEG, -tx / norm * CARRIAGEWAY_OFFSET_DEG
            sides[0].append(_rounded(x + ox, y + oy))
            sides[1].append(_rounded(x - ox, y - oy))
        junctions = sorted({*range(0, count + 1, every), count})
        ref = f"CT.{m + 1:02d}"
        for a, z in pairwise(junctions):
            for side, points in enumerate(sides):
                piece = tuple(points[a : z + 1])
                b.add(
                    piece if side == 0 else piece[::-1],
                    "motorway",
                    oneway=True,
                    ref=ref,
                    toll=True,
                    motorbike_forbidden=True,
                    maxspeed_kph=120.0,
                )
        for k in junctions:
            x, y = centre[k]
            node = _nearest_major(lon, lat, x, y, major_rows, major_cols)
            for points in sides:
                end = points[k]
                off = (end, _rounded((end[0] + node[0]) / 2 + 0.05 * spacing, end[1]), node)
                on = (node, _rounded(end[0], (end[1] + node[1]) / 2 + 0.05 * spacing), end)
                for ramp in (off, on):
                    b.add(
                        ramp,
                        "motorway",
                        oneway=True,
                        toll=True,
                        motorbike_forbidden=True,
                        maxspeed_kph=60.0,
                    )


def _nearest_major(
    lon: np.ndarray,
    lat: np.ndarray,
    x: float,
    y: float,
    major_rows: np.ndarray,
    major_cols: np.ndarray,
) -> Coord:
    """The lattice point on a secondary-or-better line nearest to (x, y)."""
    rows, cols = lon.shape
    lon0, lat0, lon1, lat1 = BBOX
    ci = round((y - lat0) / (lat1 - lat0) * (rows - 1))
    cj = round((x - lon0) / (lon1 - lon0) * (cols - 1))
    best: tuple[float, int, int] | None = None
    for i in range(max(0, ci - 10), min(rows, ci + 11)):
        for j in range(max(0, cj - 10), min(cols, cj + 11)):
            if not (major_rows[i] or major_cols[j]):
                continue
            d = (float(lon[i, j]) - x) ** 2 + (float(lat[i, j]) - y) ** 2
            if best is None or d < best[0]:
                best = (d, i, j)
    if best is None:  # a tiny lattice with no major line nearby: take the nearest point
        i, j = min(max(ci, 0), rows - 1), min(max(cj, 0), cols - 1)
    else:
        _, i, j = best
    return (float(lon[i, j]), float(lat[i, j]))


def node_count(segments: Iterable[Segment]) -> int:
    """Graph nodes ``build_graph`` will make of these segments (their distinct ends)."""
    ends: set[Coord] = set()
    for s in segments:
        ends.add(s.coords[0])
        ends.add(s.coords[-1])
    return len(ends)
