"""A tour as schema.org JSON-LD: a ``TouristTrip`` with a ``subTrip`` per day.

The tour's plan gives the days and places; what the plan does not hold (titles, themes,
operator, prices) comes in a :class:`Trip`, which the tour package builds from its row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel
from pydantic.config import JsonDict
from pydantic.json_schema import SkipJsonSchema

from tourroute.plans import Plan, Visit
from tourroute.sites.domain import Category, SiteKind

__all__ = [
    "JSONLD",
    "Agency",
    "ProvinceOffice",
    "TouristTrip",
    "Trip",
    "to_jsonld",
]

JSONLD = "application/ld+json"


@dataclass(frozen=True)
class Agency:
    """A travel agency operating a tour."""

    slug: str
    name: str


@dataclass(frozen=True)
class ProvinceOffice:
    """A province's tourism department, operating its official tours."""

    code: str
    name_vi: str
    name_en: str


@dataclass(frozen=True)
class Trip:
    """What JSON-LD says about a tour beyond its plan."""

    slug: str
    title_vi: str
    title_en: str
    summary_vi: str
    summary_en: str
    themes: Sequence[Category]
    operator: Agency | ProvinceOffice
    price_min_vnd: int | None
    price_max_vnd: int | None


# --- the schema.org vocabulary used -----------------------------------------------------------


# A member without a value is left out (dumped with ``exclude_none``): never null.
Omitted = SkipJsonSchema[None]


def _may_be_left_out(*names: str) -> Callable[[JsonDict], None]:
    """A ``json_schema_extra`` that makes the members ``names`` (aliases) optional."""

    def drop(schema: JsonDict) -> None:
        required = schema.get("required")
        if isinstance(required, list):
            schema["required"] = [n for n in required if n not in names]

    return drop


class _LinkedData(BaseModel):
    # Built by Python name (``type``, ``alternate_name``), written by schema.org's
    # (``@type``, ``alternateName``); every member is written, but for those typed
    # ``X | Omitted``, which are left out when None.
    model_config = ConfigDict(
        alias_generator=to_camel,
        extra="forbid",
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        json_schema_serialization_defaults_required=True,
    )


class GeoCoordinates(_LinkedData):
    type: Literal["GeoCoordinates"] = Field(default="GeoCoordinates", alias="@type")
    latitude: float
    longitude: float


class PostalAddress(_LinkedData):
    type: Literal["PostalAddress"] = Field(default="PostalAddress", alias="@type")
    address_region: str = Field(description="ISO 3166-2 code")
    address_country: Literal["VN"] = "VN"


class TripPlace(_LinkedData):
    type: Literal["TouristAttraction", "Place"] = Field(alias="@type")
    id: str = Field(alias="@id", description="the site's URL")
    identifier: str = Field(description="the site's slug")
    name: str
    alternate_name: str
    geo: GeoCoordinates
    address: PostalAddress


class TripListItem(_LinkedData):
    type: Literal["ListItem"] = Field(default="ListItem", alias="@type")
    position: int
    item: TripPlace


class TripItemList(_LinkedData):
    type: Literal["ItemList"] = Field(default="ItemList", alias="@type")
    number_of_items: int
    item_list_order: Literal["https://schema.org/ItemListOrderAscending"] = (
        "https://schema.org/ItemListOrderAscending"
    )
    item_list_element: list[TripListItem]


class TravelAgency(_LinkedData):
    type: Literal["TravelAgency"] = Field(default="TravelAgency", alias="@type")
    identifier: str
    name: str


class AdministrativeArea(_LinkedData):
    type: Literal["AdministrativeArea"] = Field(default="AdministrativeArea", alias="@type")
    identifier: str = Field(description="ISO 3166-2 code")
    name: str


class GovernmentOrganization(_LinkedData):
    type: Literal["GovernmentOrganization"] = Field(default="GovernmentOrganization", alias="@type")
    name: str
    area_served: AdministrativeArea


class AggregateOffer(_LinkedData):
    model_config = ConfigDict(json_schema_extra=_may_be_left_out("lowPrice", "highPrice"))

    type: Literal["AggregateOffer"] = Field(default="AggregateOffer", alias="@type")
    price_currency: Literal["VND"] = "VND"
    low_price: int | Omitted = None
    high_price: int | Omitted = None


class DayTrip(_LinkedData):
    type: Literal["TouristTrip"] = Field(default="TouristTrip", alias="@type")
    name: str
    departure_time: dt.datetime
    arrival_time: dt.datetime
    itinerary: TripItemList


