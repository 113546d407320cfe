"""Engine construction for SpatiaLite (embedded default) and PostGIS (production).

Every difference in how the two backends are *connected* lives here; differences in
spatial SQL live in :mod:`tourroute.db.spatial`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlean
from geoalchemy2 import load_spatialite
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
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
    kwargs.setdefault("pool_size", settings.db_pool_size)
    kwargs.setdefault("max_overflow", settings.db_pool_size // 2)
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)


WRITE_OPTION = "tourroute_write"  # execution option: this transaction will write
_TXN_KIND = "tourroute_sqlite_txn"  # connection.info key: "read" or "write"
_WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "ALTER", "DROP")


def _is_write(statement: str) -> bool:
    head = statement.lstrip().lstrip("(").lstrip()[:7].upper()
    return head.startswith(_WRITE_VERBS)


def _sqlite_engine(settings: Settings, url: str, **kwargs: Any) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        os.makedirs(os.path.dirname(os.path.abspath(database)) or ".", exist_ok=True)
    # GeoAlchemy2 reads the library name from the environment.
    os.environ.setdefault("SPATIALITE_LIBRARY_PATH", settings.spatialite_library)
    busy_timeout_ms = int(settings.db_busy_timeout_s * 1000)
    engine = create_engine(
        url,
        module=sqlean.dbapi2,
        poolclass=NullPool if database in (None, "", ":memory:") else None,
        connect_args={"timeout": settings.db_busy_timeout_s, "check_same_thread": False},
        **kwargs,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        _load_spatialite(dbapi_connection, transaction=True)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        # Loading mod_spatialite resets the busy handler to its own 5 s: set ours again,
        # last, so the configured wait is the one in force.
        cursor.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
        cursor.close()
        # Let SQLAlchemy, not the driver, decide when transactions begin, so that
        # SAVEPOINTs (nested transactions, per-test rollback) work as documented.
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A transaction starts as a plain (deferred) read: it takes no lock, so reads, long
        # computations (the planner) and read-only POSTs never hold up a writer. A caller
        # that knows it will write may ask for the write lock up front (WRITE_OPTION).
        write = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
        conn.info[_TXN_KIND] = "write" if write else "read"

    @event.listens_for(engine, "before_cursor_execute")
    def _upgrade_to_write(
        conn: Any, _cursor: Any, statement: str, _params: Any, _ctx: Any, _many: bool
    ) -> None:
        # The first write of a read transaction. SQLite cannot upgrade a read snapshot that
        # another writer has overtaken (SQLITE_BUSY_SNAPSHOT, no waiting), so the read
        # transaction ends here and a write transaction starts, waiting for the lock for
        # up to the busy timeout. What was read before may now be stale; that is what the
        # optimistic version column is for: an UPDATE guarded by ``WHERE version = :seen``
        # matches no row and the request answers 412, never a lost update. Inside a
        # SAVEPOINT (tests, nested units of work) the transaction is left as it is.
        if conn.info.get(_TXN_KIND) != "read" or not _is_write(statement):
            return
        conn.info[_TXN_KIND] = "write"
        if conn.in_nested_transaction():
            return
        raw = conn.connection.dbapi_connection
        raw.execute("COMMIT")
        raw.execute("BEGIN IMMEDIATE")

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(conn: Any) -> None:
        conn.info.pop(_TXN_KIND, None)

    return engine


def backend_name(engine: Engine) -> str:
    """``"spatialite"`` or ``"postgis"``: the name tests and helpers branch on."""
    return "spatialite" if engine.dialect.name == "sqlite" else "postgis"


def is_postgresql(session: Session) -> bool:
    """Whether ``session`` is bound to PostgreSQL (PostGIS) rather than SQLite (SpatiaLite).

    Parameters
    ----------
    session
        A session bound to the app's engine.

    Returns
    -------
    bool
        ``True`` on PostgreSQL, ``False`` on SQLite.
    """
    return session.get_bind().dialect.name == "postgresql"


@contextmanager
def lock_wait(session: Session, seconds: float) -> Iterator[None]:
    """Within the block, wait at most ``seconds`` for a lock another writer holds (then
    fail with OperationalError), instead of the configured busy/lock timeout. For
    best-effort bookkeeping writes that must never hold anything up."""
    conn = session.connection()
    millis = int(seconds * 1000)
    if conn.dialect.name != "sqlite":
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = {max(millis, 1)}")
        yield
        return
    raw: Any = conn.connection.dbapi_connection
    previous = raw.execute("PRAGMA busy_timeout").fetchone()[0]
    raw.execute(f"PRAGMA busy_timeout = {millis}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA busy_timeout = {int(previous)}")
