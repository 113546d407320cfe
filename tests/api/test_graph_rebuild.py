"""A network change never blocks route requests: the new graph is built in the background
while requests keep the previous one, and ``/readyz`` tells when a graph is ready.

These tests run on a SpatiaLite database of their own: the rebuild reads what is
*committed*, in a session of its own, which the shared test database (every test inside
one rolled-back transaction) cannot show.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tests.conftest import SEED_DIR
from tourroute.app import create_app
from tourroute.config import Settings
from tourroute.db import migrate
from tourroute.db.engine import create_db_engine
from tourroute.network.models import RoadSegment
from tourroute.routes.graph_cache import GraphCache, NetworkGraph
from tourroute.routing.graph import RoadGraph
from tourroute.seed import load_seed

ROUTE = "/v1/routes?from=thanh-nha-ho&to=kim-lien"
WAIT_S = 60.0  # an upper bound for a seeded graph's build on a busy machine, never reached


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("rebuild")
    settings = Settings(data_dir=data_dir, database_url="", seed_dir=SEED_DIR)
    migrate.upgrade(settings)
    engine = create_db_engine(settings)
    with Session(engine) as session, session.begin():
        load_seed(session, SEED_DIR)
    engine.dispose()
    return data_dir


class GatedBuilds:
    """Holds every graph build at a gate until the test opens it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.started = threading.Event()
        self.gate = threading.Event()
        original = GraphCache._build

        def gated(
            session: Session, version: str, previous: RoadGraph | None = None
        ) -> NetworkGraph:
            self.started.set()
            assert self.gate.wait(WAIT_S), "the test never opened the gate"
            return original(session, version, previous)

        monkeypatch.setattr(GraphCache, "_build", staticmethod(gated))


def _app(data_dir: Path, **settings: Any) -> TestClient:
    return TestClient(
        create_app(
            Settings(
                data_dir=data_dir,
                database_url="",
                seed_dir=SEED_DIR,
                rate_limit_enabled=False,
                # Builds are what these tests hold at a gate: no snapshot may stand in for one.
                **({"graph_rebuild": "background", "graph_snapshots": False} | settings),
            )
        )
    )


def _change_the_network(client: TestClient) -> None:
    """A committed edit, as a curator's would be: one segment's scenic rating."""
    factory = _state(client).sessionmaker
    with factory() as session, session.begin():
        first = session.scalars(select(RoadSegment.id).order_by(RoadSegment.id)).first()
        session.execute(
            update(RoadSegment).where(RoadSegment.id == first).values(scenic=RoadSegment.scenic + 1)
        )


def _state(client: TestClient) -> Any:
    return cast(FastAPI, client.app).state


def _until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.fixture
def client(seeded: Path) -> Iterator[TestClient]:
    with _app(seeded) as client:
        yield client


def test_a_route_request_is_answered_while_the_new_graph_is_built(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = client.get(ROUTE)
    assert first.status_code == 200
    old_version = first.json()["network_version"]
    cache: GraphCache = _state(client).graph_cache

    builds = GatedBuilds(monkeypatch)
    _change_the_network(client)

    # The build of the new version is held at the gate; the request must not wait for it.
    during = client.get(ROUTE)
    assert builds.started.wait(WAIT_S), "no rebuild started after the network changed"
    assert not builds.gate.is_set()
    assert during.status_code == 200
    assert during.json()["network_version"] == old_version
    assert during.json()["routes"][0]["distance_m"] == first.json()["routes"][0]["distance_m"]
    ready = client.get("/readyz").json()
    assert ready["road_graph"] == "ready"
    assert ready["road_graph_rebuilding"] is True

    # Concurrent requests meanwhile: none waits for the build either.
    answers: list[int] = []
    threads = [
        threading.Thread(target=lambda: answers.append(client.get(ROUTE).status_code))
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT_S)
    assert answers == [200] * 4
    assert not builds.gate.is_set()

    builds.gate.set()
    _until(lambda: not cache.rebuilding, "the rebuild to finish")
    after = client.get(ROUTE).json()
    assert after["network_version"] != old_version
    assert client.get("/readyz").json()["road_graph_rebuilding"] is False


def test_readyz_waits_for_the_preloaded_graph(
    seeded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds = GatedBuilds(monkeypatch)
    with _app(seeded, preload_graph=True) as client:
        assert builds.started.wait(WAIT_S)
        not_yet = client.get("/readyz")
        assert not_yet.status_code == 503
        assert "road graph" in not_yet.json()["detail"]
        builds.gate.set()
        _until(lambda: client.get("/readyz").status_code == 200, "the graph to be ready")
        assert client.get("/readyz").json()["road_graph"] == "ready"


def test_without_preloading_readyz_says_the_graph_is_built_on_demand(seeded: Path) -> None:
    with _app(seeded, preload_graph=False) as client:
        body = client.get("/readyz").json()
        assert body["road_graph"] == "on-demand"
        assert client.get(ROUTE).status_code == 200
        assert client.get("/readyz").json()["road_graph"] == "ready"


def test_a_graph_without_a_snapshot_is_built_by_a_child_process(
    seeded: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The worker waits for a child that builds and saves the graph, then maps the snapshot:
    a build holding the interpreter lock for ~20 s (the complete network) made uvicorn's
    supervisor kill the worker, which then started the build again, forever."""
    shutil.rmtree(seeded / "graphs", ignore_errors=True)
    caplog.set_level(logging.INFO, logger="tourroute.routes.graph_cache")
    with _app(
        seeded, graph_snapshots=True, graph_build_in_child=True, graph_rebuild="inline"
    ) as client:
        assert client.get(ROUTE).status_code == 200
        graph = _state(client).graph_cache._latest
        assert (seeded / "graphs" / graph.version / "meta.json").is_file()
        assert "built by a child process" in caplog.text
        # The arrays are the saved files' pages, not this process's own memory.
        assert not graph.road.arrays["tail"].flags.owndata
    # A second app (a restart, or another worker) loads the snapshot: no child this time.
    caplog.clear()
    with _app(seeded, graph_snapshots=True, graph_build_in_child=True) as client:
        assert client.get(ROUTE).status_code == 200
        assert "loaded from its snapshot" in caplog.text
        assert "built by a child process" not in caplog.text
