"""Curation of road segments: create drafts, edit, publish and archive them.

The same path as site curation (:mod:`tourroute.sites.curation`): load the segment, ask
:mod:`tourroute.accounts.authorization` (``segment.write``, on the provinces the line
touches), check ``If-Match`` against the row's version, change it, flush, and add the audit
entry to the same session, so the change and its entry commit together or not at all.

``draft → published → archived`` (a draft may be archived too).  Only published segments
are routed on; every write bumps the row's version, which changes the network version and
so the cached routing graph (:meth:`NetworkRepository.version`).
"""

from __future__ import annotations

from typing import Any

from geoalchemy2.shape import to_shape
from pydantic import ValidationError
from shapely.geometry import LineString
from shapely.ops import unary_union
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from tourroute.accounts.authorization import Action, SegmentResource, authorize
from tourroute.accounts.domain import Actor
from tourroute.audit.service import AuditLog
from tourroute.db.base import utcnow
from tourroute.db.changes import apply_changes, same_geometry
from tourroute.db.spatial import to_element
from tourroute.db.versioned import PreconditionFailed, check_if_match
from tourroute.errors import Conflict, FieldError, NotFound
from tourroute.network.models import Corridor, RoadSegment, SegmentCorridor, SegmentStatus
from tourroute.network.schemas import RoadSegmentCreate, RoadSegmentRead, RoadSegmentStored
from tourroute.provinces.repository import ProvinceRepository
from tourroute.sites.curation import InvalidBody

__all__ = ["SEGMENT_WORKFLOW", "SegmentCuration", "segment_snapshot"]

# action → (statuses it may start from, status it leads to)
SEGMENT_WORKFLOW: dict[str, tuple[frozenset[SegmentStatus], SegmentStatus]] = {
    "publish": (frozenset({SegmentStatus.draft}), SegmentStatus.published),
    "archive": (frozenset({SegmentStatus.draft, SegmentStatus.published}), SegmentStatus.archived),
}
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
    doc["coordinates"] = [(float(x), float(y)) for x, y in to_shape(segment.geom).coords]
    return doc


def _invalid(exc: ValidationError) -> InvalidBody:
    return InvalidBody(
        [
            FieldError(".".join(str(p) for p in e["loc"]) or "body", e["msg"], "body")
            for e in exc.errors()
        ]
    )


