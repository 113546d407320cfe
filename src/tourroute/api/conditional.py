"""Optimistic concurrency for versioned resources: version ETags and ``If-Match``.

A versioned resource's ETag is strong and reads ``"v<version>-<digest>"``: the version
counter of the row (bumped by SQLAlchemy's ``version_id_col`` on every UPDATE) plus a short
digest of the representation, so the JSON and GeoJSON, English and Vietnamese forms of one
version carry distinct tags, as RFC 9110 asks of strong validators.  ``If-Match`` compares
the *version* part with strong comparison (a weak tag never matches): the ETag of any
representation of the current version lets a client write.  ``If-Match: *`` is refused —
it would skip exactly the check that prevents lost updates.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from fastapi import Request, Response

from tourroute.errors import DomainError

__all__ = [
    "PreconditionFailed",
    "PreconditionRequired",
    "check_if_match",
    "version_etag",
    "versioned_json",
]

_TAG_RE = re.compile(r'^"v(\d+)-[0-9a-f]{16}"$')


class PreconditionRequired(DomainError):
    def __init__(self, detail: str) -> None:
        super().__init__(detail, 428, "precondition-required", "Precondition required")


class PreconditionFailed(DomainError):
    def __init__(self, detail: str) -> None:
        super().__init__(detail, 412, "precondition-failed", "Precondition failed")


def _body(content: Any) -> bytes:
    return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()


def version_etag(version: int, body: bytes) -> str:
    """The strong ETag of one representation of ``version``.

    >>> version_etag(3, b"{}")
    '"v3-44136fa355b3678a"'
    """
    return f'"v{version}-{hashlib.sha256(body).hexdigest()[:16]}"'


def check_if_match(if_match: str | None, version: int, what: str) -> None:
    """Let a write proceed only if ``If-Match`` names the current ``version`` (428 / 412)."""
    if if_match is None or not if_match.strip():
        raise PreconditionRequired(
            f"Writes to {what} require If-Match with the ETag you last read "
            "(GET it first); this prevents overwriting someone else's change."
        )
    tags = [t.strip() for t in if_match.split(",")]
    if "*" in tags:
        raise PreconditionRequired(
            "If-Match: * does not protect against lost updates; send the ETag you last read."
        )
    for tag in tags:
        match = _TAG_RE.match(tag)  # a weak W/"…" tag never matches: strong comparison
        if match and int(match.group(1)) == version:
            return
    raise PreconditionFailed(
        f"{what} has changed since you read it (it is now at version {version}); "
        "GET it again, reapply your change and retry with the new ETag."
    )


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
