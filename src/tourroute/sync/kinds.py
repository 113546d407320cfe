"""The registry of syncable kinds: what sync and the bundle know about each kind of row.

A kind is an ORM class with ``id``, ``slug``, ``status``, ``created_at`` and ``updated_at``
(every write bumps ``updated_at``), the status value that means "public", a function that
turns a row into a GeoJSON Feature, and a function telling which of some rows were ever
public (only those get tombstones: a draft that never was published is on no phone, and its
slug is not announced to anonymous clients); the queries are :class:`ChangeRepository`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from tourroute.sites.domain import SiteStatus
from tourroute.sites.models import Site
from tourroute.sites.service import site_feature, to_read
from tourroute.sync.repository import ChangeRepository
from tourroute.tours.documents import tour_summary
from tourroute.tours.domain import TourStatus
from tourroute.tours.models import Tour

__all__ = ["KINDS", "SyncKind", "site_kind", "tour_kind"]

FeatureOf = Callable[[Any, str], dict[str, Any]]
EverPublished = Callable[[Session, Collection[int]], set[int]]


@dataclass(frozen=True)
class SyncKind:
    name: str  # "site", "tour": the ``type`` clients see; also the tie-break order
    model: Any
    published: Any
    feature: FeatureOf
    ever_published: EverPublished


def _site_feature(site: Site, language: str) -> dict[str, Any]:
    return site_feature(to_read(site, language))


def _sites_ever_published(session: Session, ids: Collection[int]) -> set[int]:
    return ChangeRepository(session).sites_ever_published(ids)


site_kind = SyncKind(
    name="site",
    model=Site,
    published=SiteStatus.published,
    feature=_site_feature,
    ever_published=_sites_ever_published,
)


def _tour_feature(tour: Tour, language: str) -> dict[str, Any]:
    """A tour as one Feature: its routed legs as a MultiLineString, its summary and days.

    The stops are sites, which are in the same feed by slug; the full routed plan (times,
    per-leg figures) stays at ``links.self``.
    """
    lines = [
        leg["geometry"]["coordinates"]
        for day in tour.plan.get("days", [])
        for leg in day.get("legs", [])
        if isinstance(leg.get("geometry"), dict) and leg["geometry"].get("type") == "LineString"
    ]
    properties = tour_summary(tour, language, f"/v1/tours/{tour.slug}").model_dump(mode="json")
    properties["days"] = tour.days
    return {
        "type": "Feature",
        "id": tour.slug,
        "geometry": {"type": "MultiLineString", "coordinates": lines} if lines else None,
        "properties": properties,
    }


def _tours_ever_published(session: Session, ids: Collection[int]) -> set[int]:
    return ChangeRepository(session).tours_ever_published(ids)


tour_kind = SyncKind(
    name="tour",
    model=Tour,
    published=TourStatus.published,
    feature=_tour_feature,
    ever_published=_tours_ever_published,
)

# Ordered by name: the change order breaks ties of updated_at by (kind, id).
KINDS: tuple[SyncKind, ...] = (site_kind, tour_kind)
