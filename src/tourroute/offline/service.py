"""The offline pack of an itinerary or a tour: which sites go in, the key, the files.

The routers load the trip as their exports do (same 404s, same authorisation) and hand it
here as an :class:`OfflineTrip`; :meth:`OfflineService.prepare` reads the sites it visits
(published ones, as ``GET /v1/sites/{slug}`` serves them) and makes the pack's key, whose
ETag answers ``If-None-Match`` before anything is rendered; :meth:`PreparedPack.build`
renders the plan's exports (the functions of :mod:`tourroute.exports`) only when the
pack is not cached yet.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.orm import Session

from tourroute.config import Settings
from tourroute.errors import NotFound
from tourroute.exports.geojson import to_geojson
from tourroute.exports.gpx import to_gpx
from tourroute.exports.ical import to_ics
from tourroute.offline.pack import OfflinePack, PackContents, PackKey, PackStore, TileOptions
from tourroute.plans import Plan
from tourroute.sites.schemas import SiteRead
from tourroute.sites.service import SiteService

__all__ = ["OfflineService", "OfflineTrip", "PreparedPack", "pack_store", "plan_files"]


def plan_files(
    name: str, plan: Plan, document: dict[str, Any], calendar_id: str, created: datetime
) -> dict[str, bytes]:
    """The plan as the API exports it: ``plan.json`` (``document``, what the trip's own
    GET answers), GeoJSON, GPX and iCalendar, each from its export function."""
    geojson = to_geojson(name, plan).model_dump(mode="json", by_alias=True)
    return {
        "plan.json": _json(document),
        "plan.geojson": _json(geojson),
        "plan.gpx": to_gpx(name, plan),
        "plan.ics": to_ics(calendar_id, plan, created),
    }


@dataclass(frozen=True)
class OfflineTrip:
    """A trip as its router loaded it; ``files`` renders its plan files when called.
    ``url`` is the trip's own (``plan.json``'s links start there)."""

    kind: Literal["itinerary", "tour"]
    ident: str
    version: int
    url: str
    plan: Plan
    files: Callable[[], dict[str, bytes]]


@dataclass(frozen=True)
class PreparedPack:
    """A pack's key (and so its ETag) and how to get it, from the cache or built."""

    key: PackKey
    trip: OfflineTrip
    sites: list[SiteRead]
    store: PackStore

    def build(self) -> OfflinePack:
        """The pack: cached, or built now (the trip's exports rendered only then)."""
        return self.store.get(self.key, self._contents)

    def _contents(self) -> PackContents:
        plan = self.trip.plan
        files = dict(self.trip.files())
        for site in self.sites:
            files[f"sites/{site.slug}.json"] = _json(site.model_dump(mode="json"))
        lines = [leg.geometry.coordinates for day in plan.days for leg in day.legs]
        points = [stop.location for day in plan.days for stop in day.stops]
        points += [day.overnight.location for day in plan.days if day.overnight is not None]
        manifest = {
            "files": sorted(files),
            "sites": [site.slug for site in self.sites],
            "days": len(plan.days),
            "vehicle": plan.vehicle,
        }
        return PackContents(files=files, lines=lines, points=points, manifest=manifest)


def pack_store(settings: Settings) -> PackStore:
    """The packs' cache in ``data_dir/offline``, cut from the base map archive."""
    options = TileOptions(
        corridor_m=settings.offline_corridor_km * 1000.0,
        site_radius_m=settings.offline_site_radius_km * 1000.0,
        low_max_zoom=settings.offline_low_max_zoom,
        max_zoom=settings.offline_max_zoom,
    )
    return PackStore(settings.data_dir / "offline", settings.offline_basemap, options)


class OfflineService:
    """Offline packs of trips the caller may already read."""

    def __init__(self, session: Session, store: PackStore) -> None:
        self.sites = SiteService(session)
        self.store = store

    def prepare(self, trip: OfflineTrip, language: str) -> PreparedPack:
        """The key of ``trip``'s pack: the trip, its published sites (visits and overnight
        places, each once), the language they are named in, the map and the tile options.
        A site no longer published is left out of the pack."""
        slugs: list[str] = []
        for day in trip.plan.days:
            slugs += [stop.site for stop in day.stops]
            if day.overnight is not None:
                slugs.append(day.overnight.site)
        sites: list[SiteRead] = []
        for slug in dict.fromkeys(slugs):
            try:
                sites.append(self.sites.get_site(slug, language))
            except NotFound:
                continue
        key = PackKey(
            kind=trip.kind,
            ident=trip.ident,
            version=trip.version,
            base_url=trip.url,
            language=language,
            sites=tuple((s.slug, s.version) for s in sites),
            archive_sha256=self.store.archive_digest(),
            options=self.store.options,
        )
        return PreparedPack(key, trip, sites, self.store)


def _json(content: Any) -> bytes:
    return json.dumps(content, ensure_ascii=False, indent=1).encode()