class TouristTrip(_LinkedData):
    """schema.org ``TouristTrip``: the whole tour; ``subTrip`` its days; ``itinerary`` an
    ordered ``ItemList`` of places with coordinates. Members without a value
    (``description``, ``offers``, an offer's missing price) are left out."""

    model_config = ConfigDict(json_schema_extra=_may_be_left_out("description", "offers"))

    context: Literal["https://schema.org"] = Field(default="https://schema.org", alias="@context")
    type: Literal["TouristTrip"] = Field(default="TouristTrip", alias="@type")
    id: str = Field(alias="@id", description="the tour's URL")
    url: str
    identifier: str = Field(description="the tour's slug")
    name: str
    alternate_name: str
    in_language: Literal["vi", "en"]
    tourist_type: list[Category]
    departure_time: dt.datetime
    arrival_time: dt.datetime
    provider: TravelAgency | GovernmentOrganization
    itinerary: TripItemList
    sub_trip: list[DayTrip]
    description: str | Omitted = None
    offers: AggregateOffer | Omitted = None


# --- rendering ----------------------------------------------------------------------------


def _text(vi: str, en: str, language: str) -> str:
    return vi if language == "vi" else en


def _place(stop: Visit, language: str, sites_base: str) -> TripPlace:
    lon, lat = stop.location
    return TripPlace(
        type="TouristAttraction" if stop.kind is SiteKind.attraction else "Place",
        id=f"{sites_base}/{stop.site}",
        identifier=stop.site,
        name=_text(stop.name_vi, stop.name_en, language),
        alternate_name=_text(stop.name_en, stop.name_vi, language),
        geo=GeoCoordinates(latitude=lat, longitude=lon),
        address=PostalAddress(address_region=_province(stop)),
    )


def _province(stop: Visit) -> str:
    if stop.province is None:  # a tour's plan names the province of every visit
        raise ValueError(f"visit {stop.id} has no province")
    return stop.province


def _item_list(stops: Sequence[Visit], language: str, sites_base: str) -> TripItemList:
    return TripItemList(
        number_of_items=len(stops),
        item_list_element=[
            TripListItem(position=i, item=_place(s, language, sites_base))
            for i, s in enumerate(stops, start=1)
        ],
    )


def _provider(
    operator: Agency | ProvinceOffice, language: str
) -> TravelAgency | GovernmentOrganization:
    if isinstance(operator, Agency):
        return TravelAgency(identifier=operator.slug, name=operator.name)
    return GovernmentOrganization(
        name=_text(
            f"Cơ quan quản lý du lịch tỉnh {operator.name_vi}",
            f"Tourism department of {operator.name_en}",
            language,
        ),
        area_served=AdministrativeArea(
            identifier=operator.code,
            name=_text(operator.name_vi, operator.name_en, language),
        ),
    )


def to_jsonld(trip: Trip, plan: Plan, language: str, base: str, sites_base: str) -> TouristTrip:
    """schema.org ``TouristTrip``: the whole tour, one ``subTrip`` per day, each with its
    ``itinerary`` as an ordered ``ItemList`` of places with coordinates.

    ``base`` is the tour's URL, ``sites_base`` the URL of the sites (a place's ``@id`` is
    ``{sites_base}/{slug}``); dump it with ``exclude_none=True``.
    """
    days = plan.days
    offers = None
    if trip.price_min_vnd is not None or trip.price_max_vnd is not None:
        offers = AggregateOffer(low_price=trip.price_min_vnd, high_price=trip.price_max_vnd)
    return TouristTrip(
        id=base,
        url=base,
        identifier=trip.slug,
        name=_text(trip.title_vi, trip.title_en, language),
        alternate_name=_text(trip.title_en, trip.title_vi, language),
        in_language="vi" if language == "vi" else "en",
        tourist_type=list(trip.themes),
        departure_time=days[0].start.departure,
        arrival_time=days[-1].end.arrival,
        provider=_provider(trip.operator, language),
        itinerary=_item_list([s for d in days for s in d.stops], language, sites_base),
        sub_trip=[
            DayTrip(
                name=_text(f"Ngày {d.day}", f"Day {d.day}", language),
                departure_time=d.start.departure,
                arrival_time=d.end.arrival,
                itinerary=_item_list(d.stops, language, sites_base),
            )
            for d in days
        ],
        description=_text(trip.summary_vi, trip.summary_en, language) or None,
        offers=offers,
    )
