"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, text

from tourroute.api.openapi import problem_responses
from tourroute.errors import ServiceUnavailable

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="The process is up")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Ready to serve: the database answers and holds the schema",
    responses=problem_responses(503),
)
def readyz(request: Request) -> JSONResponse:
    engine: Engine = request.app.state.engine
    try:
        with engine.connect() as conn:
            provinces = conn.execute(text("SELECT count(*) FROM provinces")).scalar_one()
    except Exception as exc:
        raise ServiceUnavailable(
            f"database not ready ({type(exc).__name__}); is it running and migrated?"
        ) from None
    return JSONResponse({"status": "ready", "database": "ok", "provinces": provinces})
