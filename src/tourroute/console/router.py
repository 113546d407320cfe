"""Serve the built web console: ``/`` → index.html, ``/assets/…`` → hashed, immutable files.

The console is built from ``src/web`` by ``make console`` (Vite) into ``static/`` beside
this module (``Settings.console_dir``). ``index.html`` is never cached (it names the current
hashed assets); the assets are immutable (their names change with their content). Without a
build, ``/`` answers a 503 problem saying how to build it. ``/console-config.json`` gives the
page its deployment settings (the shipped vector base map's style, or the production
tile URL that overrides it, and where our map glyphs are); everything else the page
reads is the public API (``/v1/…``), the same any other client uses.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from fastapi.responses import FileResponse, JSONResponse, Response

from tourroute.api.deps import AppSettings
from tourroute.config import Settings
from tourroute.errors import NotFound, ServiceUnavailable
from tourroute.i18n import messages as msgs

__all__ = ["router"]

_IMMUTABLE = "public, max-age=31536000, immutable"
_NO_CACHE = "no-cache"

router = APIRouter(tags=["console"])


def _index(settings: Settings) -> Path:
    index = settings.console_dir / "index.html"
    if not index.is_file():
        raise ServiceUnavailable(
            msgs.CONSOLE_NOT_BUILT(index=index.name, directory=settings.console_dir)
        )
    return index


@router.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
def console_index(settings: AppSettings) -> Response:
    return FileResponse(
        _index(settings), media_type="text/html", headers={"Cache-Control": _NO_CACHE}
    )


@router.api_route("/index.html", methods=["GET", "HEAD"], include_in_schema=False)
def console_index_html(settings: AppSettings) -> Response:
    return console_index(settings)


@router.api_route("/assets/{name:path}", methods=["GET", "HEAD"], include_in_schema=False)
def console_asset(name: str, settings: AppSettings) -> Response:
    assets = (settings.console_dir / "assets").resolve()
    path = (assets / name).resolve()
    if not path.is_relative_to(assets) or not path.is_file():
        raise NotFound(msgs.CONSOLE_NO_ASSET(name=name))
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": _IMMUTABLE})


@router.api_route("/favicon.svg", methods=["GET", "HEAD"], include_in_schema=False)
def console_favicon(settings: AppSettings) -> Response:
    path = settings.console_dir / "favicon.svg"
    if not path.is_file():
        raise NotFound(msgs.CONSOLE_NO_FAVICON())
    return FileResponse(
        path, media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"}
    )


@router.get("/console-config.json", include_in_schema=False)
def console_config(settings: AppSettings) -> JSONResponse:
    # The shipped vector base map, unless a production tile URL overrides it or the
    # archive is missing (then the map draws the service's own layers alone).
    basemap = not settings.console_tile_url and settings.effective_basemap_archive.is_file()
    body: dict[str, Any] = {
        "tile_url": settings.console_tile_url or None,
        "tile_attribution": settings.console_tile_attribution,
        "basemap_style": "/tiles/style.json" if basemap else None,
        "glyphs": "/glyphs/{fontstack}/{range}.pbf",
    }
    return JSONResponse(body, headers={"Cache-Control": _NO_CACHE})
