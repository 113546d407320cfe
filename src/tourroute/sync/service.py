"""The sync feed and the offline bundle over the published catalogue.

How a client keeps an offline copy
----------------------------------
Download ``GET /v1/bundle`` once (or call ``GET /v1/sync`` without a token for the same
snapshot in pages), keep its ``next`` token, and poll ``GET /v1/sync?since=<token>``: apply
``created`` and ``updated`` as upserts keyed by (``featureType``, ``id``), remove each entry
of ``deleted`` (``type``, ``id``) if present, store ``next``, and call again at once while
``more`` is true. An unchanged catalogue answers the same body (same ETag), so a poll with
``If-None-Match`` is a 304 read of two small index ranges.

Why there is no tombstone table
-------------------------------
Nothing is ever deleted physically: sites and tours leave the public catalogue by a status
change (archived, or back to draft / in review), which is a write that bumps ``updated_at``.
So "changed since the token and not published now" *is* the tombstone. Rows that were never
published are left out of ``deleted`` (no phone can have them, and an anonymous feed should
not announce drafts). "created" means created after the time the client's copy was complete
at; it is a hint — a site drafted long ago and published today comes as "updated", which is
why clients must upsert both.

Change order, and why the token is a position, not a time
---------------------------------------------------------
Rows are read in keyset order (updated_at, kind, id) — the tie-break makes the order total
even when one transaction stamps several rows with the same instant — and the token stores
the last position sent. Paging resumes strictly after it, so every change is sent exactly
once across pages, with no overlap margin and no client-side de-duplication by version.

A position alone is not enough, though: ``updated_at`` is stamped when a write is flushed,
not when it commits, so a transaction that stamped T and commits later could land *behind*
a position a reader has already passed, and be missed for ever. Re-reading a margin behind
the position (and de-duplicating by version on the client) would paper over that; instead
the feed only ever reads up to ``cap = database clock − settle window``: rows stamped more
recently are not sent *yet* (they come in the next poll). Nothing is missed provided write
transactions commit within the window of their flush and the API servers' clocks (which
stamp rows) agree with the database's within it; the database's own clock sets the cap. The
window (``SETTLE_WINDOW``, a few seconds) is the only delay a change suffers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from tourroute.accounts.domain import as_utc
from tourroute.localtime import to_local
from tourroute.sync.kinds import KINDS, SyncKind
from tourroute.sync.repository import ChangeRepository
from tourroute.sync.tokens import Position, SyncMode, SyncToken

__all__ = ["SETTLE_WINDOW", "Changes", "SyncService"]

SETTLE_WINDOW = timedelta(seconds=5)


@dataclass
class Changes:
    """One answer of the feed (see the module docstring for how a client applies it).

    ``created`` and ``updated`` are GeoJSON Features with ``featureType`` (``site`` or
    ``tour``); ``deleted`` holds ``{"type", "id", "at"}`` (``id`` is the slug, ``at`` the
    change time in +07:00) for rows that left publication; ``next`` is the token to call
    again with, at once while ``more`` is true.
    """

    created: list[dict[str, Any]] = field(default_factory=list)
    updated: list[dict[str, Any]] = field(default_factory=list)
    deleted: list[dict[str, Any]] = field(default_factory=list)
    next: SyncToken = field(default_factory=lambda: SyncToken(SyncMode.snapshot, None, None))
    more: bool = False


@dataclass(frozen=True)
class _Row:
    position: Position
    kind: SyncKind
    row: Any


def _feature(kind: SyncKind, row: Any, language: str) -> dict[str, Any]:
    # featureType is a GeoJSON foreign member (RFC 7946 §6.1): which kind the Feature is.
    return {"featureType": kind.name, **kind.feature(row, language)}


class SyncService:
    """The sync feed and the bundle: changes to the published catalogue, in change order.

    Nothing here writes, and nothing raises a domain error: a malformed or forged token is
    refused (422) when :class:`~tourroute.sync.tokens.SyncTokenCodec` decodes it, before
    this service sees it.

    Parameters
    ----------
    session
        The request's session (only read).
    settle
        How far behind the database clock the feed stops reading (module docstring): a
        change is sent at the earliest this long after it was stamped.
    kinds
        The kinds of row synced (sites and tours); ties in ``updated_at`` are broken by
        kind name, then id.
    """

    def __init__(
        self,
        session: Session,
        settle: timedelta = SETTLE_WINDOW,
        kinds: Sequence[SyncKind] = KINDS,
    ) -> None:
        self.session = session
        self.changes = ChangeRepository(session)
        self.settle = settle
        self.kinds = tuple(sorted(kinds, key=lambda k: k.name))

    def start(self, cap: datetime) -> SyncToken:
        """A fresh snapshot token, pinned to the last change no later than ``cap``.

        Parameters
        ----------
        cap
            The newest change time to read up to (UTC).

        Returns
        -------
        SyncToken
            A snapshot with no position yet; ``since`` is the newest ``updated_at`` of any
            kind up to ``cap`` (``None`` if no row is that old), so the same catalogue
            gives the same token.
        """
        latest = [m for k in self.kinds if (m := self.changes.latest(k, cap)) is not None]
        return SyncToken(SyncMode.snapshot, None, max(latest) if latest else None)

    def changes_since(self, token: SyncToken | None, limit: int | None, language: str) -> Changes:
        """What changed after ``token`` (everything published, without one), in order.

        Parameters
        ----------
        token
            The ``next`` token of a previous answer; ``None``: start a snapshot.
        limit
            The most rows to send; ``None``: all of them (the bundle).
        language
            ``vi`` names and titles the features in Vietnamese, anything else in English.

        Returns
        -------
        Changes
            The page.  Rows stamped within the settle window of the database clock are
            left for a later call.  In a snapshot every published row comes as
            ``created``, and only rows unpublished after the snapshot was pinned come as
            ``deleted``.  Once ``more`` is false, ``next`` is an incremental token.
        """
        cap = self.changes.now() - self.settle
        token = token or self.start(cap)
        snapshot = token.mode is SyncMode.snapshot
        hide_until = (token.since or cap) if snapshot else None
        scan = None if limit is None else limit + 1
        rows = [
            _Row(Position(as_utc(row.updated_at), kind.name, row.id), kind, row)
            for kind in self.kinds
            for row in self.changes.changed_after(kind, token.position, cap, hide_until, scan)
        ]
        rows.sort(key=lambda r: r.position)
        more = limit is not None and len(rows) > limit
        page = rows[:limit] if limit is not None else rows

        out = Changes(more=more)
        self._fill(out, page, token, snapshot, language)
        last = page[-1].position if page else token.position
        if more:
            out.next = SyncToken(token.mode, last, token.since)
        else:
            # The chain is complete: the client's copy is whole up to ``last``.
            since = last.at if last is not None else token.since
            out.next = SyncToken(SyncMode.incremental, last, since)
        return out

    def _fill(
        self,
        out: Changes,
        page: list[_Row],
        token: SyncToken,
        snapshot: bool,
        language: str,
    ) -> None:
        """Sort the page into ``out``: tombstones only for rows that were ever published."""
        gone = [r for r in page if r.row.status != r.kind.published]
        ever: dict[str, set[int]] = {}
        for kind in self.kinds:
            ids = [r.row.id for r in gone if r.kind is kind]
            ever[kind.name] = kind.ever_published(self.session, ids) if ids else set()
        for r in page:
            if r.row.status != r.kind.published:
                if r.row.id in ever[r.kind.name]:
                    out.deleted.append(
                        {
                            "type": r.kind.name,
                            "id": r.row.slug,
                            "at": to_local(r.position.at).isoformat(),
                        }
                    )
                continue
            feature = _feature(r.kind, r.row, language)
            fresh = snapshot or token.since is None or as_utc(r.row.created_at) > token.since
            (out.created if fresh else out.updated).append(feature)
