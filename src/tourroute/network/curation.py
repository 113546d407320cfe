"""Curation of road segments: create drafts, edit, publish and archive them.

The same path as site curation, written once in :mod:`tourroute.db.versioned`: load the
segment, ask :mod:`tourroute.accounts.authorization` (``segment.write``, on the provinces
the line touches), check ``If-Match`` against the row's version, change it, flush, and add
the audit entry to the same session, so the change and its entry commit together or not at
all.

``draft → published → archived`` (a draft may be archived too).  Only published segments
are routed on; every write bumps the row's version, which changes the network version and
so the cached routing graph (:meth:`NetworkRepository.version`).
"""

from __future__ import annotations

from typing import Any

from shapely.geometry import LineString
from shapely.ops import unary_union
from sqlalchemy.orm import Session

from tourroute.accounts.authorization import Action, SegmentResource, authorize
from tourroute.accounts.domain import Actor
from tourroute.db.changes import apply_changes, same_geometry
from tourroute.db.spatial import shape_of, to_element
from tourroute.db.versioned import Lifecycle, Snapshot, VersionedWorkflow, validated
from tourroute.errors import Conflict, FieldError, InvalidBody, NotFound
from tourroute.i18n import messages as msgs
from tourroute.network.models import RoadSegment, SegmentCorridor, SegmentStatus
from tourroute.network.repository import NetworkRepository
from tourroute.network.schemas import RoadSegmentCreate, RoadSegmentRead, RoadSegmentStored
from tourroute.provinces.repository import ProvinceRepository

__all__ = ["SEGMENT_WORKFLOW", "SegmentCuration", "segment_snapshot"]

# action → (statuses it may start from, status it leads to)
SEGMENT_WORKFLOW: dict[str, tuple[frozenset[SegmentStatus], SegmentStatus]] = {
    "publish": (frozenset({SegmentStatus.draft}), SegmentStatus.published),
    "archive": (frozenset({SegmentStatus.draft, SegmentStatus.published}), SegmentStatus.archived),
}
_LIFECYCLE = Lifecycle(
    resource_type="segment",
    noun=msgs.NAMED_SEGMENT,
    noun_cap=msgs.NAMED_SEGMENT_CAP,
    steps=SEGMENT_WORKFLOW,
    final=SegmentStatus.archived,
    final_note=msgs.SEGMENTS_ARCHIVED_FINAL,
)
# Beyond this (in degrees, about 500 m) a line leaves the three provinces' outlines.
_OUTLINE_TOLERANCE_DEG = 0.005
_FIELDS = (
    "ref",
    "name",
    "road_class",
    "surface",
    "oneway",
    "toll",
    "maxspeed_kph",
    "motorbike_forbidden",
    "motorhome_unsuitable",
    "max_height_m",
    "max_weight_t",
    "scenic",
    "source",
)


def _document(segment: RoadSegment) -> dict[str, Any]:
    """The segment in the shape of :class:`RoadSegmentCreate` (a merge patch's target)."""
    doc: dict[str, Any] = {name: getattr(segment, name) for name in _FIELDS}
    doc["id"] = segment.key
    doc["corridors"] = segment.corridors
    doc["coordinates"] = [(float(x), float(y)) for x, y in shape_of(segment.geom).coords]
    return doc


