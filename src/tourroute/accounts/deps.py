"""FastAPI dependency: ``Authorization: Bearer <token>`` → the acting principal."""

from __future__ import annotations

from typing import Annotated

from fastapi import BackgroundTasks, Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from tourroute.accounts.domain import Actor
from tourroute.accounts.service import AccountService, record_token_use, use_is_due
from tourroute.api.deps import AppSettings, DbSession
from tourroute.db.base import utcnow
from tourroute.errors import Unauthorized
from tourroute.i18n import messages as msgs

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearerToken",
    description="An API token issued by `tourroute accounts issue-token NAME`.",
)


def require_actor(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    background: BackgroundTasks,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    """The authenticated actor; 401 problem+json with ``WWW-Authenticate: Bearer`` if none.

    Authentication only reads. The token's ``last_used_at`` (at most once a minute) is
    written after the response, in its own short transaction, so a signed-in GET never
    waits for, or holds, a write lock.
    """
    if credentials is None:
        raise Unauthorized(msgs.SEND_BEARER(), invalid_token=False)
    now = utcnow()
    row = AccountService(session, settings.token_secret).valid_token(credentials.credentials, now)
    if use_is_due(row, now):
        background.add_task(record_token_use, request.app.state.sessionmaker, row.id, now)
    return row.principal.as_actor()


CurrentActor = Annotated[Actor, Depends(require_actor)]
