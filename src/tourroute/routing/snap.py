"""Snap points onto the nearest usable arc, projecting onto the line (not the nearest node).

Snapping works in a local equirectangular metric frame centred on the network (a few
tenths of a percent off across a region of a few hundred km, ample for choosing the arc);
distances reported back are geodesic.

The index is a uniform grid of 500 m cells over every straight step of every piece of
road, kept as three arrays (sorted cell keys, CSR offsets, step ids) among the graph's
arrays, so it is saved in the graph's snapshot and shared by workers.  An STR-tree of
Shapely lines did the same job but cost 280 MiB and 11 s per worker on the complete
regional network, and cannot be memory-mapped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tourroute.i18n import Localized
from tourroute.i18n import messages as msgs
from tourroute.routing.graph import Coord, RoadGraph, line_length_m, step_starts

__all__ = ["EdgeKey", "Snap", "SnapError", "Snapper"]

EdgeKey = int  # an arc id of the road graph
_M_PER_DEG_LAT = 110_574.0
_CELL_M = 500.0
_ROW = np.int64(1 << 31)  # cell key = cx * _ROW + cy, both shifted to be non-negative
_SHIFT = 1 << 30


class SnapError(ValueError):
    """No usable road within reach of the point; ``message`` says so in any language."""

    def __init__(self, message: Localized) -> None:
        super().__init__(message.render("en"))
        self.message = message


@dataclass(frozen=True)
class Snap:
    """Where a point meets the network: an arc, the fraction along it, the foot point."""

    point: Coord  # the requested point
    on_road: Coord  # its projection onto the arc
    edge: EdgeKey  # the arc id
    fraction: float  # 0 at the arc's tail node, 1 at its head node
    distance_m: float  # geodesic distance from point to on_road


def _index(road: RoadGraph) -> dict[str, np.ndarray]:
    """The grid's arrays (see the module docstring), all derived from the graph."""
    a = road.arrays
    coords = np.asarray(a["coords"])
    start = np.asarray(a["piece_start"])
    arc_piece = np.asarray(a["arc_piece"])
    if len(arc_piece):
        lon0, lat0 = (float(v) for v in coords[start[arc_piece]].mean(axis=0))
    else:
        lon0, lat0 = 0.0, 0.0
    m_per_deg_lon = _M_PER_DEG_LAT * math.cos(math.radians(lat0))
    # Steps: every vertex but each piece's last starts one.
    steps = step_starts(start, len(coords))
    x = (coords[:, 0] - lon0) * m_per_deg_lon
    y = (coords[:, 1] - lat0) * _M_PER_DEG_LAT
    cx0 = np.floor(np.minimum(x[steps], x[steps + 1]) / _CELL_M).astype(np.int64)
    cx1 = np.floor(np.maximum(x[steps], x[steps + 1]) / _CELL_M).astype(np.int64)
    cy0 = np.floor(np.minimum(y[steps], y[steps + 1]) / _CELL_M).astype(np.int64)
    cy1 = np.floor(np.maximum(y[steps], y[steps + 1]) / _CELL_M).astype(np.int64)
    # Every step into every cell of its bounding box (almost always one or two).
    wx, wy = cx1 - cx0 + 1, cy1 - cy0 + 1
    count = wx * wy
    owner = np.repeat(np.arange(len(steps)), count)
    k = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    cell_x = cx0[owner] + k // wy[owner]
    cell_y = cy0[owner] + k % wy[owner]
    keys = (cell_x + _SHIFT) * _ROW + (cell_y + _SHIFT)
    order = np.argsort(keys, kind="stable")
    keys, owner = keys[order], owner[order]
    new_cell = np.ones(len(keys), dtype=bool)
    new_cell[1:] = keys[1:] != keys[:-1]
    cells = keys[new_cell]
    cell_start = np.append(np.flatnonzero(new_cell), len(keys)).astype(np.int64)
    # The forward arc of every piece (pieces' twins are found through arc_twin).
    piece_arc = np.full(len(start) - 1, -1, dtype=np.int64)
    forward = np.flatnonzero(~np.asarray(a["arc_reverse"]))
    piece_arc[arc_piece[forward]] = forward
    return {
        "snap_frame": np.array([lon0, lat0, m_per_deg_lon, _CELL_M]),
        "snap_cells": cells,
        "snap_cell_start": cell_start,
        "snap_items": steps[owner].astype(np.int64),
        "snap_piece_arc": piece_arc,
    }


