"""Opaque, signed paging cursors.

A cursor carries the offset of the next page and a fingerprint of the query it belongs to,
signed with HMAC-SHA256 so a client can neither forge an offset nor replay a cursor against
a different query: either is a 422 naming ``cursor``.  Offsets (rather than keysets) are
used because lists can be ordered by computed values (geodesic distance, search rank).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from tourroute.errors import InvalidParameter

__all__ = ["CursorCodec", "query_fingerprint"]


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
            raise InvalidParameter("cursor", "malformed cursor") from None
        if not hmac.compare_digest(signature, self._sign(payload)):
            raise InvalidParameter("cursor", "cursor signature does not match (forged or stale)")
        data = json.loads(payload)
        if data.get("q") != fingerprint:
            raise InvalidParameter("cursor", "cursor belongs to a different query")
        offset = data.get("o")
        if not isinstance(offset, int) or offset < 0:
            raise InvalidParameter("cursor", "malformed cursor")
        return offset
