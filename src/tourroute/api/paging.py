"""Cursor paging: opaque signed cursors, and the links and envelope of a page.

A cursor carries the offset of the next page and a fingerprint of the query it belongs to,
signed with HMAC-SHA256 so a client can neither forge an offset nor replay a cursor against
a different query: either is a 422 naming ``cursor``.  Offsets (rather than keysets) are
used because lists can be ordered by computed values (geodesic distance, search rank); the
audit log, newest first, continues below an entry id instead.

Every cursor-paged list answers the same way (:class:`CursorPaging`, :class:`PageLinks`):
``{"items", "count", "limit", "next", "links"}`` with ``self`` and ``next`` links, and the
next page's URL in a ``Link: <…>; rel="next"`` header too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import Request

from tourroute.errors import InvalidParameter
from tourroute.i18n import messages as msgs

__all__ = ["CursorCodec", "CursorPaging", "PageLinks", "query_fingerprint", "url_with"]


def url_with(request: Request, **params: Any) -> str:
    """The request's absolute URL with ``params`` set in its query (the others kept)."""
    return str(request.url.include_query_params(**params))


def query_fingerprint(params: Mapping[str, Any]) -> str:
    """A short stable hash of the filters that define a list (not limit or cursor)."""
    canonical = json.dumps(
        {k: v for k, v in sorted(params.items()) if v is not None},
        sort_keys=True,
        ensure_ascii=True,
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


class CursorCodec:
    def __init__(self, secret: str) -> None:
        self._key = secret.encode()

    def _sign(self, payload: bytes) -> str:
        digest = hmac.new(self._key, payload, hashlib.sha256).digest()[:12]
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def encode(self, offset: int, fingerprint: str) -> str:
        payload = json.dumps({"o": offset, "q": fingerprint}, separators=(",", ":")).encode()
        body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
        return f"{body}.{self._sign(payload)}"

    def decode(self, cursor: str, fingerprint: str) -> int:
        """Return the offset, or raise a 422 if the cursor is malformed, forged or foreign."""
        try:
            body, signature = cursor.split(".", 1)
            payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        except ValueError:
            raise InvalidParameter("cursor", msgs.CURSOR_MALFORMED()) from None
        if not hmac.compare_digest(signature, self._sign(payload)):
            raise InvalidParameter("cursor", msgs.CURSOR_FORGED())
        data = json.loads(payload)
        if data.get("q") != fingerprint:
            raise InvalidParameter("cursor", msgs.CURSOR_OTHER_QUERY())
        offset = data.get("o")
        if not isinstance(offset, int) or offset < 0:
            raise InvalidParameter("cursor", msgs.CURSOR_MALFORMED())
        return offset


@dataclass(frozen=True)
class PageLinks:
    """Where a page is and where the next one is: its links, ``Link`` header and envelope."""

    self_url: str
    next_url: str | None

    def links(self, **members: Any) -> list[dict[str, Any]]:
        """The ``self`` link, and ``next`` unless this is the last page.

        Parameters
        ----------
        **members
            More members of each link (``type=None`` where the schema has a ``type``).

        Returns
        -------
        list of dict
            ``{"rel", "href", **members}`` each.
        """
        rels = [("self", self.self_url), ("next", self.next_url)]
        return [{"rel": rel, "href": href, **members} for rel, href in rels if href]

    @property
    def headers(self) -> dict[str, str]:
        """``Link: <next>; rel="next"``, or nothing on the last page."""
        return {"Link": f'<{self.next_url}>; rel="next"'} if self.next_url else {}

    def envelope(
        self, items: list[Any], limit: int, link: Mapping[str, Any] | None = None, **more: Any
    ) -> dict[str, Any]:
        """The page as the lists write it (``SitePage``, ``AuditPage`` …, JSON-ready).

        Parameters
        ----------
        items
            The page's items, JSON-ready.
        limit
            The page size asked for.
        link
            More members of each link (:meth:`links`).
        **more
            Members after ``links`` (``attribution``).

        Returns
        -------
        dict
            ``{"items", "count", "limit", "next", "links", **more}``.
        """
        return {
            "items": items,
            "count": len(items),
            "limit": limit,
            "next": self.next_url,
            "links": self.links(**(link or {})),
            **more,
        }


class CursorPaging:
    """One request for a cursor-paged list: where its page starts, and how it links on.

    Parameters
    ----------
    request
        The request: its URL is the ``self`` link, and ``next`` is it with a new cursor.
    codec
        The app's cursor codec.
    cursor
        The ``cursor`` query parameter, if any.
    query
        The filters that define the list (not ``limit`` or ``cursor``): a cursor is valid
        only for the query it was made for.

    Raises
    ------
    InvalidParameter
        A malformed, forged or foreign cursor (422).
    """

    def __init__(
        self,
        request: Request,
        codec: CursorCodec,
        cursor: str | None,
        query: Mapping[str, Any],
    ) -> None:
        self._request = request
        self._codec = codec
        self._fingerprint = query_fingerprint(query)
        #: Where the page starts: the cursor's position, ``None`` for the first page.
        self.position = codec.decode(cursor, self._fingerprint) if cursor else None

    @property
    def offset(self) -> int:
        """How many items the page skips (0 on the first page)."""
        return self.position or 0

    def page_links(self, next_position: int | None) -> PageLinks:
        """The links of the page, given where the next page starts.

        Parameters
        ----------
        next_position
            The next page's position (an offset, or the audit log's last id); ``None`` on
            the last page.

        Returns
        -------
        PageLinks
            ``self`` and, unless last, ``next`` with a cursor of ``next_position``.
        """
        next_url = None
        if next_position is not None:
            cursor = self._codec.encode(next_position, self._fingerprint)
            next_url = url_with(self._request, cursor=cursor)
        return PageLinks(str(self._request.url), next_url)
