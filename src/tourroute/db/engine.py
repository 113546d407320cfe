"""Engine construction for SpatiaLite (embedded default) and PostGIS (production).

Every difference in how the two backends are *connected* lives here; differences in
spatial SQL live in :mod:`tourroute.db.spatial`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import sqlean
from geoalchemy2 import load_spatialite
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from tourroute.config import Settings

# GeoAlchemy2 ships this helper untyped; give it the signature we rely on.
_load_spatialite: Callable[..., None] = load_spatialite


def create_db_engine(settings: Settings, **kwargs: Any) -> Engine:
    """Create the engine for the configured URL; SpatiaLite is loaded on every connection."""
    url = make_url(settings.effective_database_url)
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(settings, url.render_as_string(hide_password=False), **kwargs)
    connect_args = {"connect_timeout": max(1, int(settings.db_connect_timeout_s))}
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)


WRITE_OPTION = "tourroute_write"  # execution option: this transaction will write


def _sqlite_engine(settings: Settings, url: str, **kwargs: Any) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        os.makedirs(os.path.dirname(os.path.abspath(database)) or ".", exist_ok=True)
    # GeoAlchemy2 reads the library name from the environment.
    os.environ.setdefault("SPATIALITE_LIBRARY_PATH", settings.spatialite_library)
    engine = create_engine(
        url,
        module=sqlean.dbapi2,
        poolclass=NullPool if database in (None, "", ":memory:") else None,
        connect_args={"timeout": settings.db_connect_timeout_s * 10, "check_same_thread": False},
        **kwargs,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        _load_spatialite(dbapi_connection, transaction=True)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()
        # Let SQLAlchemy, not the driver, decide when transactions begin, so that
        # SAVEPOINTs (nested transactions, per-test rollback) work as documented.
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Writes take SQLite's write lock up front: a second writer then waits for the first
        # to commit and reads fresh rows (its If-Match check answers 412), instead of
        # failing at its first write on a stale snapshot ("database is locked").
        write = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def backend_name(engine: Engine) -> str:
    """``"spatialite"`` or ``"postgis"``: the name tests and helpers branch on."""
    return "spatialite" if engine.dialect.name == "sqlite" else "postgis"
