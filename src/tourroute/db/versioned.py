"""Optimistic concurrency for versioned rows: version ETags and the ``If-Match`` rule.

Every versioned row carries a ``version`` counter (``TimestampedVersioned`` in
:mod:`tourroute.db.base`, bumped by SQLAlchemy's ``version_id_col`` on every UPDATE).  A
representation of one version has the strong ETag ``"v<version>-<digest>"``: the version
plus a short digest of the body, so the JSON and GeoJSON, English and Vietnamese forms of
one version carry distinct tags, as RFC 9110 asks of strong validators.  ``If-Match``
compares the *version* part with strong comparison (a weak tag never matches): the ETag of
any representation of the current version lets a client write.  ``If-Match: *`` is refused
— it would skip exactly the check that prevents lost updates.

Pure: no web framework, no database.  :mod:`tourroute.api.conditional` builds the HTTP
responses on top of it.
"""

from __future__ import annotations

import hashlib
import re

from tourroute.errors import DomainError

__all__ = [
    "PreconditionFailed",
    "PreconditionRequired",
    "check_if_match",
    "version_etag",
]

_TAG_RE = re.compile(r'^"v(\d+)-[0-9a-f]{16}"$')


class PreconditionRequired(DomainError):
    """428: a write without ``If-Match`` (or with ``If-Match: *``)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail, 428, "precondition-required", "Precondition required")


class PreconditionFailed(DomainError):
    """412: ``If-Match`` names a version that is no longer the current one."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail, 412, "precondition-failed", "Precondition failed")


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
