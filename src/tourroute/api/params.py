"""Parsers for the compound query parameters (``bbox``, ``near``) shared by routers."""

from __future__ import annotations

import json
import math

import shapely
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from tourroute.errors import InvalidParameter


def _numbers(name: str, raw: str, count: int) -> list[float]:
    parts = [p.strip() for p in raw.split(",")]
    if len(parts) != count:
        raise InvalidParameter(name, f"expected {count} comma-separated numbers, got '{raw}'")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise InvalidParameter(name, f"not a list of numbers: '{raw}'") from None
    if not all(math.isfinite(v) for v in values):
        raise InvalidParameter(name, "numbers must be finite")
    return values


def _check_lon_lat(name: str, lon: float, lat: float) -> None:
    if not -180 <= lon <= 180:
        raise InvalidParameter(name, f"longitude {lon} is outside -180..180 (order is lon,lat)")
    if not -90 <= lat <= 90:
        raise InvalidParameter(name, f"latitude {lat} is outside -90..90 (order is lon,lat)")


def parse_bbox(raw: str, name: str = "bbox") -> tuple[float, float, float, float]:
    """``minLon,minLat,maxLon,maxLat`` with min < max on both axes."""
    minx, miny, maxx, maxy = _numbers(name, raw, 4)
    _check_lon_lat(name, minx, miny)
    _check_lon_lat(name, maxx, maxy)
    if minx >= maxx or miny >= maxy:
        raise InvalidParameter(
            name, "expected minLon,minLat,maxLon,maxLat with min < max on both axes"
        )
    return minx, miny, maxx, maxy


def parse_lon_lat(
    raw: str, region: tuple[float, float, float, float], name: str = "near"
) -> tuple[float, float]:
    """``lon,lat`` inside the served region (a clear 422 rather than an empty answer)."""
    lon, lat = _numbers(name, raw, 2)
    _check_lon_lat(name, lon, lat)
    minx, miny, maxx, maxy = region
    if not (minx <= lon <= maxx and miny <= lat <= maxy):
        raise InvalidParameter(
            name,
            f"point {lon},{lat} is far outside the region served "
            f"(lon {minx}..{maxx}, lat {miny}..{maxy}); coordinates are lon,lat",
        )
    return lon, lat


MAX_POLYGON_POSITIONS = 10_000


def parse_polygon(raw: str, name: str = "exclude") -> BaseGeometry:
    """A GeoJSON Polygon or MultiPolygon (a geometry or a Feature) in lon/lat, valid and small."""
    try:
        data = json.loads(raw)
    except ValueError:
        raise InvalidParameter(
            name, "not JSON: expected a GeoJSON Polygon or MultiPolygon"
        ) from None
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = data.get("geometry")
    if not isinstance(data, dict) or data.get("type") not in ("Polygon", "MultiPolygon"):
        raise InvalidParameter(name, "expected a GeoJSON Polygon or MultiPolygon geometry")
    try:
        geom = shape(data)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        raise InvalidParameter(name, "malformed GeoJSON coordinates") from None
    if not isinstance(geom, Polygon | MultiPolygon) or geom.is_empty:
        raise InvalidParameter(name, "expected a non-empty Polygon or MultiPolygon")
    coords = shapely.get_coordinates(geom)
    if len(coords) > MAX_POLYGON_POSITIONS:
        raise InvalidParameter(name, f"at most {MAX_POLYGON_POSITIONS} positions")
    if not all(math.isfinite(v) for v in coords.ravel()):
        raise InvalidParameter(name, "coordinates must be finite numbers")
    minx, miny, maxx, maxy = geom.bounds
    _check_lon_lat(name, minx, miny)
    _check_lon_lat(name, maxx, maxy)
    if not geom.is_valid:
        raise InvalidParameter(name, f"invalid polygon: {explain_validity(geom)}")
    return geom