class Snapper:
    """A grid index over a graph's road steps for nearest-usable-arc queries.

    Parameters
    ----------
    road
        The road graph.  The index is taken from its arrays when a snapshot carries it,
        else built (vectorised, about a second on the complete regional network) and kept
        among them.
    """

    def __init__(self, road: RoadGraph) -> None:
        self.road = road
        if "snap_items" not in road.arrays:
            road.arrays.update(_index(road))
        a = road.arrays
        self.lon0, self.lat0, self.m_per_deg_lon, self.cell = (float(v) for v in a["snap_frame"])
        self._cells = a["snap_cells"]
        self._cell_start = a["snap_cell_start"]
        self._items = a["snap_items"]
        self._piece_arc = a["snap_piece_arc"]
        self._coords = a["coords"]
        self._piece_start = a["piece_start"]

    def _xy(self, lonlat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (
            (lonlat[..., 0] - self.lon0) * self.m_per_deg_lon,
            (lonlat[..., 1] - self.lat0) * _M_PER_DEG_LAT,
        )

    def _steps_near(self, x: float, y: float, radius: float) -> np.ndarray:
        """Ids of the steps registered in the cells within ``radius`` of (x, y)."""
        cx0, cx1 = (math.floor((x - radius) / self.cell), math.floor((x + radius) / self.cell))
        cy0, cy1 = (math.floor((y - radius) / self.cell), math.floor((y + radius) / self.cell))
        rows = np.arange(cx0, cx1 + 1, dtype=np.int64) + _SHIFT
        lo = np.searchsorted(self._cells, rows * _ROW + (cy0 + _SHIFT))
        hi = np.searchsorted(self._cells, rows * _ROW + (cy1 + _SHIFT), side="right")
        spans = [(int(s), int(e)) for s, e in zip(lo, hi, strict=True) if e > s]
        if not spans:
            return np.zeros(0, dtype=np.int64)
        parts = [self._items[self._cell_start[s] : self._cell_start[e]] for s, e in spans]
        return np.concatenate(parts)  # a step in two cells comes twice: harmless

    def snap(self, point: Coord, usable: np.ndarray, max_distance_m: float = 20_000.0) -> Snap:
        """Project ``point`` onto the nearest arc that ``usable`` allows.

        The search radius starts at 250 m and doubles up to ``max_distance_m``, so a point
        next to a road costs a handful of candidates, and one far from any road at most
        about 4/3 of the candidates within twice its distance (growing fourfold, the last
        square could hold 16 times those within its distance: a third of a route's time
        for random points of the region's mountains).  A piece of road is offered
        in its forward direction if usable, else backwards; of two equally near pieces the
        one whose arc runs between the smaller (tail, head) coordinates wins, so the answer
        does not depend on the index's order.

        Parameters
        ----------
        point
            (lon, lat) in degrees.
        usable
            One bool per arc: whether it may be snapped onto.
        max_distance_m
            The farthest an arc may be, in metres.

        Returns
        -------
        Snap
            The arc, the fraction along it (in driving direction), the foot point and
            its geodesic distance from ``point`` in metres.

        Raises
        ------
        SnapError
            No usable arc within ``max_distance_m``.
        """
        x, y = self._xy(np.asarray(point, dtype=np.float64))
        px, py = float(x), float(y)
        twin = self.road.arrays["arc_twin"]
        radius = 250.0
        while True:
            steps = self._steps_near(px, py, radius)
            if len(steps):
                pieces = np.searchsorted(self._piece_start, steps, side="right") - 1
                fwd = self._piece_arc[pieces]
                back = np.asarray(twin)[np.maximum(fwd, 0)]
                fwd_ok = (fwd >= 0) & usable[np.maximum(fwd, 0)]
                back_ok = (back >= 0) & usable[np.maximum(back, 0)]
                arc = np.where(fwd_ok, fwd, np.where(back_ok, back, -1))
                keep = arc >= 0
                steps, pieces, arc = steps[keep], pieces[keep], arc[keep]
            if len(steps):
                d, t = self._distances(steps, px, py)
                best = float(d.min())
                if best <= radius:
                    break
            if radius >= max_distance_m:
                raise SnapError(
                    msgs.NO_ROAD_NEAR(km=max_distance_m / 1000, lon=point[0], lat=point[1])
                )
            radius = min(radius * 2, max_distance_m)
        tied = np.flatnonzero(d == best)
        chosen = tied[0] if len(tied) == 1 else self._smallest(tied, arc, steps)
        return self._project(
            point, int(pieces[chosen]), int(arc[chosen]), int(steps[chosen]), float(t[chosen])
        )

    def _distances(self, steps: np.ndarray, px: float, py: float) -> tuple[np.ndarray, np.ndarray]:
        """Planar distance from the point to every step, and where along it the foot lies."""
        ax, ay = self._xy(np.asarray(self._coords[steps]))
        bx, by = self._xy(np.asarray(self._coords[steps + 1]))
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.where(length2 > 0, ((px - ax) * dx + (py - ay) * dy) / length2, 0.0)
        t = np.clip(t, 0.0, 1.0)
        return np.hypot(ax + t * dx - px, ay + t * dy - py), t

    def _smallest(self, tied: np.ndarray, arc: np.ndarray, steps: np.ndarray) -> int:
        """Of equally near candidates, the one with the smallest (tail, head, arc) key;
        within one arc, its first step (as a line's projection would)."""
        xy = self.road.arrays["node_xy"]
        tails, heads = self.road.tails, self.road.heads

        def key(i: int) -> tuple[float, float, float, float, int, int]:
            a = int(arc[i])
            (tx, ty), (hx, hy) = xy[tails[a]], xy[heads[a]]
            return (float(tx), float(ty), float(hx), float(hy), a, int(steps[i]))

        return min((int(i) for i in tied), key=key)

    def _project(self, point: Coord, piece: int, arc: int, step: int, t: float) -> Snap:
        """The snap onto ``arc`` at parameter ``t`` of ``step`` of ``piece``."""
        s, e = int(self._piece_start[piece]), int(self._piece_start[piece + 1])
        coords = np.asarray(self._coords[s:e], dtype=np.float64)
        x, y = self._xy(coords)
        metric = np.hypot(np.diff(x), np.diff(y))
        total = float(metric.sum())
        i = step - s
        along = (float(metric[:i].sum()) + t * float(metric[i])) / total if total > 0 else 0.0
        # The foot point, interpolated in degrees as far along as ``along`` says.
        deg = np.hypot(np.diff(coords[:, 0]), np.diff(coords[:, 1]))
        cum = np.concatenate([[0.0], np.cumsum(deg)])
        target = along * cum[-1]
        j = min(int(np.searchsorted(cum, target, side="right")) - 1, len(deg) - 1)
        j = max(j, 0)
        u = (target - cum[j]) / deg[j] if deg[j] > 0 else 0.0
        foot = coords[j] + u * (coords[j + 1] - coords[j])
        on_road = (float(foot[0]), float(foot[1]))
        reverse = bool(self.road.arrays["arc_reverse"][arc])
        fraction = 1.0 - along if reverse else along
        return Snap(point, on_road, arc, fraction, line_length_m((point, on_road)))
