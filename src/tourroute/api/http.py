"""Response helpers: content negotiation, language choice, and ETags with their 304s.

ETags are computed by :func:`strong_etag` and compared with ``If-None-Match`` by
:func:`etag_matches`; :func:`tagged_response` answers with a tagged body or a 304.
"""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from typing import Any

from fastapi import Request, Response

from tourroute.db.versioned import version_etag
from tourroute.i18n import negotiate

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
    return negotiate(request.headers.get("accept-language"))


def strong_etag(body: bytes, *, version: int | None = None, coding: str | None = None) -> str:
    """The strong ETag of a representation: every ETag the API sends is made here.

    Parameters
    ----------
    body
        The representation's bytes (before any content coding).
    version
        For a versioned row: its version, which ``If-Match`` compares
        (:func:`tourroute.db.versioned.version_etag`, ``"v<version>-<digest>"``).
    coding
        A content coding the body is sent in (``gzip``): a representation of its own, so a
        tag of its own (``"<digest>-gzip"``).

    Returns
    -------
    str
        The quoted tag.

    >>> strong_etag(b"{}")
    '"44136fa355b3678a1146ad16f7e8649e"'
    >>> strong_etag(b"{}", coding="gzip")
    '"44136fa355b3678a1146ad16f7e8649e-gzip"'
    >>> strong_etag(b"{}", version=3)
    '"v3-44136fa355b3678a"'
    """
    if version is not None:
        return version_etag(version, body)
    digest = hashlib.sha256(body).hexdigest()[:32]
    return f'"{digest}-{coding}"' if coding else f'"{digest}"'


def accepts_gzip(request: Request) -> bool:
    """Whether ``Accept-Encoding`` takes gzip (``q=0`` refuses it)."""
    for part in request.headers.get("accept-encoding", "").split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() not in ("gzip", "x-gzip", "*"):
            continue
        q = params.strip()
        if q.startswith("q="):
            try:
                return float(q[2:]) > 0
            except ValueError:
                return False
        return True
    return False


def etag_matches(if_none_match: str, *etags: str) -> bool:
    """Whether ``If-None-Match`` names one of ``etags`` (weak comparison), or is ``*``."""
    if if_none_match.strip() == "*":
        return True
    opaque = {etag.removeprefix("W/") for etag in etags}
    return any(tag.strip().removeprefix("W/") in opaque for tag in if_none_match.split(","))


def json_bytes(content: Any) -> bytes:
    """Compact UTF-8 JSON, as every JSON response of the API is written."""
    return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()


def tagged_response(
    request: Request,
    body: bytes,
    media_type: str,
    etag: str,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    vary: str | None = "Accept, Accept-Language",
    safe_methods_only: bool = False,
) -> Response:
    """``body`` with its ``etag`` (and ``no-cache``), or 304 when ``If-None-Match`` names it.

    Parameters
    ----------
    request
        The request, for ``If-None-Match`` and its method.
    body
        The representation.
    media_type
        Its ``Content-Type``.
    etag
        Its tag (:func:`strong_etag`, or a weak one made from it).
    status_code
        The status when not 304.
    headers
        Headers added to (or overriding) ``ETag``, ``Cache-Control: no-cache`` and ``Vary``.
    vary
        The ``Vary`` header; ``None`` for none (a download that is the same for everyone).
    safe_methods_only
        Answer 304 only to GET and HEAD (a write answers with the body whatever it sent).

    Returns
    -------
    Response
        200 (or ``status_code``) with the body, or 304 with the headers alone.
    """
    base_headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if vary is not None:
        base_headers["Vary"] = vary
    base_headers.update(headers or {})
    inm = request.headers.get("if-none-match")
    if (
        inm is not None
        and (not safe_methods_only or request.method in ("GET", "HEAD"))
        and etag_matches(inm, etag)
    ):
        return Response(status_code=304, headers=base_headers)
    return Response(
        content=body, status_code=status_code, media_type=media_type, headers=base_headers
    )


def cached_json(
    request: Request,
    content: Any,
    media_type: str = "application/json",
    headers: dict[str, str] | None = None,
) -> Response:
    """Serialise ``content``, tag it with a strong ETag and answer 304 when it is unchanged."""
    return cached_bytes(request, json_bytes(content), media_type, headers)


def cached_bytes(
    request: Request,
    body: bytes,
    media_type: str,
    headers: dict[str, str] | None = None,
) -> Response:
    """Any body (JSON, GPX, iCalendar) with a strong ETag of its bytes, 304 when unchanged."""
    return tagged_response(request, body, media_type, strong_etag(body), headers=headers)
