"""HTTP endpoint of the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from tourroute.accounts.deps import CurrentActor
from tourroute.api.deps import Cursors, DbSession
from tourroute.api.http import cached_json
from tourroute.api.openapi import problem_responses
from tourroute.api.paging import CursorPaging
from tourroute.audit.repository import AuditFilters
from tourroute.audit.schemas import AuditPage
from tourroute.audit.service import AuditLog
from tourroute.errors import InvalidParameter
from tourroute.i18n import messages as msgs
from tourroute.localtime import as_local_instant

router = APIRouter(prefix="/v1/audit", tags=["audit"])

RESOURCE_TYPES = ("site", "tour", "segment", "principal", "token", "agency")


def _parse_resource(raw: str | None) -> tuple[str | None, str | None]:
    if raw is None:
        return None, None
    kind, _, key = raw.partition(":")
    if kind not in RESOURCE_TYPES:
        raise InvalidParameter(
            "resource", msgs.AUDIT_RESOURCE_SHAPE(types=", ".join(RESOURCE_TYPES))
        )
    return kind, key or None


@router.get(
    "",
    response_model=AuditPage,
    summary="The write log (admins: all; curators: their province)",
    description=(
        "Every write with who, when, what and the resource before and after, newest first. "
        "Admins see everything; a curator sees the entries of their province's resources. "
        "`since` without an offset is read as Vietnam time (+07:00)."
    ),
    responses=problem_responses(401, 403, 422),
)
def list_audit(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    cursors: Cursors,
    resource: Annotated[
        str | None,
        Query(
            max_length=160,
            description="TYPE or TYPE:ID, e.g. site or site:thanh-nha-ho",
            openapi_examples={"site": {"value": "site:thanh-nha-ho"}},
        ),
    ] = None,
    principal: Annotated[str | None, Query(max_length=120, description="principal name")] = None,
    action: Annotated[
        str | None, Query(max_length=64, openapi_examples={"publish": {"value": "site.publish"}})
    ] = None,
    province: Annotated[str | None, Query(pattern=r"^VN-[0-9]{2}$")] = None,
    since: Annotated[
        datetime | None, Query(openapi_examples={"day": {"value": "2026-11-22T00:00:00+07:00"}})
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
) -> Response:
    log = AuditLog(session)
    visibility = log.visibility(actor, province)
    resource_type, resource_id = _parse_resource(resource)
    if since is not None:  # without an offset: Vietnam time
        since = as_local_instant(since)
    filters = AuditFilters(
        resource_type=resource_type,
        resource_id=resource_id,
        principal_name=principal,
        action=action,
        since=since,
        province_code=province,
    )
    paging = CursorPaging(
        request,
        cursors,
        cursor,
        {
            "resource": resource,
            "principal": principal,
            "action": action,
            "province": province,
            "since": since.isoformat() if since else None,
            "scope": visibility.province_code,
        },
    )
    # Newest first: a page continues below the id of the previous page's last entry.
    page = log.page(visibility, filters, paging.position, limit)
    links = paging.page_links(page.last_id)
    items = [item.model_dump(mode="json") for item in page.items]
    return cached_json(
        request,
        links.envelope(items, limit),  # AuditPage
        headers={"Cache-Control": "private, no-cache", "Vary": "Authorization", **links.headers},
    )
