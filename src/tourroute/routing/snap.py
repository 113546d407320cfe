"""Snap points onto the nearest usable edge, projecting onto the line (not the nearest node).

Snapping works in a local equirectangular metric frame centred on the network (a few
tenths of a percent off across a region of a few hundred km, ample for choosing the edge);
distances reported back are geodesic.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from shapely import STRtree
from shapely.geometry import LineString, Point

from tourroute.routing.graph import Coord, Edge, RoadGraph, line_length_m

__all__ = ["EdgeKey", "Snap", "SnapError", "Snapper"]

EdgeKey = tuple[Coord, Coord, int]
_M_PER_DEG_LAT = 110_574.0


class SnapError(ValueError):
    """No usable road within reach of the point."""


@dataclass(frozen=True)
class Snap:
    """Where a point meets the network: an edge, the fraction along it, the foot point."""

    point: Coord  # the requested point
    on_road: Coord  # its projection onto the edge
    edge: EdgeKey
    fraction: float  # 0 at the edge's start node, 1 at its end node
    distance_m: float  # geodesic distance from point to on_road


class Snapper:
    """A spatial index over a graph's edges for nearest-usable-edge queries."""

    def __init__(self, road: RoadGraph) -> None:
        keys: list[EdgeKey] = []
        lines: list[LineString] = []
        starts = np.array([e.coords[0] for *_, e in road.edges()] or [(0.0, 0.0)])
        self.lon0, self.lat0 = (float(v) for v in starts.mean(axis=0))
        self.m_per_deg_lon = _M_PER_DEG_LAT * math.cos(math.radians(self.lat0))
        self.edges: dict[EdgeKey, Edge] = {}
        for u, v, k, e in road.edges():
            keys.append((u, v, k))
            lines.append(LineString([self._xy(c) for c in e.coords]))
            self.edges[(u, v, k)] = e
        self.keys = keys
        self.lines = lines
        self.tree = STRtree(lines)

    def _xy(self, c: Coord) -> tuple[float, float]:
        return ((c[0] - self.lon0) * self.m_per_deg_lon, (c[1] - self.lat0) * _M_PER_DEG_LAT)

    def snap(
        self,
        point: Coord,
        usable: Callable[[EdgeKey, Edge], bool],
        max_distance_m: float = 20_000.0,
    ) -> Snap:
        """Project ``point`` onto the nearest edge for which ``usable`` is true."""
        p = Point(self._xy(point))
        radius = 250.0
        while True:
            best: tuple[float, int] | None = None
            for i in self.tree.query(p.buffer(radius)):
                key = self.keys[int(i)]
                if not usable(key, self.edges[key]):
                    continue
                d = float(self.lines[int(i)].distance(p))
                if best is None or d < best[0] or (d == best[0] and key < self.keys[best[1]]):
                    best = (d, int(i))
            if best is not None and best[0] <= radius:
                break
            if radius >= max_distance_m:
                raise SnapError(
                    f"no usable road within {max_distance_m / 1000:.0f} km of {point[0]},{point[1]}"
                )
            radius = min(radius * 4, max_distance_m)
        line = self.lines[best[1]]
        fraction = float(line.project(p, normalized=True)) if line.length > 0 else 0.0
        key = self.keys[best[1]]
        edge = self.edges[key]
        foot = LineString(edge.coords).interpolate(fraction, normalized=True)
        on_road = (float(foot.x), float(foot.y))
        return Snap(point, on_road, key, fraction, line_length_m((point, on_road)))
