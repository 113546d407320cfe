"""Liveness and readiness probes."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine, text

from tourroute.api.openapi import problem_responses
from tourroute.errors import ServiceUnavailable

router = APIRouter(tags=["operations"])


class Readiness(BaseModel):
    """``GET /readyz``: the database answers and holds the schema."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["ready"]
    database: Literal["ok"]
    provinces: int = Field(description="provinces in the database (a query that needs the schema)")


@router.get("/healthz", summary="The process is up")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Ready to serve: the database answers and holds the schema",
    response_model=Readiness,
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
    ready = Readiness(status="ready", database="ok", provinces=provinces)
    return JSONResponse(ready.model_dump(mode="json"))
