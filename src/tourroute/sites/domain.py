"""Vocabulary of the site model: kinds, categories and statuses (pure, no web or DB)."""

from __future__ import annotations

from enum import StrEnum


class SiteKind(StrEnum):
    attraction = "attraction"
    lodging = "lodging"
    campsite = "campsite"
    service = "service"


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
