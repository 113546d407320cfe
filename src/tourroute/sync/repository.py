"""Every query of the sync feed: keyset scans over (updated_at, kind, id), and the clock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from tourroute.accounts.domain import as_utc
from tourroute.db.base import utcnow
from tourroute.sync.kinds import SyncKind
from tourroute.sync.tokens import Position


class ChangeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.dialect = session.get_bind().dialect.name

    def now(self) -> datetime:
        """The database server's clock (PostgreSQL), or ours where the database is a file."""
        if self.dialect == "postgresql":
            # clock_timestamp(), not now(): now() is frozen at the start of the transaction.
            moment = self.session.scalar(select(func.clock_timestamp()))
            if isinstance(moment, datetime):
                return as_utc(moment)
        return utcnow()

    def latest(self, kind: SyncKind, cap: datetime) -> datetime | None:
        """The last change of ``kind`` no later than ``cap``."""
        model = kind.model
        moment = self.session.scalar(
            select(func.max(model.updated_at)).where(model.updated_at <= cap)
        )
        return None if moment is None else as_utc(moment)

    def changed_after(
        self,
        kind: SyncKind,
        position: Position | None,
        cap: datetime,
        hide_unpublished_until: datetime | None,
        limit: int | None,
    ) -> Sequence[Any]:
        """Rows of ``kind`` after ``position`` and no later than ``cap``, in change order.

        With ``hide_unpublished_until`` (a snapshot), unpublished rows changed no later than
        that are skipped: the client cannot have them.
        """
        model = kind.model
        where: list[ColumnElement[bool]] = [model.updated_at <= cap]
        if position is not None:
            where.append(_after(kind, model, position))
        if hide_unpublished_until is not None:
            where.append(
                or_(model.status == kind.published, model.updated_at > hide_unpublished_until)
            )
        stmt = select(model).where(*where).order_by(model.updated_at, model.id)
        if limit is not None:
            stmt = stmt.limit(limit)
        return self.session.scalars(stmt).all()


def _after(kind: SyncKind, model: Any, position: Position) -> ColumnElement[bool]:
    """The keyset predicate (updated_at, kind, id) > position, for one kind's table."""
    at = position.at
    if kind.name > position.kind:
        return model.updated_at >= at  # type: ignore[no-any-return]
    if kind.name < position.kind:
        return model.updated_at > at  # type: ignore[no-any-return]
    return or_(model.updated_at > at, (model.updated_at == at) & (model.id > position.id))
