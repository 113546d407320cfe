"""Every query about sites; spatial predicates come from :mod:`tourroute.db.spatial`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Engine,
    Integer,
    Row,
    Select,
    bindparam,
    case,
    exists,
    func,
    literal,
    select,
)
from sqlalchemy.orm import InstrumentedAttribute, Session

from tourroute.db import spatial
from tourroute.provinces.models import Province
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

    def published(self) -> list[Site]:
        """Every published site, by slug (the composer's candidates)."""
        return list(
            self.session.scalars(
                select(Site).where(Site.status == SiteStatus.published).order_by(Site.slug)
            )
        )

    def published_extent(self) -> tuple[float, float, float, float] | None:
        """(min lon, min lat, max lon, max lat) of the published sites; ``None`` if none."""
        # Sites are points, so min/max of X and Y is the extent; ST_X/ST_Y mean the same on
        # SpatiaLite and PostGIS.
        x, y = func.ST_X(Site.geom), func.ST_Y(Site.geom)
        minx, miny, maxx, maxy = self.session.execute(
            select(func.min(x), func.min(y), func.max(x), func.max(y)).where(
                Site.status == SiteStatus.published
            )
        ).one()
        if minx is None:
            return None
        return float(minx), float(miny), float(maxx), float(maxy)

    def published_counts_by_province(self) -> dict[str, int]:
        """How many published sites each province holds (for ``/v1/provinces``)."""
        rows = self.session.execute(
            select(Site.province_code, func.count())
            .where(Site.status == SiteStatus.published)
            .group_by(Site.province_code)
        ).all()
        return {code: int(n) for code, n in rows}

    def published_in_bbox(self, bounds: tuple[float, float, float, float]) -> list[SitePoint]:
        """Published sites inside ``bounds`` (minx, miny, maxx, maxy) as light records.

        Plain columns and the point's X/Y, no ORM objects: loading 400 whole sites took a
        third of a 60-minute isochrone request on the regional network."""
        stmt = (
            select(
                Site.slug,
                Site.name_vi,
                Site.name_en,
                Site.kind,
                func.ST_X(Site.geom),
                func.ST_Y(Site.geom),
            )
            .where(Site.status == SiteStatus.published)
            .where(spatial.bbox_filter(self.dialect, Site.geom, Site.id, bounds))
            .order_by(Site.slug)
        )
        return [
            SitePoint(slug, name_vi, name_en, kind.value, (float(x), float(y)))
            for slug, name_vi, name_en, kind, x, y in self.session.execute(stmt)
        ]

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
        # count(*), not count(id): PostgreSQL can answer it from an index alone.
        return int(
            self.session.scalar(select(func.count()).select_from(Site).where(*conditions)) or 0
        )

    def page_rows(
        self, filters: SiteFilters, offset: int, limit: int, *, with_count: bool = False
    ) -> Sequence[Row[Any]]:
        """One page of matching sites as plain rows (no ORM objects), in one statement.

        Each row has the columns of :class:`SiteListRow` (the site, its point as ``lon``
        and ``lat``, its province, its categories comma-joined, ``distance`` from ``near``
        or ``None``) and, ``with_count``, ``matched``: how many sites match in all (an
        uncorrelated subquery the database runs once).  What the list endpoints serve.

        On PostgreSQL a session that has not begun a transaction reads in autocommit, on a
        connection of its own held only for the statement: one statement sees one snapshot,
        the BEGIN and COMMIT round trips are saved, and the connection is back in the pool
        while the page is being written (fewer connections in use at once).
        """
        counted = filters
        if filters.near is not None and filters.radius_m is None:
            filters = self._bounded_near(filters, offset + limit)
        stmt = _list_statement(self.dialect, filters, counted if with_count else None)
        params = {"page_offset": offset, "page_limit": limit}
        session = self.session
        bind = session.get_bind()
        if (
            self.dialect == "postgresql"
            and isinstance(bind, Engine)
            and not session.in_transaction()
        ):
            # Nothing read before in this unit of work: one statement in autocommit, on a
            # connection that goes back to the pool as soon as the rows are in.
            with bind.connect() as conn:
                autocommit = conn.execution_options(isolation_level="AUTOCOMMIT")
                return autocommit.execute(stmt, params).all()
        return session.connection().execute(stmt, params).all()

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
        return _where(self.dialect, f)

    def _select(self, f: SiteFilters) -> Select[Site, float | None]:
        conditions, distance = self._where(f)
        stmt = select(Site, distance if distance is not None else literal(None)).where(*conditions)
        return stmt.order_by(*_order(f, distance))


def _where(
    dialect: str, f: SiteFilters
) -> tuple[list[ColumnElement[bool]], ColumnElement[float] | None]:
    """The conditions of a list query, and the distance from ``near`` when there is one."""
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
        # Site.geom holds points: the cheaper exact test for points applies.
        conditions.append(spatial.point_bbox_filter(dialect, Site.geom, Site.id, f.bbox))
    distance: ColumnElement[float] | None = None
    if f.near:
        lon, lat = f.near
        distance = spatial.geodesic_distance_m(dialect, Site.geom, lon, lat)
        if f.radius_m is not None:
            envelope = spatial.radius_envelope(lon, lat, f.radius_m)
            conditions.append(spatial.point_bbox_filter(dialect, Site.geom, Site.id, envelope))
            conditions.append(distance <= f.radius_m)
    if f.q:
        tokens = search_tokens(f.q)
        conditions.extend(Site.search_folded.like(f"%{t}%") for t in tokens)
        if not tokens:
            conditions.append(literal(False))
    return conditions, distance


_OrderKey = ColumnElement[Any] | InstrumentedAttribute[Any]


def _order_keys(
    f: SiteFilters, distance: ColumnElement[float] | None
) -> list[tuple[_OrderKey, bool]]:
    """What a list is ordered by, most significant first: (expression, descending)."""
    keys: list[tuple[_OrderKey, bool]] = []
    if distance is not None:
        keys.append((distance, False))
    if f.q:
        exact = _like_escape(exact_key(f.q))
        folded = _like_escape(folded_key(f.q))
        # Rank: the phrase with its diacritics, then the folded phrase, then the words.
        rank = case(
            (Site.search_exact.like(f"%{exact}%", escape="\\"), 0),
            (Site.search_folded.like(f"%{folded}%", escape="\\"), 1),
            else_=2,
        )
        keys.append((rank, False))
        keys.append((Site.interest_score, True))
    keys.append((Site.slug, False))
    return keys


def _order(f: SiteFilters, distance: ColumnElement[float] | None) -> list[ColumnElement[Any]]:
    return [key.desc() if descending else key.asc() for key, descending in _order_keys(f, distance)]


class SiteListRow(NamedTuple):
    """A row of :meth:`SiteRepository.page_rows`: its columns, in the statement's order (read
    by position on the hot path, which is several times faster than by name)."""

    slug: str
    name_vi: str
    name_en: str
    description_vi: str
    description_en: str
    province_code: str
    district: str | None
    kind: SiteKind
    subtype: SiteType | None
    footprint: Any
    coord_confidence: str | None
    opening_hours: str | None
    visit_duration_min: int
    interest_score: int
    coach_parking: bool
    motorhome_parking: bool
    motorhome_overnight: bool
    motorbike_only_access: bool
    ticket_price_vnd: int | None
    status: SiteStatus
    source: str
    licence: str | None
    name_generated: bool
    created_at: datetime
    updated_at: datetime
    version: int
    lon: float
    lat: float
    province_slug: str
    province_name_vi: str
    province_name_en: str
    categories: str | None  # comma-joined, in no particular order
    distance: float | None
    matched: int | None = None  # only with_count


# The columns of a site that :meth:`SiteRepository.page_rows` reads, under their own names.
_SITE_COLUMNS = (
    Site.slug,
    Site.name_vi,
    Site.name_en,
    Site.description_vi,
    Site.description_en,
    Site.province_code,
    Site.district,
    Site.kind,
    Site.subtype,
    Site.footprint,
    Site.coord_confidence,
    Site.opening_hours,
    Site.visit_duration_min,
    Site.interest_score,
    Site.coach_parking,
    Site.motorhome_parking,
    Site.motorhome_overnight,
    Site.motorbike_only_access,
    Site.ticket_price_vnd,
    Site.status,
    Site.source,
    Site.licence,
    Site.name_generated,
    Site.created_at,
    Site.updated_at,
    Site.version,
)


@lru_cache(maxsize=512)
def _list_statement(dialect: str, filters: SiteFilters, counted: SiteFilters | None) -> Select[Any]:
    """The statement of :meth:`SiteRepository.page_rows`, built once per query and reused
    (statements are immutable); the page window is bound at execution (``page_offset``,
    ``page_limit``).  ``counted``: the filters whose matches the ``matched`` column counts
    (``None``: no count)."""
    conditions, distance = _where(dialect, filters)
    keys = _order_keys(filters, distance)
    offset = bindparam("page_offset", type_=Integer)
    limit = bindparam("page_limit", type_=Integer)
    joined: Any = Site
    distance_column: Any = distance
    order: list[Any]
    if filters.bbox or filters.near or filters.q:
        # The page is sorted out of many candidates (a box, a distance, a search rank): the
        # database sorts only their ids and keys, then fetches the page's rows whole.
        labelled = [
            (key.label("distance" if key is distance else f"sort_{i}"), descending)
            for i, (key, descending) in enumerate(keys)
        ]
        inner = [label for label, _ in labelled]
        page = (
            select(Site.id.label("site_id"), *inner)
            .where(*conditions)
            .order_by(*(label.desc() if d else label.asc() for label, d in labelled))
            .offset(offset)
            .limit(limit)
            .subquery("page")
        )
        joined = page.join(Site, Site.id == page.c.site_id)
        distance_column = page.c.distance if distance is not None else None
        order = [
            page.c[label.name].desc() if d else page.c[label.name].asc() for label, d in labelled
        ]
        conditions = []
    else:
        order = [key.desc() if descending else key.asc() for key, descending in keys]
    categories = (
        select(func.aggregate_strings(SiteCategory.category, ","))
        .where(SiteCategory.site_id == Site.id)
        .scalar_subquery()
    )
    columns: list[Any] = [
        *_SITE_COLUMNS,
        func.ST_X(Site.geom).label("lon"),
        func.ST_Y(Site.geom).label("lat"),
        Province.slug.label("province_slug"),
        Province.name_vi.label("province_name_vi"),
        Province.name_en.label("province_name_en"),
        categories.label("categories"),
        (distance_column if distance_column is not None else literal(None)).label("distance"),
    ]
    if counted is not None:
        # A radius chosen for speed (nearest-first without one) must not limit the count.
        everywhere = _where(dialect, counted)[0]
        matched = select(func.count()).select_from(Site).where(*everywhere).correlate(None)
        columns.append(matched.scalar_subquery().label("matched"))
    stmt = (
        select(*columns)
        .select_from(joined)
        .join(Province, Province.code == Site.province_code)
        .where(*conditions)
        .order_by(*order)
    )
    if joined is Site:
        stmt = stmt.offset(offset).limit(limit)
    names = [column.key for column in stmt.selected_columns]
    if names != list(SiteListRow._fields[: len(names)]):
        raise RuntimeError(f"page_rows columns {names} are not those of SiteListRow")
    return stmt
