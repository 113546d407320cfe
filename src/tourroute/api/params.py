"""Parsers for the compound query parameters (``bbox``, ``near``) shared by routers."""

from __future__ import annotations

import math

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
