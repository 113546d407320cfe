"""Liveness and readiness probes."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine, text

from tourroute.api.openapi import problem_responses
from tourroute.config import Settings
from tourroute.errors import ServiceUnavailable
from tourroute.i18n import messages as msgs
from tourroute.routes.graph_cache import GraphCache

router = APIRouter(tags=["operations"])


class Readiness(BaseModel):
    """``GET /readyz``: the database answers and holds the schema, and the road graph is
    built (or, without ``preload_graph``, will be built by the first route request)."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["ready"]
    database: Literal["ok"]
    provinces: int = Field(description="provinces in the database (a query that needs the schema)")
    road_graph: Literal["ready", "on-demand"] = Field(
        description="`ready`: built, routes answer at once; `on-demand`: the worker does not "
        "preload it, the first route request builds it"
    )
    road_graph_rebuilding: bool = Field(
        description="a newer network version is being built in the background; requests are "
        "answered on the previous one meanwhile (their `network_version` says which)"
    )


@router.get("/healthz", summary="The process is up")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Ready to serve: the database answers, holds the schema, the road graph is built",
    response_model=Readiness,
    responses=problem_responses(503),
)
def readyz(request: Request) -> JSONResponse:
    engine: Engine = request.app.state.engine
    try:
        with engine.connect() as conn:
            provinces = conn.execute(text("SELECT count(*) FROM provinces")).scalar_one()
    except Exception as exc:
        raise ServiceUnavailable(msgs.DATABASE_NOT_READY(error=type(exc).__name__)) from None
    graphs: GraphCache = request.app.state.graph_cache
    settings: Settings = request.app.state.settings
    if not graphs.ready and settings.preload_graph:
        raise ServiceUnavailable(msgs.GRAPH_BUILDING())
    ready = Readiness(
        status="ready",
        database="ok",
        provinces=provinces,
        road_graph="ready" if graphs.ready else "on-demand",
        road_graph_rebuilding=graphs.rebuilding,
    )
    return JSONResponse(ready.model_dump(mode="json"))
