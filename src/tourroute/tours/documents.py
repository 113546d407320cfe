"""A tour as documents: the whole saved version, the audit snapshot, and API reads."""

from __future__ import annotations

from typing import Any

from tourroute.accounts.authorization import TourResource
from tourroute.exports.jsonld import Agency, ProvinceOffice, Trip
from tourroute.plans import without_steps
from tourroute.tours.models import Tour
from tourroute.tours.schemas import (
    AgencyRef,
    OperatorRead,
    PriceRange,
    ProvinceRef,
    TourLinks,
    TourRead,
    TourSummary,
)

__all__ = [
    "editable_document",
    "links_for",
    "tour_document",
    "tour_read",
    "tour_resource",
    "tour_snapshot",
    "tour_summary",
    "trip_of",
]


def tour_resource(tour: Tour) -> TourResource:
    """The tour as :mod:`tourroute.accounts.authorization` sees it: who operates it."""
    return TourResource(
        operator_agency_id=tour.operator_agency_id,
        operator_province_code=tour.operator_province_code,
    )


def operator_read(tour: Tour) -> OperatorRead:
    agency, province = tour.operator_agency, tour.operator_province
    if agency is not None:
        return OperatorRead(
            kind="agency", agency=AgencyRef(slug=agency.slug, name=agency.name), province=None
        )
    if province is None:  # the CHECK constraint makes this impossible
        raise ValueError(f"tour {tour.slug} has no operator")
    return OperatorRead(
        kind="province",
        agency=None,
        province=ProvinceRef(
            code=province.code,
            slug=province.slug,
            name_vi=province.name_vi,
            name_en=province.name_en,
        ),
    )


def trip_of(tour: Tour) -> Trip:
    """What the JSON-LD export says about the tour beyond its plan."""
    agency, province = tour.operator_agency, tour.operator_province
    operator: Agency | ProvinceOffice
    if agency is not None:
        operator = Agency(slug=agency.slug, name=agency.name)
    elif province is not None:
        operator = ProvinceOffice(
            code=province.code, name_vi=province.name_vi, name_en=province.name_en
        )
    else:  # the CHECK constraint makes this impossible
        raise ValueError(f"tour {tour.slug} has no operator")
    return Trip(
        slug=tour.slug,
        title_vi=tour.title_vi,
        title_en=tour.title_en,
        summary_vi=tour.summary_vi,
        summary_en=tour.summary_en,
        themes=tour.themes,
        operator=operator,
        price_min_vnd=tour.price_min_vnd,
        price_max_vnd=tour.price_max_vnd,
    )


def editable_document(tour: Tour) -> dict[str, Any]:
    """The tour in the shape of :class:`~tourroute.tours.schemas.TourDefinition`."""
    agency = tour.operator_agency
    return {
        "slug": tour.slug,
        "title_vi": tour.title_vi,
        "title_en": tour.title_en,
        "summary_vi": tour.summary_vi,
        "summary_en": tour.summary_en,
        "themes": [t.value for t in tour.themes],
        "operator": {"agency": agency.slug}
        if agency is not None
        else {"province": tour.operator_province_code},
        "price_min_vnd": tour.price_min_vnd,
        "price_max_vnd": tour.price_max_vnd,
        "vehicle": tour.vehicle.value,
        "start_date": tour.start_date.isoformat(),
        "days": tour.days,
    }


def _sites(tour: Tour) -> list[str]:
    return [s["site"] for day in tour.plan["days"] for s in day["stops"]]


def _common(tour: Tour) -> dict[str, Any]:
    return {
        "slug": tour.slug,
        "title_vi": tour.title_vi,
        "title_en": tour.title_en,
        "summary_vi": tour.summary_vi,
        "summary_en": tour.summary_en,
        "themes": list(tour.themes),
        "provinces": list(tour.plan.get("provinces", [])),
        "sites": _sites(tour),
        "vehicle": tour.vehicle,
        "duration_days": tour.duration_days,
        "operator": operator_read(tour),
        "price": PriceRange(min_vnd=tour.price_min_vnd, max_vnd=tour.price_max_vnd),
        "status": tour.status,
        "start_date": tour.start_date,
        "totals": tour.plan["totals"],
        "created_at": tour.created_at,  # LocalDateTime: +07:00 from either backend
        "updated_at": tour.updated_at,
        "version": tour.version,
    }


def _neutral(tour: Tour) -> dict[str, Any]:
    """The language-neutral members of a read, JSON-ready (no links: they depend on host)."""
    summary = TourSummary(title="", summary="", links=links_for(""), **_common(tour))
    data = summary.model_dump(mode="json", exclude={"title", "summary", "links"})
    data["days"] = tour.days
    return data


def tour_snapshot(tour: Tour) -> dict[str, Any]:
    """A tour as recorded in the audit log: everything but the routed geometry."""
    return _neutral(tour)


def tour_document(tour: Tour) -> dict[str, Any]:
    """The whole tour as a saved version keeps it: the snapshot plus the routed plan."""
    return _neutral(tour) | {"itinerary": tour.plan}


def links_for(base: str) -> TourLinks:
    """Links of a tour whose URL is ``base`` (``…/v1/tours/{slug}``)."""
    return TourLinks(
        self=base,
        geojson=base + ".geojson",
        gpx=base + ".gpx",
        ics=base + ".ics",
        jsonld=base + ".jsonld",
        offline=base + "/offline",
    )


def tour_summary(tour: Tour, language: str, base: str) -> TourSummary:
    return TourSummary(
        title=tour.title_vi if language == "vi" else tour.title_en,
        summary=tour.summary_vi if language == "vi" else tour.summary_en,
        links=links_for(base),
        **_common(tour),
    )


def tour_read(tour: Tour, language: str, base: str, *, steps: bool = False) -> TourRead:
    """A tour as read; its legs' turn-by-turn steps only with ``steps``."""
    return TourRead(
        title=tour.title_vi if language == "vi" else tour.title_en,
        summary=tour.summary_vi if language == "vi" else tour.summary_en,
        links=links_for(base),
        days=tour.days,
        itinerary=tour.plan if steps else without_steps(tour.plan),
        **_common(tour),
    )
