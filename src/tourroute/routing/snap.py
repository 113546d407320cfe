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
    """A spatial index over a graph's edges for nearest-usable-edge queries.

    Parameters
    ----------
    road
        The road graph.  Its edges are indexed once (an STR-tree over one line per piece
        of road, both directions sharing it), in a local metric frame centred on the mean
        of the edges' first points.
    """

    def __init__(self, road: RoadGraph) -> None:
        starts = np.array([e.shape[0] for *_, e in road.edges()] or [(0.0, 0.0)])
        self.lon0, self.lat0 = (float(v) for v in starts.mean(axis=0))
        self.m_per_deg_lon = _M_PER_DEG_LAT * math.cos(math.radians(self.lat0))
        self.edges: dict[EdgeKey, Edge] = {}
        # One line per piece of road, shared by its two directions (the reverse direction
        # is listed beside it): half the geometries of one line per directed edge.
        piece_of: dict[tuple[str, int], int] = {}
        self.keys: list[list[EdgeKey]] = []  # per line: its directed edges, forward first
        lines: list[LineString] = []
        for u, v, k, e in road.edges():
            key = (u, v, k)
            self.edges[key] = e
            piece = (e.segment.id, id(e.shape))
            at = piece_of.get(piece)
            if at is None:
                piece_of[piece] = len(lines)
                self.keys.append([key])
                lines.append(LineString([self._xy(c) for c in e.shape]))
            else:
                self.keys[at].append(key)
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
        """Project ``point`` onto the nearest edge for which ``usable`` is true.

        The search radius starts at 250 m and grows fourfold up to ``max_distance_m``, so
        a point next to a road costs a handful of candidates.  Of two equally near edges
        the smaller key wins, so the answer does not depend on the index's order.

        Parameters
        ----------
        point
            (lon, lat) in degrees.
        usable
            Whether a directed edge ``(key, edge)`` may be snapped onto.
        max_distance_m
            The farthest an edge may be, in metres.

        Returns
        -------
        Snap
            The edge, the fraction along it (in driving direction), the foot point and
            its geodesic distance from ``point`` in metres.

        Raises
        ------
        SnapError
            No usable edge within ``max_distance_m``.
        """
        p = Point(self._xy(point))
        radius = 250.0
        while True:
            best: tuple[float, EdgeKey, int] | None = None
            for i in self.tree.query(p.buffer(radius)):
                # The first usable direction of this piece (forward before reverse).
                key = next((k for k in self.keys[int(i)] if usable(k, self.edges[k])), None)
                if key is None:
                    continue
                d = float(self.lines[int(i)].distance(p))
                if best is None or d < best[0] or (d == best[0] and key < best[1]):
                    best = (d, key, int(i))
            if best is not None and best[0] <= radius:
                break
            if radius >= max_distance_m:
                raise SnapError(
                    f"no usable road within {max_distance_m / 1000:.0f} km of {point[0]},{point[1]}"
                )
            radius = min(radius * 4, max_distance_m)
        line = self.lines[best[2]]
        along = float(line.project(p, normalized=True)) if line.length > 0 else 0.0
        key = best[1]
        edge = self.edges[key]
        fraction = 1.0 - along if edge.reverse else along
        foot = LineString(edge.coords).interpolate(fraction, normalized=True)
        on_road = (float(foot.x), float(foot.y))
        return Snap(point, on_road, key, fraction, line_length_m((point, on_road)))
