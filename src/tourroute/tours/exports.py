"""Tour exports beyond the itinerary ones: re-dating a plan, and schema.org JSON-LD.

GeoJSON, GPX and iCalendar come from :mod:`tourroute.itineraries.exports` unchanged (a
tour's plan has the itinerary document shape).  A tour is a product sold on many dates, so
every export can be re-dated: :func:`redate` moves the nominal dates to a departure date.
"""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta
from typing import Any

from tourroute.tours.models import Tour

__all__ = ["JSONLD", "redate", "to_jsonld"]

JSONLD = "application/ld+json"
_SCHEMA = "https://schema.org"


def _shift(value: str, delta: timedelta) -> str:
    return (datetime.fromisoformat(value) + delta).isoformat()


def redate(plan: dict[str, Any], start_date: date) -> dict[str, Any]:
    """A copy of ``plan`` whose day 1 falls on ``start_date`` (times of day unchanged).

    >>> plan = {"start_date": "2026-12-04", "days": [{"date": "2026-12-04",
    ...     "start": {"departure": "2026-12-04T08:00:00+07:00"}, "stops": [],
    ...     "end": {"arrival": "2026-12-04T17:00:00+07:00"}}]}
    >>> redate(plan, date(2027, 1, 2))["days"][0]["end"]["arrival"]
    '2027-01-02T17:00:00+07:00'
    """
    delta = timedelta(days=(start_date - date.fromisoformat(plan["start_date"])).days)
    out = copy.deepcopy(plan)
    if not delta:
        return out
    out["start_date"] = start_date.isoformat()
    for day in out["days"]:
        day["date"] = (date.fromisoformat(day["date"]) + delta).isoformat()
        day["start"]["departure"] = _shift(day["start"]["departure"], delta)
        day["end"]["arrival"] = _shift(day["end"]["arrival"], delta)
        for stop in day["stops"]:
            for key in ("arrival", "visit_start", "departure"):
                stop[key] = _shift(stop[key], delta)
    return out


def _text(vi: str, en: str, language: str) -> str:
    return vi if language == "vi" else en


def _place(stop: dict[str, Any], language: str, sites_base: str) -> dict[str, Any]:
    lon, lat = stop["location"]
    return {
        "@type": "TouristAttraction" if stop.get("kind") == "attraction" else "Place",
        "@id": f"{sites_base}/{stop['site']}",
        "identifier": stop["site"],
        "name": _text(stop["name_vi"], stop["name_en"], language),
        "alternateName": _text(stop["name_en"], stop["name_vi"], language),
        "geo": {"@type": "GeoCoordinates", "latitude": lat, "longitude": lon},
        "address": {
            "@type": "PostalAddress",
            "addressRegion": stop["province"],
            "addressCountry": "VN",
        },
    }


def _item_list(stops: list[dict[str, Any]], language: str, sites_base: str) -> dict[str, Any]:
    return {
        "@type": "ItemList",
        "numberOfItems": len(stops),
        "itemListOrder": f"{_SCHEMA}/ItemListOrderAscending",
        "itemListElement": [
            {"@type": "ListItem", "position": i, "item": _place(s, language, sites_base)}
            for i, s in enumerate(stops, start=1)
        ],
    }


def _provider(tour: Tour, language: str) -> dict[str, Any]:
    agency, province = tour.operator_agency, tour.operator_province
    if agency is not None:
        return {"@type": "TravelAgency", "identifier": agency.slug, "name": agency.name}
    if province is None:  # the CHECK constraint makes this impossible
        raise ValueError(f"tour {tour.slug} has no operator")
    return {
        "@type": "GovernmentOrganization",
        "name": _text(
            f"Cơ quan quản lý du lịch tỉnh {province.name_vi}",
            f"Tourism department of {province.name_en}",
            language,
        ),
        "areaServed": {
            "@type": "AdministrativeArea",
            "identifier": province.code,
            "name": _text(province.name_vi, province.name_en, language),
        },
    }


def to_jsonld(
    tour: Tour, plan: dict[str, Any], language: str, base: str, sites_base: str
) -> dict[str, Any]:
    """schema.org ``TouristTrip``: the whole tour, one ``subTrip`` per day, each with its
    ``itinerary`` as an ordered ``ItemList`` of places with coordinates."""
    days = plan["days"]
    doc: dict[str, Any] = {
        "@context": _SCHEMA,
        "@type": "TouristTrip",
        "@id": base,
        "url": base,
        "identifier": tour.slug,
        "name": _text(tour.title_vi, tour.title_en, language),
        "alternateName": _text(tour.title_en, tour.title_vi, language),
        "inLanguage": language,
        "touristType": [t.value for t in tour.themes],
        "departureTime": days[0]["start"]["departure"],
        "arrivalTime": days[-1]["end"]["arrival"],
        "provider": _provider(tour, language),
        "itinerary": _item_list([s for d in days for s in d["stops"]], language, sites_base),
        "subTrip": [
            {
                "@type": "TouristTrip",
                "name": _text(f"Ngày {d['day']}", f"Day {d['day']}", language),
                "departureTime": d["start"]["departure"],
                "arrivalTime": d["end"]["arrival"],
                "itinerary": _item_list(d["stops"], language, sites_base),
            }
            for d in days
        ],
    }
    summary = _text(tour.summary_vi, tour.summary_en, language)
    if summary:
        doc["description"] = summary
    if tour.price_min_vnd is not None or tour.price_max_vnd is not None:
        offer: dict[str, Any] = {"@type": "AggregateOffer", "priceCurrency": "VND"}
        if tour.price_min_vnd is not None:
            offer["lowPrice"] = tour.price_min_vnd
        if tour.price_max_vnd is not None:
            offer["highPrice"] = tour.price_max_vnd
        doc["offers"] = offer
    return doc
