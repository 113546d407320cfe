"""Application factory: ``create_app(settings)``; run with ``uvicorn --factory``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from tourroute import __version__
from tourroute.accounts.router import router as accounts_router
from tourroute.api.docs import install_docs
from tourroute.api.errors import install_error_handlers
from tourroute.api.paging import CursorCodec
from tourroute.audit.router import router as audit_router
from tourroute.basemap.router import router as basemap_router
from tourroute.config import Settings
from tourroute.console.router import router as console_router
from tourroute.db.engine import create_db_engine
from tourroute.db.session import make_sessionmaker
from tourroute.health import router as health_router
from tourroute.itineraries.router import router as itineraries_router
from tourroute.network.router import router as network_router
from tourroute.offline.router import router as offline_router
from tourroute.ogc.router import router as ogc_router
from tourroute.routes.graph_cache import GraphCache
from tourroute.routes.router import router as routes_router
from tourroute.serving.install import close_edge, install_edge, preload_graph
from tourroute.sites.province_router import router as provinces_router
from tourroute.sites.router import curation_router
from tourroute.sites.router import router as sites_router
from tourroute.sync.router import router as sync_router
from tourroute.tours.router import router as tours_router

DESCRIPTION = """
Tourism route planner and tour catalogue for **Thanh Hóa, Nghệ An and Hà Tĩnh** —
"three localities, one destination".

Coordinates are WGS84 in **lon,lat** order; distances in metres. Errors are RFC 9457
`application/problem+json`. Lists are paged with `limit` and an opaque `cursor`; every GET
carries an `ETag` and answers `If-None-Match` with 304. Map data © OpenStreetMap
contributors (ODbL); province outlines from geoBoundaries.
"""


def create_app(settings: Settings | None = None, graph_cache: GraphCache | None = None) -> FastAPI:
    """The service; ``graph_cache`` lets several apps share built road graphs (tests)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_db_engine(settings)
        app.state.engine = engine
        app.state.sessionmaker = make_sessionmaker(engine)
        if settings.graph_rebuild == "background":
            app.state.graph_cache.bind(app.state.sessionmaker)
        if settings.graph_snapshots:
            child_env = (
                {
                    "TOURROUTE_DATABASE_URL": settings.effective_database_url,
                    "TOURROUTE_DATA_DIR": str(settings.data_dir),
                }
                if settings.graph_build_in_child
                else None
            )
            app.state.graph_cache.persist_in(settings.data_dir / "graphs", child_env)
        if settings.preload_graph:
            preload_graph(app.state.graph_cache, app.state.sessionmaker)
        try:
            yield
        finally:
            close_edge(app)
            engine.dispose()

    app = FastAPI(
        title="tourroute",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served from local assets by install_docs (tourroute.api.docs)
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.cursor_codec = CursorCodec(settings.cursor_secret)
    app.state.graph_cache = graph_cache or GraphCache()
    install_error_handlers(app)
    install_edge(app, settings)
    app.include_router(health_router)
    app.include_router(provinces_router)
    app.include_router(sites_router)
    app.include_router(routes_router)
    app.include_router(network_router)
    app.include_router(itineraries_router)
    app.include_router(tours_router)
    app.include_router(offline_router)
    app.include_router(curation_router)
    app.include_router(accounts_router)
    app.include_router(audit_router)
    app.include_router(ogc_router)
    app.include_router(sync_router)
    app.include_router(basemap_router)
    app.include_router(console_router)
    install_docs(app)
    return app