class SegmentCuration:
    """The curation use cases of road segments, for one actor in one session.

    Parameters
    ----------
    session
        The request's session (never committed here).
    actor
        The authenticated curator or admin.
    """

    def __init__(self, session: Session, actor: Actor) -> None:
        self.session = session
        self.segments = NetworkRepository(session)
        self.actor = actor
        self.versions = VersionedWorkflow(session, actor, _LIFECYCLE, self._audited)

    # --- reads ----------------------------------------------------------------------

    def get(self, key: str) -> RoadSegment:
        """A segment in any status, for those who may curate it.

        Parameters
        ----------
        key
            The segment's id.

        Returns
        -------
        RoadSegment
            The row.

        Raises
        ------
        NotFound
            No segment has this id (404).
        Forbidden
            The actor may not curate it (403).
        """
        segment = self._load(key)
        authorize(self.actor, Action.segment_write, self.resource(segment))
        return segment

    def read(self, segment: RoadSegment) -> RoadSegmentRead:
        """The curators' view of a segment.

        Parameters
        ----------
        segment
            The row.

        Returns
        -------
        RoadSegmentRead
            Its fields, status, provinces, version and timestamps.
        """
        return RoadSegmentRead(
            **_document(segment),
            status=segment.status.value,
            provinces=sorted(self.resource(segment).province_codes),
            version=segment.version,
            created_at=segment.created_at,  # LocalDateTime: +07:00 from either backend
            updated_at=segment.updated_at,
        )

    def resource(self, segment: RoadSegment | LineString) -> SegmentResource:
        """The provinces a line touches, and whether it leaves their outlines.

        Parameters
        ----------
        segment
            A stored segment, or the line a segment would have.

        Returns
        -------
        SegmentResource
            What :func:`~tourroute.accounts.authorization.authorize` decides on.
        """
        line = shape_of(segment.geom) if isinstance(segment, RoadSegment) else segment
        outlines = {p.code: shape_of(p.boundary) for p in ProvinceRepository(self.session).list()}
        touched = frozenset(code for code, outline in outlines.items() if outline.intersects(line))
        region = unary_union(list(outlines.values())).buffer(_OUTLINE_TOLERANCE_DEG)
        return SegmentResource(touched, beyond_provinces=not region.covers(line))

    # --- writes ---------------------------------------------------------------------

    def create(self, body: RoadSegmentCreate) -> RoadSegment:
        """Create a draft segment, audited as ``segment.create``.

        Parameters
        ----------
        body
            The validated body.

        Returns
        -------
        RoadSegment
            The new row (status ``draft``: not routed on).

        Raises
        ------
        Forbidden
            The actor may not curate where the line lies (403).
        Conflict
            The id is taken (409).
        InvalidBody
            An unknown corridor (422).
        """
        line = LineString(body.coordinates)
        authorize(self.actor, Action.segment_write, self.resource(line))
        if self.segments.segment_key_taken(body.id):
            raise Conflict(msgs.SEGMENT_EXISTS(id=body.id))
        self._check_corridors(body.corridors)
        values = body.model_dump(exclude={"id", "corridors", "coordinates"})
        segment = RoadSegment(
            key=body.id, geom=to_element(line), status=SegmentStatus.draft, **values
        )
        segment.corridor_rows = [SegmentCorridor(corridor_slug=c) for c in sorted(body.corridors)]
        self.session.add(segment)
        self.versions.flush(body.id)
        self.versions.record(segment, segment.key, "create", None)
        return segment

    def update(self, key: str, if_match: str | None, patch: dict[str, Any]) -> RoadSegment:
        """Apply a JSON merge patch, audited as ``segment.update`` when it changes anything.

        Parameters
        ----------
        key
            The segment's id.
        if_match
            The request's ``If-Match``.
        patch
            The parsed merge patch: an absent member is kept, ``None`` clears it.

        Returns
        -------
        RoadSegment
            The row as it is now (the same version if nothing changed).

        Raises
        ------
        NotFound
            No segment has this id (404).
        Forbidden
            The actor may not curate it, or where it is moved to (403).
        PreconditionRequired, PreconditionFailed
            No usable ``If-Match`` (428); a stale one, or a lost race (412).
        Conflict
            The segment is archived (409).
        InvalidBody
            The patched segment is not valid, or names an unknown corridor (422).
        """
        segment = self._load(key)
        authorize(self.actor, Action.segment_write, self.resource(segment))
        self.versions.check_editable(segment, key, if_match)
        merged = validated(RoadSegmentStored, {**_document(segment), **patch})
        line = LineString(merged.coordinates)
        if "coordinates" in patch:  # moved: the curator must be allowed where it lies now
            authorize(self.actor, Action.segment_write, self.resource(line))
        self._check_corridors(merged.corridors)
        before = self.versions.snapshot(segment)
        changed = apply_changes(segment, merged.model_dump(include=set(_FIELDS)))
        if not same_geometry(segment.geom, line):
            segment.geom = to_element(line)
            changed = True
        if set(segment.corridors) != set(merged.corridors):
            segment.corridor_rows = [
                SegmentCorridor(corridor_slug=c) for c in sorted(set(merged.corridors))
            ]
            changed = True
        if changed:  # a corridor-only edit must bump the version too: save() stamps it
            self.versions.save(segment, key, "update", before)
        return segment

    def transition(self, key: str, if_match: str | None, verb: str) -> RoadSegment:
        """``publish`` or ``archive`` (:data:`SEGMENT_WORKFLOW`), audited as ``segment.<verb>``.

        Parameters
        ----------
        key
            The segment's id.
        if_match
            The request's ``If-Match``.
        verb
            ``publish`` or ``archive``.

        Returns
        -------
        RoadSegment
            The row in its new status.

        Raises
        ------
        NotFound
            No segment has this id (404).
        Forbidden
            The actor may not curate it (403).
        PreconditionRequired, PreconditionFailed
            No usable ``If-Match`` (428); a stale one, or a lost race (412).
        Conflict
            The segment is in a status the step does not start from (409).
        """
        segment = self._load(key)
        authorize(self.actor, Action.segment_write, self.resource(segment))
        self.versions.transition(segment, key, if_match, verb)
        return segment

    # --- helpers --------------------------------------------------------------------

    def _load(self, key: str) -> RoadSegment:
        segment = self.segments.segment_by_key(key)
        if segment is None:
            raise NotFound(msgs.SEGMENT_NOT_FOUND(id=key))
        return segment

    def _check_corridors(self, slugs: list[str]) -> None:
        known = self.segments.corridor_slugs()
        unknown = sorted(set(slugs) - known)
        if unknown:
            raise InvalidBody(
                [
                    FieldError(
                        "corridors",
                        msgs.UNKNOWN_CORRIDORS(
                            unknown=", ".join(unknown), known=", ".join(sorted(known))
                        ),
                        "body",
                    )
                ]
            )

    def _audited(self, segment: RoadSegment) -> Snapshot:
        after = segment_snapshot(self.read(segment))
        provinces = after["provinces"]
        # A curator reads the entries of their province: that of a segment lying in one.
        return Snapshot(after, province_code=provinces[0] if len(provinces) == 1 else None)


def segment_snapshot(read: RoadSegmentRead) -> dict[str, Any]:
    """A segment as recorded in the audit log: JSON-ready, coordinates included."""
    return read.model_dump(mode="json")
