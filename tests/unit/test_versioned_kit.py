"""The persistence kit of versioned resources (tourroute.db.versioned) on a table of its own.

An in-memory SQLite database with one versioned table and the audit log: If-Match, the
transition table, the 409s, the audit entries and a lost race (StaleDataError → 412).
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import Any

import pytest
from pydantic import BaseModel, Field
from sqlalchemy import Integer, String, create_engine, select, update
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from tourroute.db.audit import AuditEntry
from tourroute.db.base import TimestampedVersioned, string_enum
from tourroute.db.versioned import (
    Lifecycle,
    Snapshot,
    VersionedWorkflow,
    validated,
    version_etag,
)
from tourroute.errors import Conflict, InvalidBody, PreconditionFailed, PreconditionRequired
from tourroute.i18n import Text
from tourroute.i18n import messages as msgs


class Status(StrEnum):
    draft = "draft"
    published = "published"
    archived = "archived"


class _Base(DeclarativeBase):
    pass


class Doc(TimestampedVersioned, _Base):
    __tablename__ = "doc"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(32))
    status: Mapped[Status] = mapped_column(string_enum(Status, "doc_status"))


STEPS = {
    "doc.publish": (frozenset({Status.draft}), Status.published),
    "doc.archive": (frozenset({Status.draft, Status.published}), Status.archived),
}
LIFECYCLE = Lifecycle(
    resource_type="doc",
    noun=Text("test.doc", en="test document '{key}'", vi="tài liệu thử '{key}'"),
    noun_cap=Text("test.doc_cap", en="Test document '{key}'", vi="Tài liệu thử '{key}'"),
    steps=STEPS,
    final=Status.archived,
    final_note=Text(
        "test.doc_final", en="archived documents cannot be edited", vi="tài liệu đã lưu trữ"
    ),
    hints={Status.published: msgs.HINT_ARCHIVE_TO_WITHDRAW},
)


class Actor:
    id = 7
    name = "tester"
    role = Status.draft  # any enum: the entry keeps its value


def _snapshot(doc: Doc) -> Snapshot:
    return Snapshot({"title": doc.title, "status": doc.status.value}, province_code="VN-22")


@pytest.fixture
def session() -> Iterator[Session]:
    engine = create_engine("sqlite://")
    _Base.metadata.create_all(engine)
    AuditEntry.__table__.create(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()


def _doc(session: Session) -> tuple[Doc, VersionedWorkflow[str, Status]]:
    doc = Doc(key="d1", title="first", status=Status.draft)
    session.add(doc)
    session.flush()
    return doc, VersionedWorkflow(session, Actor(), LIFECYCLE, _snapshot)


def _tag(doc: Doc) -> str:
    return version_etag(doc.version, b"{}")


def _entries(session: Session) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_a_step_changes_the_status_bumps_the_version_and_is_audited(session: Session) -> None:
    doc, versions = _doc(session)
    seen: list[Status] = []
    versions.transition(doc, "d1", _tag(doc), "doc.publish", then=seen.append)
    assert doc.status is Status.published
    assert doc.version == 2
    assert seen == [Status.draft]
    (entry,) = _entries(session)
    assert (entry.action, entry.resource_type, entry.resource_id) == ("doc.publish", "doc", "d1")
    assert entry.before == {"title": "first", "status": "draft"}
    assert entry.after == {"title": "first", "status": "published"}
    assert (entry.principal_name, entry.province_code) == ("tester", "VN-22")


def test_if_match_is_checked_before_anything_changes(session: Session) -> None:
    doc, versions = _doc(session)
    with pytest.raises(PreconditionRequired, match="test document 'd1' require If-Match"):
        versions.transition(doc, "d1", None, "doc.publish")
    with pytest.raises(PreconditionFailed, match="it is now at version 1"):
        versions.transition(doc, "d1", version_etag(9, b"{}"), "doc.publish")
    with pytest.raises(PreconditionFailed):
        versions.check_editable(doc, "d1", "W/" + _tag(doc))  # weak: never matches
    assert doc.status is Status.draft
    assert _entries(session) == []


def test_an_illegal_step_is_a_409_with_the_hint(session: Session) -> None:
    doc, versions = _doc(session)
    versions.transition(doc, "d1", _tag(doc), "doc.publish")
    with pytest.raises(Conflict) as published:
        versions.transition(doc, "d1", _tag(doc), "doc.publish")
    assert str(published.value) == (
        "Cannot publish test document 'd1': it is published; archive it to withdraw it."
    )
    versions.transition(doc, "d1", _tag(doc), "doc.archive")
    with pytest.raises(Conflict) as archived:  # no hint for this status: just the fact
        versions.transition(doc, "d1", _tag(doc), "doc.archive")
    assert str(archived.value) == "Cannot archive test document 'd1': it is archived."
    with pytest.raises(Conflict) as edit:
        versions.check_editable(doc, "d1", _tag(doc))
    assert str(edit.value) == (
        "Test document 'd1' is archived; archived documents cannot be edited."
    )


def test_an_edit_is_saved_and_audited_with_its_before(session: Session) -> None:
    doc, versions = _doc(session)
    versions.check_editable(doc, "d1", _tag(doc))
    before = versions.snapshot(doc)
    doc.title = "second"
    versions.save(doc, "d1", "update", before)
    assert doc.version == 2
    (entry,) = _entries(session)
    assert entry.action == "doc.update"
    assert (entry.before, entry.after) == (
        {"title": "first", "status": "draft"},
        {"title": "second", "status": "draft"},
    )


def test_a_lost_race_at_the_flush_is_a_412(session: Session) -> None:
    doc, versions = _doc(session)
    # Another writer: a Core UPDATE, invisible to this session's identity map.
    table = Doc.__table__
    session.execute(update(table).where(table.c.id == doc.id).values(version=table.c.version + 1))
    with pytest.raises(PreconditionFailed) as raced:
        versions.transition(doc, "d1", _tag(doc), "doc.publish")
    assert str(raced.value) == (
        "test document 'd1' was changed by someone else while this request ran; "
        "GET it again and retry with the new ETag."
    )
    session.rollback()
    assert _entries(session) == []


class _Body(BaseModel):
    title: str = Field(min_length=2)
    days: int


def test_validated_names_every_offending_field() -> None:
    assert validated(_Body, {"title": "ok", "days": 2}) == _Body(title="ok", days=2)
    document: dict[str, Any] = {"title": "x"}
    with pytest.raises(InvalidBody) as bad:
        validated(_Body, document)
    assert sorted(e.name for e in bad.value.errors) == ["days", "title"]
    assert {e.location for e in bad.value.errors} == {"body"}