class SegmentCuration:
    def __init__(self, session: Session, actor: Actor) -> None:
        self.session = session
        self.actor = actor
        self.audit = AuditLog(session)

    # --- reads ----------------------------------------------------------------------

    def get(self, key: str) -> RoadSegment:
        """A segment in any status, for those who may curate it (404, else 403)."""
        segment = self._load(key)
        authorize(self.actor, Action.segment_write, self.resource(segment))
        return segment

    def read(self, segment: RoadSegment) -> RoadSegmentRead:
        return RoadSegmentRead(
            **_document(segment),
            status=segment.status.value,
            provinces=sorted(self.resource(segment).province_codes),
            version=segment.version,
            created_at=segment.created_at,  # LocalDateTime: +07:00 from either backend
            updated_at=segment.updated_at,
        )

    def resource(self, segment: RoadSegment | LineString) -> SegmentResource:
        """The provinces the line touches, and whether it leaves their outlines."""
        line = to_shape(segment.geom) if isinstance(segment, RoadSegment) else segment
        outlines = {p.code: to_shape(p.boundary) for p in ProvinceRepository(self.session).list()}
        touched = frozenset(code for code, outline in outlines.items() if outline.intersects(line))
        region = unary_union(list(outlines.values())).buffer(_OUTLINE_TOLERANCE_DEG)
        return SegmentResource(touched, beyond_provinces=not region.covers(line))

    # --- writes ---------------------------------------------------------------------

    def create(self, body: RoadSegmentCreate) -> RoadSegment:
        line = LineString(body.coordinates)
        authorize(self.actor, Action.segment_write, self.resource(line))
        if self.session.scalar(select(RoadSegment.id).where(RoadSegment.key == body.id)):
            raise Conflict(f"A road segment with id '{body.id}' exists already.")
        self._check_corridors(body.corridors)
        values = body.model_dump(exclude={"id", "corridors", "coordinates"})
        segment = RoadSegment(
            key=body.id, geom=to_element(line), status=SegmentStatus.draft, **values
        )
        segment.corridor_rows = [SegmentCorridor(corridor_slug=c) for c in sorted(body.corridors)]
        self.session.add(segment)
        self._flush(body.id)
        self._record("segment.create", segment, None)
        self._flush(body.id)
        return segment

    def update(self, key: str, if_match: str | None, patch: dict[str, Any]) -> RoadSegment:
        """Apply a JSON merge patch (already parsed: absent = keep, None = clear)."""
        segment = self._load(key)
        authorize(self.actor, Action.segment_write, self.resource(segment))
        check_if_match(if_match, segment.version, f"road segment '{key}'")
        if segment.status is SegmentStatus.archived:
            raise Conflict(f"Road segment '{key}' is archived; archived segments are final.")
        try:
            merged = RoadSegmentStored.model_validate({**_document(segment), **patch})
        except ValidationError as exc:
            raise _invalid(exc) from None
        line = LineString(merged.coordinates)
        if "coordinates" in patch:  # moved: the curator must be allowed where it lies now
            authorize(self.actor, Action.segment_write, self.resource(line))
        self._check_corridors(merged.corridors)
        before = self._snapshot(segment)
        changed = apply_changes(segment, merged.model_dump(include=set(_FIELDS)))
        if not same_geometry(segment.geom, line):
            segment.geom = to_element(line)
            changed = True
        if set(segment.corridors) != set(merged.corridors):
            segment.corridor_rows = [
                SegmentCorridor(corridor_slug=c) for c in sorted(set(merged.corridors))
            ]
            changed = True
        if changed:
            segment.updated_at = utcnow()  # a corridor-only edit must bump the version too
            self._flush(key)
            self._record("segment.update", segment, before)
            self._flush(key)
        return segment

    def transition(self, key: str, if_match: str | None, verb: str) -> RoadSegment:
        """``publish`` or ``archive``; 409 if the segment is in the wrong state."""
        sources, target = SEGMENT_WORKFLOW[verb]
        segment = self._load(key)
        authorize(self.actor, Action.segment_write, self.resource(segment))
        check_if_match(if_match, segment.version, f"road segment '{key}'")
        if segment.status not in sources:
            raise Conflict(f"Cannot {verb} road segment '{key}': it is {segment.status.value}.")
        before = self._snapshot(segment)
        segment.status = target
        segment.updated_at = utcnow()
        self._flush(key)
        self._record(f"segment.{verb}", segment, before)
        self._flush(key)
        return segment

    # --- helpers --------------------------------------------------------------------

    def _load(self, key: str) -> RoadSegment:
        segment = self.session.scalars(
            select(RoadSegment).where(RoadSegment.key == key)
        ).one_or_none()
        if segment is None:
            raise NotFound(f"No road segment with id '{key}'.")
        return segment

    def _check_corridors(self, slugs: list[str]) -> None:
        known = set(self.session.scalars(select(Corridor.slug)))
        unknown = sorted(set(slugs) - known)
        if unknown:
            raise InvalidBody(
                [
                    FieldError(
                        "corridors",
                        f"unknown corridor(s) {', '.join(unknown)}; known: "
                        f"{', '.join(sorted(known))}",
                        "body",
                    )
                ]
            )

    def _snapshot(self, segment: RoadSegment) -> dict[str, Any]:
        return segment_snapshot(self.read(segment))

    def _record(self, action: str, segment: RoadSegment, before: dict[str, Any] | None) -> None:
        after = self._snapshot(segment)
        provinces = after["provinces"]
        self.audit.record(
            self.actor,
            action,
            "segment",
            segment.key,
            before=before,
            after=after,
            # A curator reads the entries of their province: that of a segment lying in one.
            province_code=provinces[0] if len(provinces) == 1 else None,
        )

    def _flush(self, key: str) -> None:
        try:
            self.session.flush()
        except StaleDataError:
            raise PreconditionFailed(
                f"road segment '{key}' was changed by someone else while this request ran; "
                "GET it again and retry with the new ETag."
            ) from None


def segment_snapshot(read: RoadSegmentRead) -> dict[str, Any]:
    """A segment as recorded in the audit log: JSON-ready, coordinates included."""
    return read.model_dump(mode="json")
