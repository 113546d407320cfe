"""Every query about sites; spatial predicates come from :mod:`tourroute.db.spatial`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from geoalchemy2.shape import to_shape
from sqlalchemy import ColumnElement, Select, case, exists, func, literal, select
from sqlalchemy.orm import Session

from tourroute.db import spatial
from tourroute.sites.domain import Category, SiteKind, SiteStatus, SiteType
from tourroute.sites.models import Site, SiteCategory, SiteTransition
from tourroute.text import exact_key, folded_key, search_tokens

# Nearest-first queries without a radius search inside 2, 8, 32 … km before scanning all.
_FIRST_NEAR_RADIUS_M = 2_000.0
_LAST_NEAR_RADIUS_M = 600_000.0


@dataclass(frozen=True)
class SiteFilters:
    """A validated list query. ``near`` is (lon, lat); ``bbox`` is (minx, miny, maxx, maxy)."""

    province_code: str | None = None
    kind: SiteKind | None = None
    # Any of these types of stay / service (``type=homestay,hotel``); None means any.
    subtypes: tuple[SiteType, ...] | None = None
    category: Category | None = None
    q: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    near: tuple[float, float] | None = None
    radius_m: float | None = None
    include_unpublished: bool = False
    # With include_unpublished: only these statuses (curators' views); None means all.
    statuses: tuple[SiteStatus, ...] | None = None


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class SitePoint:
    slug: str
    name_vi: str
    name_en: str
    kind: str
    coord: tuple[float, float]


class SiteRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.dialect = session.get_bind().dialect.name

    def get_by_slug(self, slug: str, include_unpublished: bool = False) -> Site | None:
        stmt = select(Site).where(Site.slug == slug)
        if not include_unpublished:
            stmt = stmt.where(Site.status == SiteStatus.published)
        return self.session.scalars(stmt).one_or_none()

    def slug_taken(self, slug: str) -> bool:
        return self.session.scalar(select(exists().where(Site.slug == slug))) is True

    def add(self, site: Site) -> None:
        self.session.add(site)

    def add_transition(self, transition: SiteTransition) -> None:
        self.session.add(transition)

    def transitions(self, site_id: int) -> Sequence[SiteTransition]:
        return self.session.scalars(
            select(SiteTransition)
            .where(SiteTransition.site_id == site_id)
            .order_by(SiteTransition.id)
        ).all()

    def all_by_slug(self) -> dict[str, Site]:
        return {s.slug: s for s in self.session.scalars(select(Site))}

    def published_in_bbox(self, bounds: tuple[float, float, float, float]) -> list[SitePoint]:
        """Published sites inside ``bounds`` (minx, miny, maxx, maxy) as light records."""
        stmt = select(Site).where(Site.status == SiteStatus.published)
        stmt = stmt.where(spatial.bbox_filter(self.dialect, Site.geom, Site.id, bounds))
        stmt = stmt.order_by(Site.slug)
        out = []
        for site in self.session.scalars(stmt):
            point = to_shape(site.geom)  # a Point: seed and API validate the type
            out.append(
                SitePoint(
                    site.slug, site.name_vi, site.name_en, site.kind.value, (point.x, point.y)
                )
            )
        return out

    def page(
        self, filters: SiteFilters, offset: int, limit: int
    ) -> Sequence[tuple[Site, float | None]]:
        """One page of matching sites with their distance from ``near`` (or ``None``)."""
        if filters.near is not None and filters.radius_m is None:
            filters = self._bounded_near(filters, offset + limit)
        stmt = self._select(filters).offset(offset).limit(limit)
        return [(site, None if d is None else float(d)) for site, d in self.session.execute(stmt)]

    def count(self, filters: SiteFilters) -> int:
        conditions, _ = self._where(filters)
        return int(self.session.scalar(select(func.count(Site.id)).where(*conditions)) or 0)

    def _bounded_near(self, filters: SiteFilters, needed: int) -> SiteFilters:
        """The same query with the smallest radius (×4 steps) that still holds ``needed`` rows.

        Ordering by geodesic distance otherwise computes the distance of every row; inside a
        radius the spatial index prunes first.  Exact, not approximate: when at least
        ``needed`` sites lie within r, every site outside r is farther than all of them.
        """
        radius_m = _FIRST_NEAR_RADIUS_M
        while radius_m <= _LAST_NEAR_RADIUS_M:
            bounded = replace(filters, radius_m=radius_m)
            if self.count(bounded) >= needed:
                return bounded
            radius_m *= 4
        return filters

    def _where(
        self, f: SiteFilters
    ) -> tuple[list[ColumnElement[bool]], ColumnElement[float] | None]:
        conditions: list[ColumnElement[bool]] = []
        if not f.include_unpublished:
            conditions.append(Site.status == SiteStatus.published)
        elif f.statuses is not None:
            conditions.append(Site.status.in_(f.statuses))
        if f.province_code:
            conditions.append(Site.province_code == f.province_code)
        if f.kind:
            conditions.append(Site.kind == f.kind)
        if f.subtypes:
            conditions.append(Site.subtype.in_(f.subtypes))
        if f.category:
            conditions.append(
                exists().where(SiteCategory.site_id == Site.id, SiteCategory.category == f.category)
            )
        if f.bbox:
            conditions.append(spatial.bbox_filter(self.dialect, Site.geom, Site.id, f.bbox))
        distance: ColumnElement[float] | None = None
        if f.near:
            lon, lat = f.near
            distance = spatial.geodesic_distance_m(self.dialect, Site.geom, lon, lat)
            if f.radius_m is not None:
                envelope = spatial.radius_envelope(lon, lat, f.radius_m)
                conditions.append(spatial.bbox_filter(self.dialect, Site.geom, Site.id, envelope))
                conditions.append(distance <= f.radius_m)
        if f.q:
            tokens = search_tokens(f.q)
            conditions.extend(Site.search_folded.like(f"%{t}%") for t in tokens)
            if not tokens:
                conditions.append(literal(False))
        return conditions, distance

    def _select(self, f: SiteFilters) -> Select[Site, float | None]:
        conditions, distance = self._where(f)
        order: list[ColumnElement[Any]] = []
        if distance is not None:
            order.append(distance)
        if f.q:
            exact = _like_escape(exact_key(f.q))
            folded = _like_escape(folded_key(f.q))
            # Rank: the phrase with its diacritics, then the folded phrase, then the words.
            order.append(
                case(
                    (Site.search_exact.like(f"%{exact}%", escape="\\"), 0),
                    (Site.search_folded.like(f"%{folded}%", escape="\\"), 1),
                    else_=2,
                )
            )
            order.append(Site.interest_score.desc())
        order.append(Site.slug.asc())
        stmt = select(Site, distance if distance is not None else literal(None)).where(*conditions)
        return stmt.order_by(*order)
