"""Response helpers: content negotiation, language choice and ETag/304 handling."""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from typing import Any

from fastapi import Request, Response

GEOJSON = "application/geo+json"


class OutputFormat(StrEnum):
    json = "json"
    geojson = "geojson"


def wants_geojson(request: Request, f: OutputFormat | None) -> bool:
    """``?f=`` wins; otherwise an ``Accept`` that prefers GeoJSON over plain JSON."""
    if f is not None:
        return f is OutputFormat.geojson
    accept = request.headers.get("accept", "")
    return GEOJSON in accept and "application/json" not in accept.split(GEOJSON)[0]


def preferred_language(request: Request) -> str:
    """``vi`` or ``en`` from ``Accept-Language`` (q-values honoured); English by default."""
    best, best_q = "en", 0.0
    for part in request.headers.get("accept-language", "").split(","):
        tag, _, params = part.strip().partition(";")
        lang = tag.strip().lower().split("-")[0]
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if lang in ("vi", "en") and q > best_q:
            best, best_q = lang, q
    return best


def _etag_matches(if_none_match: str, etag: str) -> bool:
    if if_none_match.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == opaque for tag in if_none_match.split(","))


def cached_json(
    request: Request,
    content: Any,
    media_type: str = "application/json",
    headers: dict[str, str] | None = None,
) -> Response:
    """Serialise ``content``, tag it with a strong ETag and answer 304 when it is unchanged."""
    body = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()
    return cached_bytes(request, body, media_type, headers)


def cached_bytes(
    request: Request,
    body: bytes,
    media_type: str,
    headers: dict[str, str] | None = None,
) -> Response:
    """Any body (JSON, GPX, iCalendar) with a strong ETag of its bytes, 304 when unchanged."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    base_headers = {
        "ETag": etag,
        "Cache-Control": "no-cache",
        "Vary": "Accept, Accept-Language",
        **(headers or {}),
    }
    inm = request.headers.get("if-none-match")
    if inm is not None and _etag_matches(inm, etag):
        return Response(status_code=304, headers=base_headers)
    return Response(content=body, media_type=media_type, headers=base_headers)
