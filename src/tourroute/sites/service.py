"""Use cases of the site catalogue: list, search and fetch published sites."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from tourroute.db.spatial import geojson_of
from tourroute.errors import InvalidParameter, NotFound
from tourroute.geojson import PointGeometry
from tourroute.i18n import messages as msgs
from tourroute.localtime import to_local
from tourroute.provinces.repository import ProvinceRepository
from tourroute.sites.models import Site
from tourroute.sites.repository import SiteFilters, SiteRepository
from tourroute.sites.schemas import ProvinceRef, SiteRead, Suitability

OSM_ATTRIBUTION = "© OpenStreetMap contributors"


def attribution_of(licence: str | None) -> str | None:
    """The credit a site's data requires where it is shown, read from its licence.

    >>> attribution_of("ODbL 1.0, (c) OpenStreetMap contributors"), attribution_of(None)
    ('© OpenStreetMap contributors', None)
    """
    text = (licence or "").casefold()
    if "openstreetmap" in text or "odbl" in text:
        return OSM_ATTRIBUTION
    return None


@dataclass(frozen=True)
class SitePageResult:
    """A page of sites as models, and whether more follow it."""

    items: list[SiteRead]
    has_more: bool


@dataclass(frozen=True)
class SiteItemsPage:
    """A page of the public lists, each item already what ``SiteRead`` serialises to.

    ``matched`` is how many sites match in all when it was asked for (else ``None``);
    ``attribution`` the distinct credits the page's data requires, ``; ``-joined (``None``
    when none does).
    """

    items: list[dict[str, Any]]
    has_more: bool
    matched: int | None
    attribution: str | None


_cached_attribution = lru_cache(maxsize=256)(attribution_of)


@lru_cache(maxsize=1 << 16)
def local_timestamp(moment: datetime) -> str:
    """A stored timestamp as the API writes it: ISO 8601 in +07:00, as ``LocalDateTime``
    serialises it (naive means UTC, as SQLite hands it back).  Cached: a site's timestamps
    change only when it is written, and a catalogue page reads the same ones again and again.

    >>> from datetime import UTC
    >>> local_timestamp(datetime(2026, 1, 2, 20, 30)), local_timestamp(
    ...     datetime(2026, 1, 2, 20, 30, 0, 5000, tzinfo=UTC))
    ('2026-01-03T03:30:00+07:00', '2026-01-03T03:30:00.005000+07:00')
    """
    return to_local(moment).isoformat()


def site_item(row: Sequence[Any], language: str) -> dict[str, Any]:
    """A row of :meth:`SiteRepository.page_rows` (a ``SiteListRow``) as
    ``SiteRead.model_dump(mode="json")`` would write it, without building the model: the
    list endpoints' hot path (the row is read by position, several times faster than by
    name).

    The doctest keeps the two in step: a new member of :class:`SiteRead`, or another way of
    writing one, makes it fail.

    >>> from datetime import UTC
    >>> from tourroute.sites.repository import SiteListRow
    >>> row = SiteListRow(
    ...     slug="den-x", name_vi="Đền X", name_en="X Temple", description_vi="",
    ...     description_en="d", province_code="VN-21", district=None, kind="lodging",
    ...     subtype="homestay", footprint=None, coord_confidence="low",
    ...     opening_hours="Mo-Su 08:00-17:00", visit_duration_min=60, interest_score=50,
    ...     coach_parking=True, motorhome_parking=False, motorhome_overnight=False,
    ...     motorbike_only_access=False, ticket_price_vnd=None, status="published",
    ...     source="survey", licence="ODbL 1.0", name_generated=0,
    ...     created_at=datetime(2026, 1, 2, 3, 4, 5, 6),
    ...     updated_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), version=2, lon=105.6,
    ...     lat=20.01, province_slug="thanh-hoa", province_name_vi="Thanh Hóa",
    ...     province_name_en="Thanh Hoa", categories="spiritual,heritage", distance=12.345678)
    >>> item = site_item(row, "vi")
    >>> SiteRead.model_validate(item).model_dump(mode="json") == item
    True
    >>> list(item) == list(SiteRead.model_fields)
    True
    >>> item["name"], item["categories"], item["created_at"], item["distance_m"]
    ('Đền X', ['heritage', 'spiritual'], '2026-01-02T10:04:05.000006+07:00', 12.35)
    """
    (
        slug,
        name_vi,
        name_en,
        description_vi,
        description_en,
        province_code,
        district,
        kind,
        subtype,
        footprint,
        coord_confidence,
        opening_hours,
        visit_duration_min,
        interest_score,
        coach_parking,
        motorhome_parking,
        motorhome_overnight,
        motorbike_only_access,
        ticket_price_vnd,
        status,
        source,
        licence,
        name_generated,
        created_at,
        updated_at,
        version,
        lon,
        lat,
        province_slug,
        province_name_vi,
        province_name_en,
        categories,
        distance,
        *_,
    ) = row
    return {
        "slug": slug,
        "name": name_vi if language == "vi" else name_en,
        "name_vi": name_vi,
        "name_en": name_en,
        "description_vi": description_vi,
        "description_en": description_en,
        "province": {
            "code": province_code,
            "slug": province_slug,
            "name_vi": province_name_vi,
            "name_en": province_name_en,
        },
        "district": district,
        "kind": kind,
        "subtype": subtype,
        "categories": sorted(categories.split(",")) if categories else [],
        "location": {"type": "Point", "coordinates": [lon, lat]},
        "footprint": None if footprint is None else geojson_of(footprint),
        "coord_confidence": coord_confidence,
        "opening_hours": opening_hours,
        "visit_duration_min": visit_duration_min,
        "interest_score": interest_score,
        "suitability": {
            "coach_parking": bool(coach_parking),
            "motorhome_parking": bool(motorhome_parking),
            "motorhome_overnight": bool(motorhome_overnight),
            "motorbike_only_access": bool(motorbike_only_access),
        },
        "ticket_price_vnd": ticket_price_vnd,
        "status": status,
        "source": source,
        "licence": licence,
        "attribution": _cached_attribution(licence),
        "name_generated": bool(name_generated),
        "created_at": local_timestamp(created_at),
        "updated_at": local_timestamp(updated_at),
        "version": version,
        "distance_m": None if distance is None else round(float(distance), 2),
    }


def item_feature(item: dict[str, Any]) -> dict[str, Any]:
    """:func:`site_feature` of a :func:`site_item`."""
    properties = dict(item)
    geometry = properties.pop("location")
    return {"type": "Feature", "id": item["slug"], "geometry": geometry, "properties": properties}


def to_read(site: Site, language: str, distance_m: float | None = None) -> SiteRead:
    """A site as the API shows it: ``name`` in ``language`` (``vi``, else English), and
    ``distance_m`` (metres, rounded to cm; ``None`` when not asked) as given."""
    location = geojson_of(site.geom)
    if location is None:  # geom is NOT NULL; this would be database corruption
        raise ValueError(f"site {site.slug} has no location")
    province = site.province
    return SiteRead(
        slug=site.slug,
        name=site.name_vi if language == "vi" else site.name_en,
        name_vi=site.name_vi,
        name_en=site.name_en,
        description_vi=site.description_vi,
        description_en=site.description_en,
        province=ProvinceRef(
            code=province.code,
            slug=province.slug,
            name_vi=province.name_vi,
            name_en=province.name_en,
        ),
        district=site.district,
        kind=site.kind,
        subtype=site.subtype,
        categories=site.categories,
        location=PointGeometry.model_validate(location),
        footprint=geojson_of(site.footprint),
        coord_confidence=site.coord_confidence,
        opening_hours=site.opening_hours,
        visit_duration_min=site.visit_duration_min,
        interest_score=site.interest_score,
        suitability=Suitability(
            coach_parking=site.coach_parking,
            motorhome_parking=site.motorhome_parking,
            motorhome_overnight=site.motorhome_overnight,
            motorbike_only_access=site.motorbike_only_access,
        ),
        ticket_price_vnd=site.ticket_price_vnd,
        status=site.status,
        source=site.source,
        licence=site.licence,
        attribution=attribution_of(site.licence),
        name_generated=bool(site.name_generated),
        created_at=site.created_at,
        updated_at=site.updated_at,
        version=site.version,
        distance_m=None if distance_m is None else round(distance_m, 2),
    )


class SiteService:
    """Reads of the public site catalogue (nothing here writes).

    The methods that take ``language`` name each site in it: ``vi`` gives the Vietnamese
    name, anything else the English one (both are always there as ``name_vi`` and
    ``name_en``).

    Parameters
    ----------
    session
        The request's session (only read).
    """

    def __init__(self, session: Session) -> None:
        self.sites = SiteRepository(session)
        self.provinces = ProvinceRepository(session)

    def resolve_province(self, value: str | None) -> str | None:
        """The ISO code of a province given by code (``VN-21``) or slug (``thanh-hoa``).

        Parameters
        ----------
        value
            The code or slug, any case; ``None``: no province filter.

        Returns
        -------
        str or None
            The code; ``None`` if ``value`` is ``None``.

        Raises
        ------
        InvalidParameter
            No province has this code or slug; the message lists the known ones (422).
        """
        if value is None:
            return None
        province = self.provinces.find(value)
        if province is None:
            known = ", ".join(f"{p.code} ({p.slug})" for p in self.provinces.list())
            raise InvalidParameter("province", msgs.UNKNOWN_PROVINCE(value=value, known=known))
        return province.code

    def list_items(
        self,
        filters: SiteFilters,
        offset: int,
        limit: int,
        language: str,
        *,
        with_count: bool = False,
    ) -> SiteItemsPage:
        """One page of the public lists in one statement: plain rows, not ORM objects.

        Parameters
        ----------
        filters
            The validated query (published sites only unless it says otherwise).
        offset, limit
            Sites to skip, and the most to return.
        language
            See the class.
        with_count
            Also count the sites that match in all, in the same statement.

        Returns
        -------
        SiteItemsPage
            The items as ``SiteRead`` serialises them (``distance_m`` in metres when
            ``filters.near`` is set), whether more follow, the count (``None`` unless
            asked for) and the credits the page's data requires.
        """
        rows = self.sites.page_rows(filters, offset, limit + 1, with_count=with_count)
        items = [site_item(row, language) for row in rows[:limit]]
        matched: int | None = None
        if with_count:
            if rows:
                matched = int(rows[0][-1])  # the last column: SiteListRow.matched
            elif offset == 0:
                matched = 0
            else:  # past the end: no row to carry the count
                matched = self.sites.count(filters)
        credits = sorted({a for item in items if (a := item["attribution"])})
        return SiteItemsPage(items, len(rows) > limit, matched, "; ".join(credits) or None)

    def get_site(self, slug: str, language: str, include_unpublished: bool = False) -> SiteRead:
        """One site by slug.

        Parameters
        ----------
        slug
            The site's slug.
        language
            See the class.
        include_unpublished
            Find the site in any status, not only a published one.

        Returns
        -------
        SiteRead
            The site (``distance_m`` is ``None``).

        Raises
        ------
        NotFound
            No site (no published one, without ``include_unpublished``) has this slug
            (404).
        """
        site = self.sites.get_by_slug(slug, include_unpublished)
        if site is None:
            raise NotFound(msgs.PUBLISHED_SITE_NOT_FOUND(slug=slug))
        return to_read(site, language)


def site_feature(site: SiteRead) -> dict[str, Any]:
    """A GeoJSON Feature of a site: id = slug, geometry = its point."""
    properties = site.model_dump(mode="json", exclude={"location"})
    return {
        "type": "Feature",
        "id": site.slug,
        "geometry": site.location.model_dump(mode="json"),
        "properties": properties,
    }
