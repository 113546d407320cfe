"""Recording writes and reading them back within the reader's scope."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC
from typing import Any

from sqlalchemy.orm import Session

from tourroute.accounts.authorization import AuditVisibility
from tourroute.accounts.domain import Actor
from tourroute.audit.models import AuditEntry
from tourroute.audit.repository import AuditFilters, AuditRepository
from tourroute.audit.schemas import AuditEntryRead, AuditResource

__all__ = ["CLI_PRINCIPAL", "AuditLog", "AuditPageResult", "to_read"]

CLI_PRINCIPAL = "cli"


@dataclass(frozen=True)
class AuditPageResult:
    items: list[AuditEntryRead]
    last_id: int | None  # position for the next page, or None on the last page


def to_read(entry: AuditEntry) -> AuditEntryRead:
    return AuditEntryRead(
        id=entry.id,
        at=entry.at,  # LocalDateTime: +07:00 whatever the backend hands back
        principal=entry.principal_name,
        role=entry.role,
        action=entry.action,
        resource=AuditResource(type=entry.resource_type, id=entry.resource_id),
        province=entry.province_code,
        before=entry.before,
        after=entry.after,
    )


class AuditLog:
    """Adds entries to the caller's session, so each commits (or not) with its change."""

    def __init__(self, session: Session) -> None:
        self.repo = AuditRepository(session)

    def record(
        self,
        actor: Actor | None,
        action: str,
        resource_type: str,
        resource_id: str,
        *,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        province_code: str | None = None,
        agency_id: int | None = None,
        system_name: str = CLI_PRINCIPAL,
    ) -> AuditEntry:
        """Add one entry; a write with no actor is a command's, named ``system_name``."""
        entry = AuditEntry(
            principal_id=None if actor is None else actor.id,
            principal_name=system_name if actor is None else actor.name,
            role=None if actor is None else actor.role.value,
            action=action,
            resource_type=resource_type,
            resource_id=resource_id,
            province_code=province_code,
            agency_id=agency_id,
            before=before,
            after=after,
        )
        self.repo.add(entry)
        return entry

    def page(
        self,
        visibility: AuditVisibility,
        filters: AuditFilters,
        before_id: int | None,
        limit: int,
    ) -> AuditPageResult:
        if filters.since is not None:
            # SQLite stores naive UTC; compare in UTC on both backends.
            filters = replace(filters, since=filters.since.astimezone(UTC))
        if not visibility.everything:
            filters = replace(filters, province_code=visibility.province_code)
        rows = self.repo.page(filters, before_id, limit + 1)
        items = [to_read(row) for row in rows[:limit]]
        last_id = items[-1].id if len(rows) > limit else None
        return AuditPageResult(items, last_id)
