"""Parsers for the compound query parameters (``bbox``, ``exclude``) shared by routers, and
the ``steps`` flag of every answer with routed legs.

``lon,lat`` (``near``, a route's endpoints) is parsed by :func:`tourroute.geo.parse_lon_lat`,
which the use cases call too.
"""

from __future__ import annotations

import json
import math
from typing import Annotated

import shapely
from fastapi import Query
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from tourroute.errors import InvalidParameter
from tourroute.geo import check_lon_lat, parse_numbers
from tourroute.i18n import Verbatim
from tourroute.i18n import messages as msgs

StepsFlag = Annotated[
    bool,
    Query(
        description="also answer every leg's turn-by-turn `steps` (depart, turns, roundabouts, "
        "arrive) with instructions in Vietnamese and English; left out by default to keep "
        "the answer small"
    ),
]


def parse_bbox(raw: str, name: str = "bbox") -> tuple[float, float, float, float]:
    """``minLon,minLat,maxLon,maxLat`` with min < max on both axes."""
    minx, miny, maxx, maxy = parse_numbers(name, raw, 4)
    check_lon_lat(name, minx, miny)
    check_lon_lat(name, maxx, maxy)
    if minx >= maxx or miny >= maxy:
        raise InvalidParameter(name, msgs.BBOX_ORDER())
    return minx, miny, maxx, maxy


MAX_POLYGON_POSITIONS = 10_000


def parse_polygon(raw: str, name: str = "exclude") -> BaseGeometry:
    """A GeoJSON Polygon or MultiPolygon (a geometry or a Feature) in lon/lat, valid and small."""
    try:
        data = json.loads(raw)
    except ValueError:
        raise InvalidParameter(name, msgs.GEOJSON_NOT_JSON()) from None
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = data.get("geometry")
    if not isinstance(data, dict) or data.get("type") not in ("Polygon", "MultiPolygon"):
        raise InvalidParameter(name, msgs.GEOJSON_NOT_POLYGON())
    try:
        geom = shape(data)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        raise InvalidParameter(name, msgs.GEOJSON_MALFORMED()) from None
    if not isinstance(geom, Polygon | MultiPolygon) or geom.is_empty:
        raise InvalidParameter(name, msgs.POLYGON_EMPTY())
    coords = shapely.get_coordinates(geom)
    if len(coords) > MAX_POLYGON_POSITIONS:
        raise InvalidParameter(name, msgs.POLYGON_TOO_MANY_POSITIONS(limit=MAX_POLYGON_POSITIONS))
    if not all(math.isfinite(v) for v in coords.ravel()):
        raise InvalidParameter(name, msgs.COORDINATES_NOT_FINITE())
    minx, miny, maxx, maxy = geom.bounds
    check_lon_lat(name, minx, miny)
    check_lon_lat(name, maxx, maxy)
    if not geom.is_valid:
        raise InvalidParameter(name, msgs.POLYGON_INVALID(reason=Verbatim(explain_validity(geom))))
    return geom
