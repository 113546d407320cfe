"""``GET /v1/me``: who the bearer token belongs to, so a client can show it and scope its UI.

A curator's screens offer only their province's sites, an agency's only its own tours; the
server enforces both anyway (tourroute.accounts.authorization), this only tells the client.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from tourroute.accounts.deps import CurrentActor
from tourroute.accounts.domain import Role
from tourroute.accounts.service import AccountService
from tourroute.api.deps import AppSettings, DbSession

__all__ = ["router"]

router = APIRouter(tags=["accounts"])


class Me(BaseModel):
    name: str = Field(description="the principal's name")
    role: Role
    province: str | None = Field(description="ISO 3166-2 code, for curators")
    agency: str | None = Field(description="agency slug, for agency principals")
    scope: str = Field(description="what the principal may change, in words")


@router.get(
    "/v1/me",
    response_model=Me,
    summary="The principal behind the bearer token",
    responses={401: {"description": "no, unknown, expired or revoked token"}},
)
def get_me(actor: CurrentActor, session: DbSession, settings: AppSettings) -> JSONResponse:
    me = Me(
        name=actor.name,
        role=actor.role,
        province=actor.province_code,
        agency=AccountService(session, settings.token_secret).agency_of(actor.name),
        scope=actor.scope,
    )
    return JSONResponse(me.model_dump(mode="json"), headers={"Cache-Control": "private, no-store"})
