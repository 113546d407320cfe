"""Typed access to what the app's lifespan built (settings, cursor codec)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

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
