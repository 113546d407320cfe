"""Opaque, signed sync tokens: a keyset position plus the state the client's copy is in.

The same construction as :mod:`tourroute.api.paging` (URL-safe base64 JSON and a truncated
HMAC-SHA256), but under a key derived for this purpose only, so a list cursor is never
accepted as a sync token nor the other way round. A malformed, forged or foreign token is a
422 naming ``since``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from tourroute.errors import InvalidParameter
from tourroute.i18n import messages as msgs

__all__ = ["Position", "SyncMode", "SyncToken", "SyncTokenCodec"]

_PARAM = "since"


class SyncMode(StrEnum):
    snapshot = "s"  # the client has nothing yet: send what is published, no tombstones
    incremental = "i"  # the client has everything up to the position


@dataclass(frozen=True, order=True)
class Position:
    """A row's place in the change order: (updated_at, kind, id), compared in that order."""

    at: datetime
    kind: str
    id: int


@dataclass(frozen=True)
class SyncToken:
    """Where a client stands.

    ``position`` is the last row it was sent (None: none yet). ``since`` is the time its copy
    was complete at when this chain of pages began: in a snapshot, rows changed no later than
    that and unpublished are simply absent (no tombstone); in an incremental chain, rows
    created after it are reported as created.
    """

    mode: SyncMode
    position: Position | None
    since: datetime | None


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _moment(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError("not a timestamp")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("naive timestamp")
    return moment.astimezone(UTC)


class SyncTokenCodec:
    def __init__(self, secret: str) -> None:
        # A key of its own: a paging cursor signed with the plain secret never verifies here.
        self._key = hmac.new(secret.encode(), b"tourroute.sync.v1", hashlib.sha256).digest()

    def _sign(self, payload: bytes) -> str:
        digest = hmac.new(self._key, payload, hashlib.sha256).digest()[:12]
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def encode(self, token: SyncToken) -> str:
        position = token.position
        data = {
            "v": 1,
            "m": token.mode.value,
            "p": None if position is None else [_iso(position.at), position.kind, position.id],
            "s": None if token.since is None else _iso(token.since),
        }
        payload = json.dumps(data, separators=(",", ":")).encode()
        body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
        return f"{body}.{self._sign(payload)}"

    def decode(self, text: str) -> SyncToken:
        """The token's content, or a 422 if it is malformed, forged or from another server."""
        try:
            body, signature = text.split(".", 1)
            payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        except ValueError:
            raise InvalidParameter(_PARAM, msgs.SYNC_TOKEN_MALFORMED()) from None
        if not hmac.compare_digest(signature, self._sign(payload)):
            raise InvalidParameter(_PARAM, msgs.SYNC_TOKEN_FORGED())
        try:
            data = json.loads(payload)
            if data.get("v") != 1:
                raise ValueError("unknown token version")
            raw = data["p"]
            position = None
            if raw is not None:
                at, kind, row_id = raw
                if not isinstance(kind, str) or not isinstance(row_id, int):
                    raise ValueError("bad position")
                position = Position(_moment(at), kind, row_id)
            since = None if data["s"] is None else _moment(data["s"])
            return SyncToken(SyncMode(data["m"]), position, since)
        except (ValueError, TypeError, KeyError):
            raise InvalidParameter(_PARAM, msgs.SYNC_TOKEN_MALFORMED()) from None
