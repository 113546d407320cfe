"""Fixtures: one suite, two backends (SpatiaLite and PostGIS).

The schema is built by the real Alembic migrations and the real seed is loaded once per
backend per session; each test then runs inside a transaction that is rolled back, so tests
never see each other's writes.  PostGIS comes from ``TOURROUTE_TEST_POSTGRES_URL`` (``make
test`` starts it); without it the PostGIS half of the suite *fails* — it is never skipped.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session

from tourroute.api.deps import get_session
from tourroute.app import create_app
from tourroute.config import Settings
from tourroute.db import migrate
from tourroute.db.engine import create_db_engine
from tourroute.models import Base
from tourroute.routes.graph_cache import GraphCache
from tourroute.seed import load_seed

# Graphs are built in-process in the suite (tests change the network and route at once, and
# a child process per build would cost a second each); test_graph_rebuild builds one in a
# child explicitly.  Set before any Settings is made, and inherited by servers the tests start.
os.environ.setdefault("TOURROUTE_GRAPH_BUILD_IN_CHILD", "false")

REPO = Path(__file__).resolve().parents[1]
SEED_DIR = REPO / "seed"
BACKENDS = ("spatialite", "postgis")
# Tests fire hundreds of requests from one address: rate limits are tested on their own
# (tests/api/test_serving.py), not by every test. Tests change the network and route at
# once, so they build a changed network's graph inline; background rebuilds (the default)
# are tested on their own (tests/api/test_graph_rebuild.py).
_SERVING: dict[str, Any] = {"rate_limit_enabled": False, "graph_rebuild": "inline"}


def pytest_sessionstart(session: pytest.Session) -> None:
    """Load the planner's compiled loop before any test runs (compile it, the first time on
    a checkout: ~20 s), so that no request under test pays for it inside its time limit."""
    from tourroute.planning import warm_up

    warm_up()


@dataclass
class Database:
    backend: str
    settings: Settings
    engine: Engine
    # Road graphs are built once per network version and backend, not once per test.
    graph_cache: GraphCache = field(default_factory=GraphCache)


def _postgres_url() -> str:
    url = os.environ.get("TOURROUTE_TEST_POSTGRES_URL")
    if not url:
        pytest.fail(
            "TOURROUTE_TEST_POSTGRES_URL is not set: the suite must run on PostGIS too. "
            "Run `make test`, which starts PostGIS and sets it.",
            pytrace=False,
        )
    return url


def _reset_postgres(engine: Engine) -> None:
    """Drop whatever an earlier run left, so migrations start from an empty schema."""
    with engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture(scope="session", params=BACKENDS)
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    backend: str = request.param
    # Each backend its own data_dir (the SpatiaLite file; offline packs, graph snapshots):
    # never the checkout's data/.
    data_dir = tmp_path_factory.mktemp(backend)
    if backend == "spatialite":
        settings = Settings(data_dir=data_dir, database_url="", seed_dir=SEED_DIR, **_SERVING)
    else:
        url = _postgres_url()
        settings = Settings(data_dir=data_dir, database_url=url, seed_dir=SEED_DIR, **_SERVING)
    engine = create_db_engine(settings)
    if backend == "postgis":
        _reset_postgres(engine)
    migrate.upgrade(settings)
    with Session(engine) as session, session.begin():
        load_seed(session, SEED_DIR)
    yield Database(backend, settings, engine)
    engine.dispose()


@pytest.fixture
def connection(database: Database) -> Iterator[Connection]:
    """A connection inside an outer transaction that is rolled back after the test."""
    with database.engine.connect() as conn:
        outer = conn.begin()
        try:
            yield conn
        finally:
            outer.rollback()


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    """An ORM session whose commits are savepoints inside the test's transaction."""
    with Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    ) as s:
        yield s


def client_of(
    settings: Settings, database: Database, connection: Connection
) -> Iterator[TestClient]:
    """A test client of an app with ``settings`` whose requests commit as savepoints
    inside the test's transaction (a fixture body: ``yield from client_of(...)``)."""
    app = create_app(settings, database.graph_cache)

    def _session() -> Iterator[Session]:
        with Session(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        ) as s:
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise

    app.dependency_overrides[get_session] = _session
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def client(database: Database, connection: Connection) -> Iterator[TestClient]:
    yield from client_of(database.settings, database, connection)
