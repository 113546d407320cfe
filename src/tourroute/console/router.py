"""Serve the built web console: ``/`` → index.html, ``/assets/…`` → hashed, immutable files.

The console is built from ``src/web`` by ``make console`` (Vite) into ``static/`` beside
this module. ``index.html`` is never cached (it names the current hashed assets); the
assets are immutable (their names change with their content). Without a build, ``/``
answers a 503 problem saying how to build it. Two small JSON documents feed the page:
``/console-config.json`` (the optional base-map tile URL and the corridors' names) and
``/console-whoami.json`` (who the bearer token belongs to, for the curation screen).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from tourroute.accounts.deps import CurrentActor
from tourroute.accounts.repository import AccountRepository
from tourroute.db.session import DbSession
from tourroute.errors import NotFound, ServiceUnavailable
from tourroute.network.repository import NetworkRepository

__all__ = ["ConsoleSettings", "router"]

DEFAULT_STATIC_DIR = Path(__file__).resolve().parent / "static"
_IMMUTABLE = "public, max-age=31536000, immutable"
_NO_CACHE = "no-cache"


class ConsoleSettings(BaseSettings):
    """Settings of the console (``TOURROUTE_CONSOLE_*``)."""

    model_config = SettingsConfigDict(
        env_prefix="TOURROUTE_CONSOLE_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    tile_url: str | None = Field(
        default=None,
        description="Optional base map for production: an XYZ raster template with {z}/{x}/{y} "
        "or a MapLibre style URL. Default none: the map draws only the service's own data "
        "(province outlines, roads, sites), so it works offline.",
    )
    tile_attribution: str = Field(default="", description="Attribution of the tile URL.")
    static_dir: Path = Field(default=DEFAULT_STATIC_DIR, description="The built console.")


def get_console_settings(request: Request) -> ConsoleSettings:
    """Per app: tests may put their own ``ConsoleSettings`` on ``app.state.console_settings``."""
    settings: ConsoleSettings | None = getattr(request.app.state, "console_settings", None)
    if settings is None:
        settings = ConsoleSettings()
        request.app.state.console_settings = settings
    return settings


ConsoleConfig = Annotated[ConsoleSettings, Depends(get_console_settings)]

router = APIRouter(tags=["console"])


def _index(settings: ConsoleSettings) -> Path:
    index = settings.static_dir / "index.html"
    if not index.is_file():
        raise ServiceUnavailable(
            f"console not built: run make console (no {index.name} in {settings.static_dir})"
        )
    return index


@router.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
def console_index(settings: ConsoleConfig) -> Response:
    return FileResponse(
        _index(settings), media_type="text/html", headers={"Cache-Control": _NO_CACHE}
    )


@router.api_route("/index.html", methods=["GET", "HEAD"], include_in_schema=False)
def console_index_html(settings: ConsoleConfig) -> Response:
    return console_index(settings)


@router.api_route("/assets/{name:path}", methods=["GET", "HEAD"], include_in_schema=False)
def console_asset(name: str, settings: ConsoleConfig) -> Response:
    assets = (settings.static_dir / "assets").resolve()
    path = (assets / name).resolve()
    if not path.is_relative_to(assets) or not path.is_file():
        raise NotFound(f"no console asset '{name}'")
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": _IMMUTABLE})


@router.api_route("/favicon.svg", methods=["GET", "HEAD"], include_in_schema=False)
def console_favicon(settings: ConsoleConfig) -> Response:
    path = settings.static_dir / "favicon.svg"
    if not path.is_file():
        raise NotFound("no favicon")
    return FileResponse(
        path, media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"}
    )


@router.get("/console-config.json", include_in_schema=False)
def console_config(settings: ConsoleConfig, session: DbSession) -> JSONResponse:
    corridors = [
        {"slug": c.slug, "name_vi": c.name_vi, "name_en": c.name_en}
        for c in NetworkRepository(session).corridors()
    ]
    body: dict[str, Any] = {
        "tile_url": settings.tile_url or None,
        "tile_attribution": settings.tile_attribution,
        "corridors": corridors,
    }
    return JSONResponse(body, headers={"Cache-Control": _NO_CACHE})


@router.get("/console-whoami.json", include_in_schema=False)
def console_whoami(actor: CurrentActor, session: DbSession) -> JSONResponse:
    principal = AccountRepository(session).principal_by_name(actor.name)
    agency = principal.agency.slug if principal is not None and principal.agency else None
    body = {
        "name": actor.name,
        "role": actor.role.value,
        "province": actor.province_code,
        "agency": agency,
        "scope": actor.scope,
    }
    return JSONResponse(body, headers={"Cache-Control": "private, no-store"})
