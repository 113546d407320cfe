"""A province's outline as the seed loader and the site checks use it: the distance of a
point outside it, in metres, and the tolerance within which a point still counts as inside.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Point
from shapely.geometry.base import BaseGeometry

__all__ = ["PROVINCE_TOLERANCE_M", "ProvinceSeed"]

# geoBoundaries outlines are simplified (median offset 0.4–0.8 km, max 4.5 km from the
# official outlines); a point this close to its province still counts as inside.
PROVINCE_TOLERANCE_M = 2_000.0
# Vietnam's three provinces all lie in UTM zone 48N: metres without geodesic machinery.
_TO_UTM = Transformer.from_crs(4326, 32648, always_xy=True).transform


@dataclass
class ProvinceSeed:
    code: str
    slug: str
    name_vi: str
    name_en: str
    source: str
    boundary: MultiPolygon

    @cached_property
    def boundary_utm(self) -> BaseGeometry:
        return shapely.transform(self.boundary, _TO_UTM, interleaved=False)

    def distance_outside_m(self, lon: float, lat: float) -> float:
        return float(self.boundary_utm.distance(Point(_TO_UTM(lon, lat))))
