"""``/docs`` (Swagger UI) and ``/redoc`` (ReDoc) that work offline.

FastAPI's own pages load Swagger UI and ReDoc from a CDN, so on a network without one (a
tourism office's LAN, a laptop on the road) they are blank. Here the same pages load their
scripts, stylesheet and favicon from ``/docs-assets/``, served from the copies that the
``fastapi-offline`` package ships (its ``static/`` folder: Swagger UI's dist bundle and
ReDoc's standalone bundle; MIT, Swagger UI itself Apache-2.0, ReDoc MIT). Nothing else of
that package is used.

The app must be created with ``docs_url=None, redoc_url=None``; :func:`install_docs` then
adds the routes and sets ``app.docs_url``/``app.redoc_url`` back, so what reads them (the
OGC landing page's ``service-doc`` link) still finds the pages.
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

__all__ = ["ASSETS_DIR", "ASSETS_URL", "install_docs"]

ASSETS_URL = "/docs-assets"
ASSETS_DIR = Path(fastapi_offline.__file__).resolve().parent / "static"
DOCS_URL = "/docs"
REDOC_URL = "/redoc"


def install_docs(app: FastAPI) -> None:
    """Add ``/docs``, its OAuth2 redirect page, ``/redoc`` and their assets to ``app``."""
    if app.docs_url is not None or app.redoc_url is not None:
        raise ValueError("create the app with docs_url=None, redoc_url=None")
    if not (ASSETS_DIR / "swagger-ui-bundle.js").is_file():  # pragma: no cover - broken install
        raise RuntimeError(f"no Swagger UI assets in {ASSETS_DIR}: reinstall fastapi-offline")
    openapi_url = app.openapi_url or "/openapi.json"
    redirect_url = app.swagger_ui_oauth2_redirect_url

    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="docs-assets")

    def _root(request: Request) -> str:
        root: str = request.scope.get("root_path", "")
        return root.rstrip("/")

    async def swagger_ui(request: Request) -> HTMLResponse:
        root = _root(request)
        return get_swagger_ui_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            oauth2_redirect_url=root + redirect_url if redirect_url else None,
            init_oauth=app.swagger_ui_init_oauth,
            # No badge image from validator.swagger.io (offline, and it would leak the URL).
            swagger_ui_parameters={"validatorUrl": None, **(app.swagger_ui_parameters or {})},
        )

    async def redoc(request: Request) -> HTMLResponse:
        root = _root(request)
        return get_redoc_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            with_google_fonts=False,  # the fonts are another CDN
        )

    app.add_route(DOCS_URL, swagger_ui, include_in_schema=False)
    if redirect_url:

        async def oauth2_redirect(_request: Request) -> HTMLResponse:
            return get_swagger_ui_oauth2_redirect_html()

        app.add_route(redirect_url, oauth2_redirect, include_in_schema=False)
    app.add_route(REDOC_URL, redoc, include_in_schema=False)
    app.docs_url, app.redoc_url = DOCS_URL, REDOC_URL
