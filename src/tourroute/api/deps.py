"""Typed access to what the app's lifespan built (settings, cursor codec, sessions); the
request is the unit of work: one session per request, committed or rolled back here."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from tourroute.api.paging import CursorCodec
from tourroute.config import Settings


# async: a plain ``def`` dependency costs a thread-pool round trip on every request.
async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_cursor_codec(request: Request) -> CursorCodec:
    codec: CursorCodec = request.app.state.cursor_codec
    return codec


AppSettings = Annotated[Settings, Depends(get_settings)]
Cursors = Annotated[CursorCodec, Depends(get_cursor_codec)]


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
