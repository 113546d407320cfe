"""API schemas of the audit log."""

from __future__ import annotations

from pydantic import BaseModel, Field

from tourroute.localtime import LocalDateTime, LocalDocument


class AuditResource(BaseModel):
    type: str = Field(examples=["site"])
    id: str = Field(examples=["thanh-nha-ho"])


class AuditEntryRead(BaseModel):
    id: int
    at: LocalDateTime = Field(description="When the change was committed (ISO 8601, +07:00)")
    principal: str = Field(description="Name of the principal who acted; 'cli' for the CLI")
    role: str | None
    action: str = Field(examples=["site.update"])
    resource: AuditResource
    province: str | None = Field(description="Province whose resource it is, if any")
    # As recorded, with its timestamps re-expressed in +07:00 (older entries have UTC ones).
    before: LocalDocument | None = Field(description="The resource before (null: created)")
    after: LocalDocument | None = Field(description="The resource after (null: deleted)")


class AuditLink(BaseModel):
    rel: str
    href: str


class AuditPage(BaseModel):
    items: list[AuditEntryRead]
    count: int
    limit: int
    next: str | None
    links: list[AuditLink]
