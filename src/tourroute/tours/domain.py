"""Vocabulary of the tour catalogue (pure, no web or DB)."""

from __future__ import annotations

from enum import StrEnum

from tourroute.sites.domain import SiteKind

MAX_DAYS = 14
MAX_STOPS_PER_DAY = 20
MAX_PRICE_VND = 1_000_000_000
# Where a tour's night may be spent (as for composed itineraries).
OVERNIGHT_KINDS = frozenset({SiteKind.lodging, SiteKind.campsite})


class TourStatus(StrEnum):
    """``draft → published → archived`` (a draft may also be archived directly)."""

    draft = "draft"
    published = "published"
    archived = "archived"
