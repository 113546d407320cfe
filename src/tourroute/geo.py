"""Parsing of coordinates given as text (``lon,lat``), shared by the HTTP edge and use cases.

Pure: no web framework, no database.  A bad value is an
:class:`~tourroute.errors.InvalidParameter` (422) naming the parameter, so a use case that
accepts ``lon,lat`` where a slug would also do (:mod:`tourroute.routes.service`)
and the routers' query parsers (:mod:`tourroute.api.params`) give the same answers.
"""

from __future__ import annotations

import math

from tourroute.errors import InvalidParameter
from tourroute.i18n import messages as msgs

__all__ = ["check_lon_lat", "parse_lon_lat", "parse_numbers"]


def parse_numbers(name: str, raw: str, count: int) -> list[float]:
    """Exactly ``count`` comma-separated finite numbers.

    >>> parse_numbers("near", "105.6, 20.1", 2)
    [105.6, 20.1]
    """
    parts = [p.strip() for p in raw.split(",")]
    if len(parts) != count:
        raise InvalidParameter(name, msgs.EXPECTED_NUMBERS(count=count, raw=raw))
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise InvalidParameter(name, msgs.NOT_NUMBERS(raw=raw)) from None
    if not all(math.isfinite(v) for v in values):
        raise InvalidParameter(name, msgs.NUMBERS_NOT_FINITE())
    return values


def check_lon_lat(name: str, lon: float, lat: float) -> None:
    """A longitude in -180..180 and a latitude in -90..90 (a 422 that recalls the order)."""
    if not -180 <= lon <= 180:
        raise InvalidParameter(name, msgs.LONGITUDE_RANGE(lon=lon))
    if not -90 <= lat <= 90:
        raise InvalidParameter(name, msgs.LATITUDE_RANGE(lat=lat))


def parse_lon_lat(
    raw: str, region: tuple[float, float, float, float], name: str = "near"
) -> tuple[float, float]:
    """``lon,lat`` inside the served region (a clear 422 rather than an empty answer)."""
    lon, lat = parse_numbers(name, raw, 2)
    check_lon_lat(name, lon, lat)
    minx, miny, maxx, maxy = region
    if not (minx <= lon <= maxx and miny <= lat <= maxy):
        raise InvalidParameter(
            name,
            msgs.OUTSIDE_REGION(lon=lon, lat=lat, minx=minx, maxx=maxx, miny=miny, maxy=maxy),
        )
    return lon, lat
