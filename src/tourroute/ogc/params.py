"""The standard's HTTP rules: 400 for bad query parameters, bbox and datetime, media types.

OGC API – Features Core answers an unknown query parameter or an invalid value with 400
(/req/core/query-param-unknown, /req/core/query-param-invalid), where the rest of this API
uses 422.  :class:`OgcRoute` applies that rule to every ``/ogc`` route, deriving the known
parameters from the route's own declaration so the rule cannot drift from the OpenAPI.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

import orjson
from fastapi import Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from tourroute.api.http import GEOJSON, OutputFormat, cached_bytes
from tourroute.api.params import parse_bbox
from tourroute.errors import BadQuery, FieldError, InvalidParameter
from tourroute.i18n import ValidationIssue
from tourroute.i18n import messages as msgs
from tourroute.ogc.collections import BBox, Interval
from tourroute.ogc.documents import JSON

__all__ = [
    "BadQuery",
    "OgcRoute",
    "feature_media_type",
    "parse_interval",
    "parse_ogc_bbox",
    "stamped_json",
]


def _query_names(dependant: Dependant) -> frozenset[str]:
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return frozenset(names)


def _field_errors(exc: RequestValidationError) -> list[FieldError]:
    out = []
    for err in exc.errors():
        loc = [str(part) for part in err.get("loc", ())]
        location = loc[0] if loc else "query"
        name = ".".join(loc[1:]) if len(loc) > 1 else location
        out.append(FieldError(name, ValidationIssue.of(err), location))
    return out


class OgcRoute(APIRoute):
    """An API route that rejects unknown query parameters and invalid values with 400."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        known = _query_names(self.dependant)

        async def route(request: Request) -> Response:
            unknown = [name for name in request.query_params if name not in known]
            if unknown:
                accepted = ", ".join(sorted(known)) or msgs.NONE
                reason = msgs.OGC_NOT_A_PARAMETER(accepted=accepted)
                raise BadQuery([FieldError(name, reason) for name in unknown], unknown=True)
            try:
                return await handler(request)
            except RequestValidationError as exc:
                raise BadQuery(_field_errors(exc)) from None

        return route


def parse_ogc_bbox(raw: str) -> BBox:
    """``minLon,minLat,maxLon,maxLat`` in CRS84; a 6-number (3D) box has its heights dropped."""
    parts = raw.split(",")
    if len(parts) == 6:
        parts = [parts[0], parts[1], parts[3], parts[4]]
    try:
        return parse_bbox(",".join(parts))
    except InvalidParameter as exc:
        raise BadQuery(exc.errors) from None


def _instant(raw: str) -> datetime:
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise BadQuery([FieldError("datetime", msgs.OGC_NOT_DATETIME(raw=raw))]) from None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def parse_interval(raw: str) -> Interval:
    """An instant, or ``start/end`` where an empty or ``..`` end is open (RFC 3339)."""
    parts = raw.split("/")
    if len(parts) == 1:
        instant = _instant(parts[0])
        return instant, instant
    if len(parts) != 2:
        raise BadQuery([FieldError("datetime", msgs.OGC_INTERVAL_SHAPE())])
    start, end = (None if part in ("", "..") else _instant(part) for part in parts)
    if start is not None and end is not None and start > end:
        raise BadQuery([FieldError("datetime", msgs.OGC_INTERVAL_REVERSED())])
    return start, end


def _quality(accept: str, media_type: str) -> float:
    """The q-value ``accept`` gives ``media_type``: the most specific matching range wins."""
    major = media_type.split("/")[0]
    ranges = {media_type: 2, f"{major}/*": 1, "*/*": 0}
    best_rank, best_q = -1, 0.0
    for entry in accept.split(","):
        media_range, *params = (piece.strip().lower() for piece in entry.split(";"))
        rank = ranges.get(media_range)
        if rank is None or rank <= best_rank:
            continue
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        best_rank, best_q = rank, q
    return best_q


def feature_media_type(request: Request, f: OutputFormat | None) -> str:
    """GeoJSON unless ``f=json`` or an ``Accept`` that prefers ``application/json``.

    Both carry the same GeoJSON document; an Accept naming neither gets GeoJSON too.
    """
    if f is not None:
        return GEOJSON if f is OutputFormat.geojson else JSON
    accept = request.headers.get("accept") or "*/*"
    return JSON if _quality(accept, JSON) > _quality(accept, GEOJSON) else GEOJSON


def stamped_json(request: Request, body: dict[str, Any], media_type: str) -> Response:
    """:func:`cached_json` for a document that gets a ``timeStamp`` of its own.

    The timestamp differs on every response, so the ETag is computed without it and is
    weak (equivalent, not byte-identical, representations): an unchanged page still
    answers ``If-None-Match`` with 304.
    """
    # Serialised once (orjson: compact UTF-8 like cached_json, ~10× faster on a page of
    # features); the stamp is spliced in as the last member, where {**body, "timeStamp":
    # now} would put it.
    raw = orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS)
    probe = cached_bytes(request, raw, media_type)
    etag = "W/" + probe.headers["etag"]
    if probe.status_code == 304:
        probe.headers["etag"] = etag
        return probe
    now = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    stamp = b"," if len(body) else b""
    stamped = raw[:-1] + stamp + b'"timeStamp":' + orjson.dumps(now) + b"}"
    return cached_bytes(request, stamped, media_type, {"ETag": etag})
