"""The request is the unit of work: one session per request, committed or rolled back here."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from tourroute.db.engine import WRITE_OPTION

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def make_sessionmaker(bind: Engine | Connection) -> sessionmaker[Session]:
    return sessionmaker(bind=bind, expire_on_commit=False)


def get_session(request: Request) -> Iterator[Session]:
    """Yield a session; commit if the handler succeeded, roll back if it raised."""
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    with factory() as session:
        if request.method not in SAFE_METHODS:
            # Begin now, flagged as a write (SQLite takes its write lock: see db/engine.py).
            session.connection(execution_options={WRITE_OPTION: True})
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


# scope="function": commit before the response leaves, so a failed commit is never a lie.
DbSession = Annotated[Session, Depends(get_session, scope="function")]
