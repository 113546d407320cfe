"""Every query of the sync feed: keyset scans over (updated_at, kind, id), the clock, and
which rows were ever public (the tombstones)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from tourroute.accounts.domain import as_utc
from tourroute.db.base import utcnow
from tourroute.db.engine import is_postgresql
from tourroute.sites.domain import SiteStatus
from tourroute.sites.models import SiteTransition
from tourroute.sync.tokens import Position
from tourroute.tours.domain import TourStatus
from tourroute.tours.models import TourVersion


class KindTable(Protocol):
    """What the queries need of a kind of :mod:`tourroute.sync.kinds` (which builds its
    kinds on these queries, so this module does not import it)."""

    @property
    def name(self) -> str: ...

    @property
    def model(self) -> Any: ...

    @property
    def published(self) -> Any: ...


class ChangeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def now(self) -> datetime:
        """The database server's clock (PostgreSQL), or ours where the database is a file."""
        if is_postgresql(self.session):
            # clock_timestamp(), not now(): now() is frozen at the start of the transaction.
            moment = self.session.scalar(select(func.clock_timestamp()))
            if isinstance(moment, datetime):
                return as_utc(moment)
        return utcnow()

    def latest(self, kind: KindTable, cap: datetime) -> datetime | None:
        """The last change of ``kind`` no later than ``cap``."""
        model = kind.model
        moment = self.session.scalar(
            select(func.max(model.updated_at)).where(model.updated_at <= cap)
        )
        return None if moment is None else as_utc(moment)

    def changed_after(
        self,
        kind: KindTable,
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

    def published(self, kind: KindTable) -> list[Any]:
        """Every public row of ``kind`` (the rows a full download holds), in slug order.

        Parameters
        ----------
        kind
            The kind whose table is read.

        Returns
        -------
        list
            Its rows whose status is ``kind.published``, ordered by slug.
        """
        model = kind.model
        stmt = select(model).where(model.status == kind.published).order_by(model.slug)
        return list(self.session.scalars(stmt).unique())

    def sites_ever_published(self, ids: Collection[int]) -> set[int]:
        """Which of the sites ``ids`` were ever published (and so get a tombstone).

        Every workflow step through the API is recorded; a published site leaves only by one.

        Parameters
        ----------
        ids
            Site ids.

        Returns
        -------
        set of int
            Those with a transition into or out of ``published``.
        """
        rows = self.session.scalars(
            select(SiteTransition.site_id)
            .where(SiteTransition.site_id.in_(ids))
            .where(
                or_(
                    SiteTransition.to_status == SiteStatus.published,
                    SiteTransition.from_status == SiteStatus.published,
                )
            )
        )
        return set(rows)

    def tours_ever_published(self, ids: Collection[int]) -> set[int]:
        """Which of the tours ``ids`` were ever published (and so get a tombstone).

        Each write saves the whole document as a version; one of them says "published".

        Parameters
        ----------
        ids
            Tour ids.

        Returns
        -------
        set of int
            Those with a saved version whose status is ``published``.
        """
        rows = self.session.execute(
            select(TourVersion.tour_id, TourVersion.document).where(TourVersion.tour_id.in_(ids))
        )
        return {
            tour_id
            for tour_id, document in rows
            if isinstance(document, dict) and document.get("status") == TourStatus.published.value
        }


def _after(kind: KindTable, model: Any, position: Position) -> ColumnElement[bool]:
    """The keyset predicate (updated_at, kind, id) > position, for one kind's table."""
    at = position.at
    updated_at: ColumnElement[datetime] = model.updated_at  # the kinds' models are untyped
    if kind.name > position.kind:
        return updated_at >= at
    if kind.name < position.kind:
        return updated_at > at
    return or_(updated_at > at, (updated_at == at) & (model.id > position.id))
