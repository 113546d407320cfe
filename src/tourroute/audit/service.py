"""Reading the audit trail back within the reader's scope (writes go through
:class:`tourroute.db.audit.AuditTrail`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC

from sqlalchemy.orm import Session

from tourroute.accounts.authorization import (
    Action,
    AuditVisibility,
    ProvinceResource,
    audit_visibility,
    authorize,
)
from tourroute.accounts.domain import Actor
from tourroute.audit.repository import AuditFilters, AuditRepository
from tourroute.audit.schemas import AuditEntryRead, AuditResource
from tourroute.db.audit import AuditEntry

__all__ = ["AuditLog", "AuditPageResult", "to_read"]


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
    """Pages of the trail, filtered to what the reader may see."""

    def __init__(self, session: Session) -> None:
        self.repo = AuditRepository(session)

    @staticmethod
    def visibility(actor: Actor, province: str | None = None) -> AuditVisibility:
        """What ``actor`` may read of the trail, refusing a ``province`` filter they may not.

        Parameters
        ----------
        actor
            The authenticated reader.
        province
            The ``province`` filter of the request, if any.

        Returns
        -------
        AuditVisibility
            Everything (admins) or the curator's province: the scope of :meth:`page`.

        Raises
        ------
        Forbidden
            Agencies, which read no audit entries, and a curator filtering on another
            province (403).
        """
        visibility = audit_visibility(actor)
        if province is not None:
            authorize(actor, Action.audit_read, ProvinceResource(province))
        return visibility

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
