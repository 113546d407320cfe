"""The request is the unit of work: one session per request, committed or rolled back here."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker


def make_sessionmaker(bind: Engine | Connection) -> sessionmaker[Session]:
    return sessionmaker(bind=bind, expire_on_commit=False)


def get_session(request: Request) -> Iterator[Session]:
    """Yield a session; commit if the handler succeeded, roll back if it raised."""
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
