"""Version ETags on the wire: ``versioned_json`` answers with a row's version ETag.

The rule itself (the ETag of a version, ``If-Match`` → 428 / 412) is pure and lives in
:mod:`tourroute.db.versioned`, where the services that write versioned rows call it; this
module only shapes the HTTP response (``ETag``, ``Cache-Control``, 304 on a matching
``If-None-Match``) with :mod:`tourroute.api.http`'s helpers.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response

from tourroute.api.http import json_bytes, strong_etag, tagged_response

__all__ = ["private_versioned_json", "versioned_json"]


def versioned_json(
    request: Request,
    content: Any,
    version: int,
    *,
    media_type: str = "application/json",
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """Serialise ``content`` with its version ETag; a GET with a matching If-None-Match → 304.

    Parameters
    ----------
    request
        The request, for ``If-None-Match``.
    content
        The JSON-ready representation.
    version
        The row's version, which the ETag carries (``If-Match`` of the next write).
    media_type
        Its ``Content-Type``.
    status_code
        The status when not 304 (201 for a creation).
    headers
        More headers (``Location``, a private ``Cache-Control``).

    Returns
    -------
    Response
        The tagged body, or 304 to a GET or HEAD whose ``If-None-Match`` names the tag.
    """
    body = json_bytes(content)
    return tagged_response(
        request,
        body,
        media_type,
        strong_etag(body, version=version),
        status_code=status_code,
        headers=headers,
        safe_methods_only=True,
    )


def private_versioned_json(
    request: Request,
    content: Any,
    version: int,
    *,
    vary: str,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """:func:`versioned_json` for a principal's view (curators, managers): never shared.

    Parameters
    ----------
    vary
        The ``Vary`` header: what the view depends on, ``Authorization`` included.
    request, content, version, status_code, headers
        As for :func:`versioned_json`.

    Returns
    -------
    Response
        The tagged body with ``Cache-Control: private, no-cache``, or 304.
    """
    return versioned_json(
        request,
        content,
        version,
        status_code=status_code,
        headers={"Cache-Control": "private, no-cache", "Vary": vary, **(headers or {})},
    )
