"""The persistence kit of versioned resources: version ETags, ``If-Match``, workflows, audit.

Every versioned row carries a ``version`` counter (``TimestampedVersioned`` in
:mod:`tourroute.db.base`, bumped by SQLAlchemy's ``version_id_col`` on every UPDATE).  A
representation of one version has the strong ETag ``"v<version>-<digest>"``: the version
plus a short digest of the body, so the JSON and GeoJSON, English and Vietnamese forms of
one version carry distinct tags, as RFC 9110 asks of strong validators.  ``If-Match``
compares the *version* part with strong comparison (a weak tag never matches): the ETag of
any representation of the current version lets a client write.  ``If-Match: *`` is refused
— it would skip exactly the check that prevents lost updates.

Sites, road segments and tours are written the same way, and :class:`VersionedWorkflow`
writes them: check ``If-Match`` (428 / 412), refuse an edit of a final row or a step the
:class:`Lifecycle` does not allow from the row's status (409), change the row, flush, and
add the audit entry (before and after snapshots) to the same session, so the change and its
entry commit together or not at all.  Two writers that both pass the ``If-Match`` check at
the same moment cannot both win either: the loser's UPDATE matches no row (the version
moved on), SQLAlchemy raises ``StaleDataError`` at the flush, and
:meth:`VersionedWorkflow.flush` turns it into the same 412, never a 500.  What differs
between the resources — who may write (authorization), what a valid body is, what else is
recorded with a step (a site's transition row, a tour's saved version) — stays with their
services.

No web framework: :mod:`tourroute.api.conditional` builds the HTTP responses on top of it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from tourroute.db.audit import Acting, AuditTrail
from tourroute.db.base import utcnow
from tourroute.errors import (
    Conflict,
    FieldError,
    InvalidBody,
    PreconditionFailed,
    PreconditionRequired,
)
from tourroute.i18n import Localized, Text, ValidationIssue
from tourroute.i18n import messages as msgs

__all__ = [
    "Lifecycle",
    "Snapshot",
    "VersionedRow",
    "VersionedWorkflow",
    "check_if_match",
    "validated",
    "version_etag",
]

_TAG_RE = re.compile(r'^"v(\d+)-[0-9a-f]{16}"$')

S = TypeVar("S", bound=Enum)
A = TypeVar("A", bound=str)
M = TypeVar("M", bound=BaseModel)


def version_etag(version: int, body: bytes) -> str:
    """The strong ETag of one representation of ``version``.

    >>> version_etag(3, b"{}")
    '"v3-44136fa355b3678a"'
    """
    return f'"v{version}-{hashlib.sha256(body).hexdigest()[:16]}"'


def check_if_match(if_match: str | None, version: int, what: Localized) -> None:
    """Let a write proceed only if ``If-Match`` names the current ``version``.

    Parameters
    ----------
    if_match
        The request's ``If-Match`` header, if any.
    version
        The row's current version.
    what
        The resource as messages name it, e.g. ``site 'thanh-nha-ho'``.

    Raises
    ------
    PreconditionRequired
        No ``If-Match``, or ``If-Match: *`` (428).
    PreconditionFailed
        No tag of ``If-Match`` names ``version`` (412).
    """
    if if_match is None or not if_match.strip():
        raise PreconditionRequired(msgs.IF_MATCH_REQUIRED(what=what))
    tags = [t.strip() for t in if_match.split(",")]
    if "*" in tags:
        raise PreconditionRequired(msgs.IF_MATCH_STAR())
    for tag in tags:
        match = _TAG_RE.match(tag)  # a weak W/"…" tag never matches: strong comparison
        if match and int(match.group(1)) == version:
            return
    raise PreconditionFailed(msgs.VERSION_CHANGED(what=what, version=version))


def validated(model: type[M], document: Mapping[str, Any]) -> M:
    """Validate a request body (or a row's document with a merge patch applied onto it).

    Parameters
    ----------
    model
        The pydantic model the whole document must satisfy.
    document
        The document, e.g. ``{**editable_document(row), **patch}``.

    Returns
    -------
    M
        The validated model.

    Raises
    ------
    InvalidBody
        422 naming every offending field (``in: body``).
    """
    try:
        return model.model_validate(document)
    except ValidationError as exc:
        raise InvalidBody(
            [
                FieldError(
                    ".".join(str(p) for p in e["loc"]) or "body", ValidationIssue.of(e), "body"
                )
                for e in exc.errors()
            ]
        ) from None


class VersionedRow(Protocol[S]):
    """What the kit reads and writes on a row: its version, status and update time."""

    @property
    def version(self) -> int: ...

    status: S
    updated_at: datetime


@dataclass(frozen=True)
class Snapshot:
    """A row as its audit entry records it, with the scope the log is filtered by."""

    document: dict[str, Any]
    province_code: str | None = None
    agency_id: int | None = None


@dataclass(frozen=True)
class Lifecycle(Generic[A, S]):
    """How one kind of versioned resource is named, which steps it may take and where it ends.

    Parameters
    ----------
    resource_type
        The audit log's resource type, also the prefix of its actions (``site``).
    noun
        The resource named in messages, with its ``{key}`` (``road segment '{key}'``).
    noun_cap
        The same at the start of a sentence (``Road segment '{key}'``).
    steps
        The transition table: action → (the statuses it may start from, the status it leads
        to).  An action is named ``verb`` or ``type.verb`` (``publish``, ``site.publish``);
        its audit action is ``<resource_type>.<verb>``.
    final
        The status in which the resource can no longer be edited (archived).
    final_note
        Why, as the 409 of an edit says (``archived sites cannot be edited``).
    hints
        Per status, what may be done instead, appended to the 409 of an illegal step.
    """

    resource_type: str
    noun: Text
    noun_cap: Text
    steps: Mapping[A, tuple[frozenset[S], S]]
    final: S
    final_note: Text
    hints: Mapping[S, Text] = field(default_factory=dict)

    def what(self, key: str) -> Localized:
        """The resource ``key`` as messages name it: ``road segment 'ql1a-01'``."""
        return self.noun(key=key)

    def audit_action(self, verb: str) -> str:
        """The audit log's action of ``verb``: ``site.publish``."""
        return f"{self.resource_type}.{verb}"

    def target(self, action: A, key: str, status: S) -> S:
        """The status ``action`` leads ``key`` to from ``status``.

        Raises
        ------
        Conflict
            The action may not start from ``status`` (409).
        """
        sources, target = self.steps[action]
        if status not in sources:
            hint = self.hints.get(status)
            verb = _verb(action)
            what, label = self.what(key), msgs.verb_label(verb)
            raise Conflict(
                msgs.CANNOT_STEP_HINT(
                    verb=label, what=what, status=msgs.status_label(status.value), hint=hint
                )
                if hint is not None
                else msgs.CANNOT_STEP(verb=label, what=what, status=msgs.status_label(status.value))
            )
        return target

    def check_editable(self, key: str, status: S) -> None:
        """Refuse an edit in the final status.

        Raises
        ------
        Conflict
            ``status`` is the final one (409).
        """
        if status is self.final:
            raise Conflict(
                msgs.FINAL_STATUS(
                    What=self.noun_cap(key=key),
                    status=msgs.status_label(status.value),
                    note=self.final_note,
                )
            )


def _verb(action: str) -> str:
    """``publish`` of ``publish`` and of ``site.publish``."""
    return str(action).rpartition(".")[2]


class VersionedWorkflow(Generic[A, S]):
    """The write path of one kind of versioned resource, in one session, for one actor.

    Parameters
    ----------
    session
        The request's session; changes and audit entries are added to it, never committed.
    actor
        Who writes (``None``: a command, recorded as ``cli``).
    lifecycle
        The resource's names, steps and final status.
    snapshot
        The audit snapshot of a row (called before and after each change).
    """

    def __init__(
        self,
        session: Session,
        actor: Acting | None,
        lifecycle: Lifecycle[A, S],
        snapshot: Callable[[Any], Snapshot],
    ) -> None:
        self.session = session
        self.actor = actor
        self.lifecycle = lifecycle
        self._snapshot = snapshot
        self._audit = AuditTrail(session)

    def snapshot(self, row: object) -> dict[str, Any]:
        """The audit document of ``row`` as it is now (an edit's ``before``)."""
        return self._snapshot(row).document

    def check_editable(self, row: VersionedRow[S], key: str, if_match: str | None) -> None:
        """The checks before a merge patch: ``If-Match``, then a row not in its final status.

        Parameters
        ----------
        row
            The loaded row.
        key
            Its slug or key, as messages name it.
        if_match
            The request's ``If-Match`` header.

        Raises
        ------
        PreconditionRequired
            No usable ``If-Match`` (428).
        PreconditionFailed
            ``If-Match`` names another version (412).
        Conflict
            The row is final (archived) (409).
        """
        check_if_match(if_match, row.version, self.lifecycle.what(key))
        self.lifecycle.check_editable(key, row.status)

    def transition(
        self,
        row: VersionedRow[S],
        key: str,
        if_match: str | None,
        action: A,
        then: Callable[[S], object] | None = None,
    ) -> None:
        """One workflow step: check, change the status, flush, record, audit, flush.

        Parameters
        ----------
        row
            The loaded row (authorization is the caller's, before this).
        key
            Its slug or key.
        if_match
            The request's ``If-Match`` header.
        action
            A key of the lifecycle's steps.
        then
            Called with the previous status after the change is flushed and before the
            audit entry is added (a site's transition row, a tour's saved version).

        Raises
        ------
        PreconditionRequired
            No usable ``If-Match`` (428).
        PreconditionFailed
            ``If-Match`` names another version, or another writer changed the row
            meanwhile (412).
        Conflict
            The action may not start from the row's status (409).
        """
        check_if_match(if_match, row.version, self.lifecycle.what(key))
        target = self.lifecycle.target(action, key, row.status)
        before = self.snapshot(row)
        previous = row.status
        row.status = target
        self.touch(row, key)
        if then is not None:
            then(previous)
        self.record(row, key, _verb(action), before)

    def save(self, row: VersionedRow[S], key: str, verb: str, before: dict[str, Any]) -> None:
        """Finish an edit that changed ``row``: :meth:`touch`, then :meth:`record`.

        Parameters
        ----------
        row
            The changed row.
        key
            Its slug or key.
        verb
            The audit action's verb (``update``).
        before
            :meth:`snapshot` of the row before the change.

        Raises
        ------
        PreconditionFailed
            Another writer changed the row meanwhile (412).
        """
        self.touch(row, key)
        self.record(row, key, verb, before)

    def touch(self, row: VersionedRow[S], key: str) -> None:
        """Stamp ``updated_at`` and flush: the version moves on even if only related rows
        (categories, corridors, stops) changed.

        Raises
        ------
        PreconditionFailed
            Another writer changed the row meanwhile (412).
        """
        row.updated_at = utcnow()
        self.flush(key)

    def record(self, row: object, key: str, verb: str, before: dict[str, Any] | None) -> None:
        """Add the audit entry of ``verb`` (``before`` → the row now) and flush.

        Parameters
        ----------
        row
            The row as written.
        key
            Its slug or key: the entry's resource id.
        verb
            ``create``, ``update`` or a step's verb.
        before
            The snapshot before the write; ``None`` for a creation.

        Raises
        ------
        PreconditionFailed
            Another writer changed the row meanwhile (412).
        """
        after = self._snapshot(row)
        self._audit.record(
            self.actor,
            self.lifecycle.audit_action(verb),
            self.lifecycle.resource_type,
            key,
            before=before,
            after=after.document,
            province_code=after.province_code,
            agency_id=after.agency_id,
        )
        self.flush(key)

    def flush(self, key: str) -> None:
        """Flush the session; a row another transaction updated first is a 412.

        Raises
        ------
        PreconditionFailed
            An UPDATE matched no row: its version moved on since it was read (412).
        """
        try:
            self.session.flush()
        except StaleDataError:
            # Another transaction updated the row between our read and our write.
            raise PreconditionFailed(
                msgs.CHANGED_MEANWHILE(what=self.lifecycle.what(key))
            ) from None
