"""Vocabulary of the site model: kinds, categories and statuses (pure, no web or DB)."""

from __future__ import annotations

from enum import StrEnum


class SiteKind(StrEnum):
    attraction = "attraction"
    lodging = "lodging"
    campsite = "campsite"
    service = "service"


class SiteType(StrEnum):
    """The type of stay of a lodging/campsite, or of service of a ``service`` stop.

    ``guest_house`` is what OSM calls a *nhà nghỉ*; ``homestay`` a stay with a family (a
    guest house whose name says so, or a curated homestay).
    """

    hotel = "hotel"
    motel = "motel"
    guest_house = "guest_house"
    homestay = "homestay"
    hostel = "hostel"
    hut = "hut"
    chalet = "chalet"
    camp_site = "camp_site"
    fuel = "fuel"
    meal = "meal"


# Which types go with which kind (attractions have none).
STAY_TYPES = frozenset(
    {
        SiteType.hotel,
        SiteType.motel,
        SiteType.guest_house,
        SiteType.homestay,
        SiteType.hostel,
        SiteType.hut,
        SiteType.chalet,
    }
)
TYPES_BY_KIND = {
    SiteKind.attraction: frozenset[SiteType](),
    SiteKind.lodging: STAY_TYPES,
    SiteKind.campsite: frozenset({SiteType.camp_site}),
    SiteKind.service: frozenset({SiteType.fuel, SiteType.meal}),
}


class Category(StrEnum):
    heritage = "heritage"
    revolutionary_history = "revolutionary-history"
    nature = "nature"
    beach = "beach"
    spiritual = "spiritual"
    eco_community = "eco-community"
    mountain_adventure = "mountain-adventure"
    craft_village = "craft-village"
    museum = "museum"
    city_landmark = "city-landmark"


class SiteStatus(StrEnum):
    """Curation workflow: draft → in_review → published → archived (see sites.curation)."""

    draft = "draft"
    in_review = "in_review"
    published = "published"
    archived = "archived"
