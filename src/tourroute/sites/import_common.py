"""What the importers of sites share: the province of a point, readable slugs, and the
record of a creation in the workflow history and the audit log.

Used by :mod:`tourroute.sites.osm_places` (``tourroute import osm-places``) and
:mod:`tourroute.sites.places_import` (``tourroute import places``, ``tourroute seed load``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shapely.geometry import MultiPolygon
from sqlalchemy.orm import Session

from tourroute.accounts.authorization import Action
from tourroute.db.audit import AuditTrail
from tourroute.db.spatial import shape_of
from tourroute.provinces.models import Province
from tourroute.provinces.outline import PROVINCE_TOLERANCE_M, ProvinceSeed
from tourroute.provinces.repository import ProvinceRepository
from tourroute.sites.curation import site_snapshot
from tourroute.sites.models import Site, SiteTransition
from tourroute.sites.repository import SiteRepository
from tourroute.text import folded_key

__all__ = ["ProvinceOutline", "province_of", "province_outlines", "record_creation", "slug_words"]

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class ProvinceOutline:
    province: Province
    shape: ProvinceSeed  # the seed loader's outline, for its distance-outside rule


def province_outlines(session: Session) -> list[ProvinceOutline]:
    """The database's provinces with their outlines (in UTM 48N for distances)."""
    out = []
    for p in ProvinceRepository(session).list():
        boundary = shape_of(p.boundary)
        if not isinstance(boundary, MultiPolygon):  # pragma: no cover - the column's type
            boundary = MultiPolygon([boundary])
        out.append(
            ProvinceOutline(p, ProvinceSeed(p.code, p.slug, p.name_vi, p.name_en, "", boundary))
        )
    return out


def province_of(outlines: list[ProvinceOutline], lon: float, lat: float) -> Province | None:
    """The province holding the point (2 km tolerance; the nearest if several), or None."""
    best: tuple[float, str, Province] | None = None
    for o in outlines:
        off = o.shape.distance_outside_m(lon, lat)
        if off <= PROVINCE_TOLERANCE_M and (best is None or (off, o.province.code) < best[:2]):
            best = (off, o.province.code, o.province)
    return None if best is None else best[2]


def slug_words(text: str) -> str:
    """The folded words of ``text`` joined by ``-`` ('' when none).

    >>> slug_words("Khách sạn ở Mường Xén"), slug_words("!!!")
    ('khach-san-o-muong-xen', '')
    """
    return _NOT_SLUG.sub("-", folded_key(text)).strip("-")


def record_creation(
    sites: SiteRepository, audit: AuditTrail, site: Site, principal_name: str
) -> None:
    """An imported site's creation in its workflow history and in the audit log."""
    sites.add_transition(
        SiteTransition(
            site_id=site.id,
            from_status=None,
            to_status=site.status,
            principal_id=None,
            principal_name=principal_name,
        )
    )
    audit.record(
        None,
        Action.site_create.value,
        "site",
        site.slug,
        before=None,
        after=site_snapshot(site),
        province_code=site.province_code,
        system_name=principal_name,
    )
