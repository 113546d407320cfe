"""FastAPI dependency: ``Authorization: Bearer <token>`` → the acting principal."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from tourroute.accounts.domain import Actor
from tourroute.accounts.errors import Unauthorized
from tourroute.accounts.service import AccountService
from tourroute.api.deps import AppSettings
from tourroute.db.session import DbSession

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearerToken",
    description="An API token issued by `tourroute accounts issue-token NAME`.",
)


def require_actor(
    session: DbSession,
    settings: AppSettings,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    """The authenticated actor; 401 problem+json with ``WWW-Authenticate: Bearer`` if none."""
    if credentials is None:
        raise Unauthorized("send 'Authorization: Bearer <token>'", invalid_token=False)
    return AccountService(session, settings.token_secret).authenticate(credentials.credentials)


CurrentActor = Annotated[Actor, Depends(require_actor)]
