"""Every query about the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from tourroute.db.audit import AuditEntry


@dataclass(frozen=True)
class AuditFilters:
    """A validated audit query; ``since`` is an aware datetime, ``province_code`` a scope."""

    resource_type: str | None = None
    resource_id: str | None = None
    principal_name: str | None = None
    action: str | None = None
    since: datetime | None = None
    province_code: str | None = None


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def page(
        self, filters: AuditFilters, before_id: int | None, limit: int
    ) -> Sequence[AuditEntry]:
        """Newest first; keyset paging on ``id`` so entries written meanwhile shift nothing."""
        conditions: list[ColumnElement[bool]] = []
        if filters.resource_type is not None:
            conditions.append(AuditEntry.resource_type == filters.resource_type)
        if filters.resource_id is not None:
            conditions.append(AuditEntry.resource_id == filters.resource_id)
        if filters.principal_name is not None:
            conditions.append(AuditEntry.principal_name == filters.principal_name)
        if filters.action is not None:
            conditions.append(AuditEntry.action == filters.action)
        if filters.since is not None:
            conditions.append(AuditEntry.at >= filters.since)
        if filters.province_code is not None:
            conditions.append(AuditEntry.province_code == filters.province_code)
        if before_id is not None:
            conditions.append(AuditEntry.id < before_id)
        stmt = select(AuditEntry).where(*conditions).order_by(AuditEntry.id.desc()).limit(limit)
        return self.session.scalars(stmt).all()
