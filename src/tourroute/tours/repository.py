"""Every query about tours."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, case, exists, literal, select
from sqlalchemy.orm import Session

from tourroute.accounts.models import Agency
from tourroute.routing import Vehicle
from tourroute.sites.domain import Category, SiteStatus
from tourroute.sites.models import Site
from tourroute.text import exact_key, folded_key, search_tokens
from tourroute.tours.domain import TourStatus
from tourroute.tours.models import Tour, TourStop, TourTheme, TourVersion


@dataclass(frozen=True)
class TourFilters:
    """A validated list query over published tours."""

    province_code: str | None = None
    theme: Category | None = None
    vehicle: Vehicle | None = None
    days_min: int | None = None
    days_max: int | None = None
    site_id: int | None = None
    q: str | None = None


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class TourRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # --- tours --------------------------------------------------------------------------

    def get_by_slug(self, slug: str, include_unpublished: bool = False) -> Tour | None:
        stmt = select(Tour).where(Tour.slug == slug)
        if not include_unpublished:
            stmt = stmt.where(Tour.status == TourStatus.published)
        return self.session.scalars(stmt).unique().one_or_none()

    def slug_taken(self, slug: str) -> bool:
        return self.session.scalar(select(exists().where(Tour.slug == slug))) is True

    def all_by_slug(self, slugs: Iterable[str]) -> dict[str, Tour]:
        stmt = select(Tour).where(Tour.slug.in_(list(slugs)))
        return {t.slug: t for t in self.session.scalars(stmt).unique()}

    def add(self, row: Tour | TourVersion) -> None:
        self.session.add(row)

    def page(self, filters: TourFilters, offset: int, limit: int) -> Sequence[Tour]:
        conditions = self._where(filters)
        order: list[ColumnElement[int] | ColumnElement[str]] = []
        if filters.q:
            exact = _like_escape(exact_key(filters.q))
            folded = _like_escape(folded_key(filters.q))
            # The phrase with its diacritics first, then the folded phrase, then the words.
            order.append(
                case(
                    (Tour.search_exact.like(f"%{exact}%", escape="\\"), 0),
                    (Tour.search_folded.like(f"%{folded}%", escape="\\"), 1),
                    else_=2,
                )
            )
        order.append(Tour.slug.asc())
        stmt = select(Tour).where(*conditions).order_by(*order).offset(offset).limit(limit)
        return self.session.scalars(stmt).unique().all()

    @staticmethod
    def _where(f: TourFilters) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = [Tour.status == TourStatus.published]
        if f.province_code is not None:
            conditions.append(
                exists().where(
                    TourStop.tour_id == Tour.id,
                    TourStop.site_id == Site.id,
                    Site.province_code == f.province_code,
                )
            )
        if f.theme is not None:
            conditions.append(
                exists().where(TourTheme.tour_id == Tour.id, TourTheme.theme == f.theme)
            )
        if f.vehicle is not None:
            conditions.append(Tour.vehicle == f.vehicle)
        if f.days_min is not None:
            conditions.append(Tour.duration_days >= f.days_min)
        if f.days_max is not None:
            conditions.append(Tour.duration_days <= f.days_max)
        if f.site_id is not None:
            conditions.append(
                exists().where(TourStop.tour_id == Tour.id, TourStop.site_id == f.site_id)
            )
        if f.q:
            tokens = search_tokens(f.q)
            conditions.extend(Tour.search_folded.like(f"%{t}%") for t in tokens)
            if not tokens:
                conditions.append(literal(False))
        return conditions

    # --- versions -----------------------------------------------------------------------

    def versions(self, tour_id: int) -> Sequence[TourVersion]:
        return self.session.scalars(
            select(TourVersion).where(TourVersion.tour_id == tour_id).order_by(TourVersion.version)
        ).all()

    def version(self, tour_id: int, number: int) -> TourVersion | None:
        return self.session.scalars(
            select(TourVersion).where(TourVersion.tour_id == tour_id, TourVersion.version == number)
        ).one_or_none()

    # --- what tours refer to ------------------------------------------------------------

    def sites_by_slug(self, slugs: Iterable[str]) -> dict[str, Site]:
        """Sites (any status) by slug; callers decide what an unpublished one means."""
        wanted = sorted(set(slugs))
        if not wanted:
            return {}
        return {s.slug: s for s in self.session.scalars(select(Site).where(Site.slug.in_(wanted)))}

    def published_site_id(self, slug: str) -> int | None:
        return self.session.scalar(
            select(Site.id).where(Site.slug == slug, Site.status == SiteStatus.published)
        )

    def agency_by_slug(self, slug: str) -> Agency | None:
        return self.session.scalars(select(Agency).where(Agency.slug == slug)).one_or_none()
