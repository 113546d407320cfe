"""The in-memory road graph, built once per network version and shared by requests."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from geoalchemy2.shape import to_shape
from shapely.geometry import Point
from shapely.prepared import prep
from sqlalchemy.orm import Session

from tourroute.network.repository import NetworkRepository
from tourroute.provinces.repository import ProvinceRepository
from tourroute.routing import RoadGraph, build_graph
from tourroute.routing.graph import Coord
from tourroute.routing.snap import Snapper

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NetworkGraph:
    version: str
    road: RoadGraph
    snapper: Snapper
    corridor_names: dict[str, tuple[str, str]]  # slug → (vi, en)
    province_names: dict[str, tuple[str, str]]


class GraphCache:
    """Holds the current graph; rebuilds it when the stored network's version changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._current: NetworkGraph | None = None

    def get(self, session: Session) -> NetworkGraph:
        version = NetworkRepository(session).version()
        current = self._current
        if current is not None and current.version == version:
            return current
        with self._lock:
            if self._current is None or self._current.version != version:
                self._current = self._build(session, version)
            return self._current

    @staticmethod
    def _build(session: Session, version: str) -> NetworkGraph:
        started = time.perf_counter()
        repo = NetworkRepository(session)
        provinces = ProvinceRepository(session).list()
        areas = [(p.code, prep(to_shape(p.boundary))) for p in provinces]

        def province_of(c: Coord) -> str | None:
            point = Point(c)
            return next((code for code, area in areas if area.contains(point)), None)

        road = build_graph(repo.segments(), province_of)
        graph = NetworkGraph(
            version=version,
            road=road,
            snapper=Snapper(road),
            corridor_names={c.slug: (c.name_vi, c.name_en) for c in repo.corridors()},
            province_names={p.code: (p.name_vi, p.name_en) for p in provinces},
        )
        log.info(
            "road graph %s built: %d nodes, %d edges in %.2f s",
            version,
            road.graph.number_of_nodes(),
            road.graph.number_of_edges(),
            time.perf_counter() - started,
        )
        return graph
