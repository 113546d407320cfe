"""Provinces as the catalogue shows them: boundary, bbox and how many published sites each
holds. It lives with the sites because the count is theirs; `provinces/` is the geography
below every package (codes, names, boundaries)."""

from __future__ import annotations

from typing import Any

from shapely.geometry import mapping
from sqlalchemy.orm import Session

from tourroute.db.spatial import shape_of
from tourroute.errors import NotFound
from tourroute.i18n import messages as msgs
from tourroute.provinces.models import Province
from tourroute.provinces.repository import ProvinceRepository
from tourroute.provinces.schemas import ProvinceRead
from tourroute.sites.repository import SiteRepository


class ProvinceService:
    """Reads of the provinces as the catalogue shows them (nothing here writes).

    ``language`` picks ``name``: ``vi`` the Vietnamese name, anything else the English one.
    Each province comes with its boundary as a GeoJSON geometry (WGS84 lon/lat), and its
    ``bbox`` (min lon, min lat, max lon, max lat, rounded to 6 decimals).

    Parameters
    ----------
    session
        The request's session (only read).
    """

    def __init__(self, session: Session) -> None:
        self.repo = ProvinceRepository(session)
        self.sites = SiteRepository(session)

    def _read(self, p: Province, language: str, counts: dict[str, int]) -> ProvinceRead:
        """One province's read model; ``counts`` is passed in so a list counts only once."""
        minx, miny, maxx, maxy = shape_of(p.boundary).bounds
        return ProvinceRead(
            code=p.code,
            slug=p.slug,
            name=p.name_vi if language == "vi" else p.name_en,
            name_vi=p.name_vi,
            name_en=p.name_en,
            bbox=(round(minx, 6), round(miny, 6), round(maxx, 6), round(maxy, 6)),
            published_sites=counts.get(p.code, 0),
            source=p.source,
            version=p.version,
        )

    def list(self, language: str) -> list[tuple[ProvinceRead, dict[str, Any]]]:
        """Every province, by code, with how many published sites it holds.

        Returns
        -------
        list of (ProvinceRead, dict)
            Each province and its boundary geometry.
        """
        counts = self.sites.published_counts_by_province()
        return [
            (self._read(p, language, counts), dict(mapping(shape_of(p.boundary))))
            for p in self.repo.list()
        ]

    def get(self, code_or_slug: str, language: str) -> tuple[ProvinceRead, dict[str, Any]]:
        """One province by ISO code (``VN-21``) or slug (``thanh-hoa``), any case.

        Returns
        -------
        tuple of (ProvinceRead, dict)
            The province and its boundary geometry.

        Raises
        ------
        NotFound
            No province has this code or slug (404).
        """
        p = self.repo.find(code_or_slug)
        if p is None:
            raise NotFound(msgs.PROVINCE_NOT_FOUND(key=code_or_slug))
        return self._read(p, language, self.sites.published_counts_by_province()), dict(
            mapping(shape_of(p.boundary))
        )


def province_feature(read: ProvinceRead, geometry: dict[str, Any]) -> dict[str, Any]:
    """A GeoJSON Feature of a province: id = code, geometry = its boundary."""
    return {
        "type": "Feature",
        "id": read.code,
        "geometry": geometry,
        "properties": read.model_dump(mode="json"),
    }
