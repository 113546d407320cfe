"""Version ETags on the wire: ``versioned_json`` answers with a row's version ETag.

The rule itself (the ETag of a version, ``If-Match`` → 428 / 412) is pure and lives in
:mod:`tourroute.db.versioned`, where the services that write versioned rows call it; this
module only shapes the HTTP response (``ETag``, ``Cache-Control``, 304 on a matching
``If-None-Match``).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request, Response

from tourroute.db.versioned import version_etag

__all__ = ["versioned_json"]


def _body(content: Any) -> bytes:
    return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()


def _none_match(if_none_match: str, etag: str) -> bool:
    if if_none_match.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    return any(t.strip().removeprefix("W/") == opaque for t in if_none_match.split(","))


def versioned_json(
    request: Request,
    content: Any,
    version: int,
    *,
    media_type: str = "application/json",
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """Serialise ``content`` with its version ETag; a GET with a matching If-None-Match → 304."""
    body = _body(content)
    etag = version_etag(version, body)
    base_headers = {
        "ETag": etag,
        "Cache-Control": "no-cache",
        "Vary": "Accept, Accept-Language",
        **(headers or {}),
    }
    inm = request.headers.get("if-none-match")
    if request.method in ("GET", "HEAD") and inm is not None and _none_match(inm, etag):
        return Response(status_code=304, headers=base_headers)
    return Response(
        content=body, status_code=status_code, media_type=media_type, headers=base_headers
    )
