"""The in-memory road graph, built once per network version and shared by requests."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from shapely.geometry import Point
from shapely.prepared import prep
from sqlalchemy.orm import Session, sessionmaker

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
    """Holds the graphs of the last few network versions and builds the next one.

    A request never waits for a build while any graph exists: once the cache is bound to a
    session factory (:meth:`bind`, done by the app when ``graph_rebuild`` is
    ``background``), a request that finds the network changed gets the newest graph it has
    and starts one background build of the new version; its answer names the version it
    used (``network_version``). Only the very first graph is built inline (the worker's
    warm-up usually has it ready; ``/readyz`` says whether it is). Unbound (the command
    line, and tests that change the network and route at once), a new version is built
    inline, in the caller's session, as before.

    Builds are one at a time (``_building``); a request for a graph already cached takes
    only ``_lock`` for a dictionary lookup, so it never queues behind a build.

    More than one graph is kept because a reader may still be on the previous version while
    an edit commits (and the test suite flips between the seeded network and small edits).
    """

    def __init__(self, keep: int = 2) -> None:
        self._lock = threading.Lock()  # guards _graphs and _latest: held for lookups only
        self._building = threading.Lock()  # one build at a time
        self._graphs: OrderedDict[str, NetworkGraph] = OrderedDict()
        self._latest: NetworkGraph | None = None  # the most recently built graph
        self._keep = keep
        self._factory: sessionmaker[Session] | None = None
        self._rebuild: threading.Thread | None = None

    def bind(self, factory: sessionmaker[Session] | None) -> None:
        """Build new versions in the background, in sessions of ``factory`` (``None``:
        inline again)."""
        self._factory = factory

    @property
    def ready(self) -> bool:
        """Whether a graph has been built (requests can be answered without waiting)."""
        return self._latest is not None

    @property
    def rebuilding(self) -> bool:
        """Whether a background build is running."""
        thread = self._rebuild
        return thread is not None and thread.is_alive()

    def get(self, session: Session) -> NetworkGraph:
        """The graph of the network ``session`` sees, or, while that version is being built
        in the background, the newest graph built so far.

        Parameters
        ----------
        session
            The caller's session: its network version is read here (one primary-key read).

        Returns
        -------
        NetworkGraph
            Its ``version`` is the version it was built from.
        """
        version = NetworkRepository(session).version()
        with self._lock:
            found = self._graphs.get(version)
            if found is not None:
                self._graphs.move_to_end(version)
                return found
            stale = self._latest
        if stale is not None and self._factory is not None:
            self._start_rebuild()
            return stale
        return self._build_inline(session, version)

    def _build_inline(self, session: Session, version: str) -> NetworkGraph:
        with self._building:
            with self._lock:  # another caller may have built it while we waited
                found = self._graphs.get(version)
            if found is None:
                found = self._build(session, version)
                self._store(found)
            return found

    def _store(self, graph: NetworkGraph) -> None:
        with self._lock:
            self._graphs[graph.version] = graph
            self._graphs.move_to_end(graph.version)
            while len(self._graphs) > self._keep:
                self._graphs.popitem(last=False)
            self._latest = graph

    def _start_rebuild(self) -> None:
        with self._lock:
            if self._rebuild is not None and self._rebuild.is_alive():
                return
            self._rebuild = threading.Thread(
                target=self._rebuild_committed, name="graph-rebuild", daemon=True
            )
            self._rebuild.start()

    def _rebuild_committed(self) -> None:
        """Build the committed network's version (in a session of its own, so it sees what
        is committed, never a request's unfinished writes), unless it is already cached."""
        factory = self._factory
        if factory is None:
            return
        try:
            with self._building, factory() as session:
                version = NetworkRepository(session).version()
                with self._lock:
                    if version in self._graphs:
                        return
                self._store(self._build(session, version))
        except Exception:  # the next request that sees the change starts another build
            log.exception("background road graph rebuild failed")

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
