"""The in-memory road graph, built once per network version and shared by requests."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from shapely.geometry import Point
from shapely.prepared import prep
from sqlalchemy.orm import Session

from tourroute.db.spatial import shape_of
from tourroute.network.repository import NetworkRepository
from tourroute.provinces.repository import ProvinceRepository
from tourroute.routing import RoadGraph, build_graph
from tourroute.routing.graph import Coord
from tourroute.routing.route import Router

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NetworkGraph:
    version: str
    road: RoadGraph
    router: Router
    corridor_names: dict[str, tuple[str, str]]  # slug → (vi, en)
    province_names: dict[str, tuple[str, str]]


class GraphCache:
    """Holds the graphs of the last few network versions; builds one on a version change.

    More than one is kept because a reader may still be on the previous version while an
    edit commits (and the test suite flips between the seeded network and small edits).
    """

    def __init__(self, keep: int = 2) -> None:
        self._lock = threading.Lock()
        self._graphs: OrderedDict[str, NetworkGraph] = OrderedDict()
        self._keep = keep

    def get(self, session: Session) -> NetworkGraph:
        version = NetworkRepository(session).version()
        with self._lock:
            found = self._graphs.get(version)
            if found is None:
                found = self._graphs[version] = self._build(session, version)
                while len(self._graphs) > self._keep:
                    self._graphs.popitem(last=False)
            self._graphs.move_to_end(version)
            return found

    @staticmethod
    def _build(session: Session, version: str) -> NetworkGraph:
        started = time.perf_counter()
        repo = NetworkRepository(session)
        provinces = ProvinceRepository(session).list()
        areas = [(p.code, prep(shape_of(p.boundary))) for p in provinces]

        def province_of(c: Coord) -> str | None:
            point = Point(c)
            return next((code for code, area in areas if area.contains(point)), None)

        road = build_graph(repo.segments(), province_of)
        graph = NetworkGraph(
            version=version,
            road=road,
            router=Router(road),
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
