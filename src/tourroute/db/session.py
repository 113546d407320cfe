"""The request is the unit of work: one session per request, committed or rolled back here."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
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


def get_session(request: Request) -> Iterator[Session]:
    """Yield a session; commit if the handler succeeded, roll back if it raised.

    No write lock is taken up front, whatever the method: the handler reads and computes
    (routing, planning, validation) in a plain read transaction, and SpatiaLite's write
    lock is taken only at the first write statement, for the final inserts and updates
    (see ``db/engine.py``). A read-only POST such as ``/v1/matrix`` never takes it.
    """
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    with factory() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


# scope="function": commit before the response leaves, so a failed commit is never a lie.
DbSession = Annotated[Session, Depends(get_session, scope="function")]
