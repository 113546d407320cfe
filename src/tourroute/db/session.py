"""Sessions: the factory, and the write lock batch writers take first.

The request's unit of work (one session per request, committed or rolled back) is the HTTP
kit's :func:`tourroute.api.deps.get_session`."""

from __future__ import annotations

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from tourroute.db.engine import WRITE_OPTION


def make_sessionmaker(bind: Engine | Connection) -> sessionmaker[Session]:
    return sessionmaker(bind=bind, expire_on_commit=False)


def take_write_lock(session: Session) -> None:
    """Begin ``session``'s transaction as a writer (SQLite: ``BEGIN IMMEDIATE``, waiting for
    the busy timeout). For batch writers such as the seed and the imports, which read and
    write throughout one long transaction: with the lock taken first, no other writer can
    overtake their reads. Must be called before the session's first statement."""
    session.connection(execution_options={WRITE_OPTION: True})
