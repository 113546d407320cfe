"""Use cases of the site catalogue: list, search and fetch published sites."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from tourroute.db.spatial import geojson_of
from tourroute.errors import InvalidParameter, NotFound
from tourroute.geojson import PointGeometry
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
    items: list[SiteRead]
    has_more: bool


def to_read(site: Site, language: str, distance_m: float | None = None) -> SiteRead:
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
    def __init__(self, session: Session) -> None:
        self.sites = SiteRepository(session)
        self.provinces = ProvinceRepository(session)

    def resolve_province(self, value: str | None) -> str | None:
        """The ISO code for a province given by code or slug; 422 if there is none such."""
        if value is None:
            return None
        province = self.provinces.find(value)
        if province is None:
            known = ", ".join(f"{p.code} ({p.slug})" for p in self.provinces.list())
            raise InvalidParameter("province", f"unknown province '{value}'; known: {known}")
        return province.code

    def list_sites(
        self, filters: SiteFilters, offset: int, limit: int, language: str
    ) -> SitePageResult:
        rows = self.sites.page(filters, offset, limit + 1)
        items = [to_read(site, language, d) for site, d in rows[:limit]]
        return SitePageResult(items=items, has_more=len(rows) > limit)

    def get_site(self, slug: str, language: str, include_unpublished: bool = False) -> SiteRead:
        site = self.sites.get_by_slug(slug, include_unpublished)
        if site is None:
            raise NotFound(f"No published site with slug '{slug}'.")
        return to_read(site, language)


def page_attribution(items: list[SiteRead]) -> str | None:
    """The distinct credits of a page of sites, in one line (None when none is needed)."""
    credits = sorted({s.attribution for s in items if s.attribution})
    return "; ".join(credits) or None


def site_feature(site: SiteRead) -> dict[str, Any]:
    """A GeoJSON Feature of a site: id = slug, geometry = its point."""
    properties = site.model_dump(mode="json", exclude={"location"})
    return {
        "type": "Feature",
        "id": site.slug,
        "geometry": site.location.model_dump(mode="json"),
        "properties": properties,
    }
