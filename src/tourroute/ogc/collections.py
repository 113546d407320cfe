"""The feature collections served at ``/ogc/collections`` and the queries behind them.

A collection is an object with the members of :class:`FeatureSource`; to serve another
one, write such a class next to :class:`SitesCollection` and :class:`ToursCollection` and
add an instance to :data:`COLLECTIONS`.  The router, the documents and the paging are
shared.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from shapely.geometry import box, shape
from sqlalchemy.orm import Session

from tourroute.errors import NotFound
from tourroute.i18n import messages as msgs
from tourroute.sites.repository import SiteFilters, SiteRepository
from tourroute.sites.service import SiteService, item_feature, site_feature
from tourroute.sync.kinds import tour_kind
from tourroute.sync.repository import ChangeRepository
from tourroute.tours.models import Tour
from tourroute.tours.service import TourService

__all__ = [
    "COLLECTIONS",
    "BBox",
    "Feature",
    "FeatureSource",
    "Interval",
    "ItemsPage",
    "ItemsQuery",
    "SitesCollection",
    "ToursCollection",
    "find_collection",
]

BBox = tuple[float, float, float, float]
"""minLon, minLat, maxLon, maxLat in CRS84."""
Feature = dict[str, Any]
"""A GeoJSON Feature (RFC 7946)."""
Interval = tuple[datetime | None, datetime | None]
"""A closed time interval; ``None`` is an open end."""


@dataclass(frozen=True)
class ItemsQuery:
    """A validated ``/items`` request: filters, page window and the language of ``name``."""

    offset: int
    limit: int
    language: str
    bbox: BBox | None = None
    interval: Interval | None = None


@dataclass(frozen=True)
class ItemsPage:
    features: list[Feature]
    number_matched: int


class FeatureSource(Protocol):
    """What the OGC router needs of a collection."""

    @property
    def id(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def description(self) -> str: ...

    def extent(self, session: Session) -> BBox | None:
        """The bounding box of all its features in CRS84, or ``None`` when it is empty."""
        ...

    def items(self, session: Session, query: ItemsQuery) -> ItemsPage:
        """One page of features in a stable order, with how many match in all."""
        ...

    def item(self, session: Session, feature_id: str, language: str) -> Feature:
        """One feature; raises :class:`~tourroute.errors.NotFound` when there is none."""
        ...


class SitesCollection:
    """Published sites as point features; id = slug, properties as in ``/v1/sites``."""

    id = "sites"
    title = "Tourist sites of Thanh Hóa, Nghệ An and Hà Tĩnh"
    description = (
        "Published attractions, places to stay, campsites and services, one point each. "
        "Properties are those of GET /v1/sites/{slug}; `name` follows Accept-Language."
    )

    def extent(self, session: Session) -> BBox | None:
        return SiteRepository(session).published_extent()

    def items(self, session: Session, query: ItemsQuery) -> ItemsPage:
        if query.interval is not None:
            # Sites carry no temporal geometry, so none intersects a datetime filter
            # (OGC API Features Core, /req/core/fc-time-response).
            return ItemsPage([], 0)
        filters = SiteFilters(bbox=query.bbox)
        # One statement: the page's rows and, from the same statement, how many match.
        page = SiteService(session).list_items(
            filters, query.offset, query.limit, query.language, with_count=True
        )
        features = [item_feature(item) for item in page.items]
        return ItemsPage(features, page.matched or 0)

    def item(self, session: Session, feature_id: str, language: str) -> Feature:
        return site_feature(SiteService(session).get_site(feature_id, language))


class ToursCollection:
    """Published tours as line features; id = slug, properties as in ``/v1/tours``.

    A feature is the one the sync feed serves (:data:`tourroute.sync.kinds.tour_kind`): the
    routed legs of every day as a MultiLineString (``null`` for a tour without legs) and the
    tour's summary with its days.  The legs are JSON inside the stored plan, not a spatial
    column, so the extent and the ``bbox`` filter are worked out in Python over the published
    tours.  There are few (a catalogue of curated tours, not of user data); should there ever
    be many, the legs' bounds would belong in indexed columns written with the plan.
    """

    id = "tours"
    title = "Tours of Thanh Hóa, Nghệ An and Hà Tĩnh"
    description = (
        "Published multi-day tours, each one feature whose geometry is its routed legs "
        "(a MultiLineString). Properties are those of GET /v1/tours; `title` follows "
        "Accept-Language. Stops are the features of the `sites` collection, by slug."
    )

    @staticmethod
    def _published(session: Session) -> list[Tour]:
        tours: list[Tour] = ChangeRepository(session).published(tour_kind)
        return tours

    @staticmethod
    def _feature(tour: Tour, language: str) -> Feature:
        return tour_kind.feature(tour, language)

    def extent(self, session: Session) -> BBox | None:
        bounds = [
            shape(geometry).bounds
            for tour in self._published(session)
            if (geometry := self._feature(tour, "vi")["geometry"]) is not None
        ]
        if not bounds:
            return None
        return (
            min(b[0] for b in bounds),
            min(b[1] for b in bounds),
            max(b[2] for b in bounds),
            max(b[3] for b in bounds),
        )

    def items(self, session: Session, query: ItemsQuery) -> ItemsPage:
        if query.interval is not None:
            # A tour's start date is nominal (exports re-date it): no temporal geometry, so
            # nothing intersects a datetime filter, as for sites.
            return ItemsPage([], 0)
        features = [self._feature(tour, query.language) for tour in self._published(session)]
        if query.bbox is not None:
            area = box(*query.bbox)
            features = [
                f
                for f in features
                if f["geometry"] is not None and shape(f["geometry"]).intersects(area)
            ]
        page = features[query.offset : query.offset + query.limit]
        return ItemsPage(page, len(features))

    def item(self, session: Session, feature_id: str, language: str) -> Feature:
        return self._feature(TourService(session).published(feature_id), language)


COLLECTIONS: tuple[FeatureSource, ...] = (SitesCollection(), ToursCollection())


def find_collection(collection_id: str) -> FeatureSource:
    for source in COLLECTIONS:
        if source.id == collection_id:
            return source
    known = ", ".join(source.id for source in COLLECTIONS)
    raise NotFound(msgs.OGC_NO_COLLECTION(collection=collection_id, known=known))
