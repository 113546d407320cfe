"""Use cases for provinces."""

from __future__ import annotations

from typing import Any

from geoalchemy2.shape import to_shape
from shapely.geometry import mapping
from sqlalchemy.orm import Session

from tourroute.errors import NotFound
from tourroute.provinces.models import Province
from tourroute.provinces.repository import ProvinceRepository
from tourroute.provinces.schemas import ProvinceRead


class ProvinceService:
    def __init__(self, session: Session) -> None:
        self.repo = ProvinceRepository(session)

    def _read(self, p: Province, language: str, counts: dict[str, int]) -> ProvinceRead:
        minx, miny, maxx, maxy = to_shape(p.boundary).bounds
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
        counts = self.repo.site_counts()
        return [
            (self._read(p, language, counts), dict(mapping(to_shape(p.boundary))))
            for p in self.repo.list()
        ]

    def get(self, code_or_slug: str, language: str) -> tuple[ProvinceRead, dict[str, Any]]:
        p = self.repo.find(code_or_slug)
        if p is None:
            raise NotFound(f"No province '{code_or_slug}'.")
        return self._read(p, language, self.repo.site_counts()), dict(mapping(to_shape(p.boundary)))


def province_feature(read: ProvinceRead, geometry: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": read.code,
        "geometry": geometry,
        "properties": read.model_dump(mode="json"),
    }
