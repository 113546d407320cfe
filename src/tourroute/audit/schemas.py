"""API schemas of the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class AuditResource(BaseModel):
    type: str = Field(examples=["site"])
    id: str = Field(examples=["thanh-nha-ho"])


class AuditEntryRead(BaseModel):
    id: int
    at: datetime = Field(description="When the change was committed (ISO 8601, +07:00)")
    principal: str = Field(description="Name of the principal who acted; 'cli' for the CLI")
    role: str | None
    action: str = Field(examples=["site.update"])
    resource: AuditResource
    province: str | None = Field(description="Province whose resource it is, if any")
    before: dict[str, Any] | None = Field(description="The resource before (null: created)")
    after: dict[str, Any] | None = Field(description="The resource after (null: deleted)")


class AuditLink(BaseModel):
    rel: str
    href: str


class AuditPage(BaseModel):
    items: list[AuditEntryRead]
    count: int
    limit: int
    next: str | None
    links: list[AuditLink]
