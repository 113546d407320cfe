"""The in-memory road graph, built once per network version and shared by requests."""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import gc
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import shapely
from sqlalchemy.orm import Session, sessionmaker

from tourroute.db.spatial import shape_of
from tourroute.network.repository import NetworkRepository
from tourroute.provinces.repository import ProvinceRepository
from tourroute.routing import RoadGraph, build_graph
from tourroute.routing.fast import carried_order
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

    With a snapshot directory (:meth:`persist_in`, done by the app), every graph is saved
    there as arrays keyed by its network version, and a graph found there is memory-mapped
    instead of built: a worker starts in seconds and all workers share one copy of the
    pages.  Builds across processes take a file lock, so of several workers that see a new
    version one builds and the others load its snapshot.
    """

    def __init__(self, keep: int = 2) -> None:
        self._lock = threading.Lock()  # guards _graphs and _latest: held for lookups only
        self._building = threading.Lock()  # one build at a time
        self._graphs: OrderedDict[str, NetworkGraph] = OrderedDict()
        self._latest: NetworkGraph | None = None  # the most recently built graph
        self._keep = keep
        self._factory: sessionmaker[Session] | None = None
        self._rebuild: threading.Thread | None = None
        self._snapshots: Path | None = None
        self._child_env: dict[str, str] | None = None

    def persist_in(
        self, directory: Path | None, build_in_child: Mapping[str, str] | None = None
    ) -> None:
        """Save graphs into ``directory`` and load them from it (``None``: never).

        With ``build_in_child`` (the environment naming the database, see
        :mod:`tourroute.routes.snapshot_build`), a graph not yet saved is built by a child
        process, so this one stays responsive and small.
        """
        self._snapshots = directory
        self._child_env = dict(build_in_child) if build_in_child is not None else None

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
                found = self._obtain(session, version)
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
                graph = self._obtain(session, version)
                graph.router.warm()  # requests switch to it with its metrics ready
                self._store(graph)
        except Exception:  # the next request that sees the change starts another build
            log.exception("background road graph rebuild failed")

    def _obtain(self, session: Session, version: str) -> NetworkGraph:
        """The graph of ``version``: from its snapshot if there is one, else built (and
        then saved, and memory-mapped back so this worker shares its pages too)."""
        directory = self._snapshots
        latest = self._latest
        if directory is None:
            return self._build(session, version, latest.road if latest else None)
        with _file_lock(directory / ".build.lock"):
            road = RoadGraph.load(directory / version)
            if road is not None:
                started = time.perf_counter()
                graph = _network_graph(session, version, road)
                log.info(
                    "road graph %s loaded from its snapshot: %d nodes, %d arcs in %.2f s",
                    version,
                    road.node_count,
                    road.arc_count,
                    time.perf_counter() - started,
                )
                return graph
            if self._child_env is not None:
                road = self._build_in_child(directory, version, latest)
                if road is not None:
                    _prune(directory, keep=self._keep + 1)
                    return _network_graph(session, version, road)
            built = self._build(session, version, latest.road if latest else None)
            try:
                shutil.rmtree(directory / version, ignore_errors=True)  # an outdated format
                built.road.save(directory / version)
                _prune(directory, keep=self._keep + 1)
            except OSError:
                log.exception("could not save the road graph snapshot of %s", version)
                return built
            road = RoadGraph.load(directory / version)
            if road is None:
                return built
            del built  # the arrays in this process's heap: the mapped ones replace them
            graph = _network_graph(session, version, road)
            _give_back_freed_memory()
            return graph

    def _build_in_child(
        self, directory: Path, version: str, latest: NetworkGraph | None
    ) -> RoadGraph | None:
        """Have a child process build and save ``version``; its snapshot, or ``None`` if the
        child failed or built another version (the caller then builds in-process)."""
        command = [sys.executable, "-m", "tourroute.routes.snapshot_build", str(directory)]
        if latest is not None and (directory / latest.version).is_dir():
            command.append(str(directory / latest.version))
        started = time.perf_counter()
        done = subprocess.run(  # noqa: S603 (our own module, our own interpreter)
            command,
            env={**os.environ, **(self._child_env or {})},
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            log.error("road graph build in a child process failed:\n%s", done.stderr[-4000:])
            return None
        road = RoadGraph.load(directory / version)
        if road is not None:
            log.info(
                "road graph %s built by a child process in %.1f s",
                version,
                time.perf_counter() - started,
            )
        return road

    @staticmethod
    def _build(session: Session, version: str, previous: RoadGraph | None = None) -> NetworkGraph:
        """Build the graph of the network ``session`` sees; with the ``previous`` version's
        graph, its CCH node order is carried over when the two share nearly every node."""
        started = time.perf_counter()
        provinces = ProvinceRepository(session).list()
        areas = []
        for p in provinces:
            area = shape_of(p.boundary)
            shapely.prepare(area)
            areas.append((p.code, area))
        road = build_graph(NetworkRepository(session).segment_columns(), provinces=areas)
        if previous is not None:
            order = carried_order(previous, road)
            if order is not None:
                road.arrays["cch_order"] = order
        graph = _network_graph(session, version, road)
        log.info(
            "road graph %s built: %d nodes, %d arcs in %.2f s",
            version,
            road.node_count,
            road.arc_count,
            time.perf_counter() - started,
        )
        return graph


def _network_graph(session: Session, version: str, road: RoadGraph) -> NetworkGraph:
    repo = NetworkRepository(session)
    return NetworkGraph(
        version=version,
        road=road,
        router=Router(road),
        corridor_names={c.slug: (c.name_vi, c.name_en) for c in repo.corridors()},
        province_names={p.code: (p.name_vi, p.name_en) for p in ProvinceRepository(session).list()},
    )


def _give_back_freed_memory() -> None:
    """Hand the heap a build freed back to the system.

    glibc keeps freed memory for reuse: a worker that built the complete network stayed at
    ~700 MiB resident after switching to the memory-mapped snapshot, against ~220 MiB once
    trimmed.  Not glibc (no ``malloc_trim``): nothing to do.
    """
    gc.collect()  # the build's cyclic garbage first
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock shared by every process that uses ``path`` (flock)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _prune(directory: Path, keep: int) -> None:
    """Delete all but the ``keep`` newest snapshots (a worker still mapping a deleted one
    keeps its pages until it lets go)."""
    snapshots = sorted(
        (d for d in directory.iterdir() if d.is_dir() and not d.name.startswith(".")),
        key=lambda d: d.stat().st_mtime,
        reverse=True,
    )
    for old in snapshots[keep:]:
        shutil.rmtree(old, ignore_errors=True)
