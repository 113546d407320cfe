"""Seed of the road network (``seed/roads/``): corridors and segments, validated then upserted.

Segments the seed wrote keep the record of it (``RoadSegment.seeded``): a later load
updates only those no one changed since, like sites (:mod:`tourroute.db.seed_ownership`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from shapely.geometry import LineString
from sqlalchemy import select
from sqlalchemy.orm import Session

from tourroute.db.audit import AuditTrail
from tourroute.db.base import utcnow
from tourroute.db.changes import apply_changes, same_geometry
from tourroute.db.seed_ownership import (
    SEED_ACTOR,
    SeedTally,
    Verdict,
    judge,
    plain,
    row_values,
    write_record,
)
from tourroute.db.spatial import shape_of, to_element
from tourroute.network.curation import segment_snapshot
from tourroute.network.models import Corridor, RoadSegment, SegmentCorridor, SegmentStatus
from tourroute.network.schemas import CorridorCreate, RoadSegmentCreate, RoadSegmentRead
from tourroute.provinces.repository import ProvinceRepository
from tourroute.seed_common import SeedProblem, nfc


@dataclass
class NetworkSeed:
    corridors: list[CorridorCreate]
    segments: list[RoadSegmentCreate]


def read_network(roads_dir: Path, problems: list[SeedProblem]) -> NetworkSeed:
    corridors: list[CorridorCreate] = []
    segments: list[RoadSegmentCreate] = []
    cpath = roads_dir / "corridors.yaml"
    try:
        doc = yaml.safe_load(cpath.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        problems.append(SeedProblem(f"roads/{cpath.name}", "-", "-", f"cannot read: {exc}"))
        doc = {}
    for i, raw in enumerate(doc.get("corridors", [])):
        try:
            corridors.append(CorridorCreate.model_validate({k: nfc(v) for k, v in raw.items()}))
        except (ValidationError, AttributeError) as exc:
            problems.append(SeedProblem(f"roads/{cpath.name}", f"#{i + 1}", "-", str(exc)))
    known = {c.slug for c in corridors}
    spath = roads_dir / "segments.geojson"
    if not spath.is_file():
        return NetworkSeed(corridors, segments)
    try:
        features = json.loads(spath.read_text(encoding="utf-8"))["features"]
    except (OSError, ValueError, KeyError) as exc:
        problems.append(SeedProblem(f"roads/{spath.name}", "-", "-", f"cannot read: {exc}"))
        return NetworkSeed(corridors, segments)
    seen: set[str] = set()
    for i, feature in enumerate(features):
        props = {k: nfc(v) for k, v in (feature.get("properties") or {}).items()}
        record = f"#{i + 1} ({props.get('id', '?')})"
        geometry = feature.get("geometry") or {}
        if geometry.get("type") != "LineString":
            problems.append(
                SeedProblem(f"roads/{spath.name}", record, "geometry", "must be a LineString")
            )
            continue
        try:
            seg = RoadSegmentCreate.model_validate(
                {**props, "coordinates": geometry.get("coordinates")}
            )
        except ValidationError as exc:
            for err in exc.errors():
                field = ".".join(str(p) for p in err["loc"]) or "-"
                problems.append(SeedProblem(f"roads/{spath.name}", record, field, err["msg"]))
            continue
        unknown = sorted(set(seg.corridors) - known)
        if unknown:
            problems.append(
                SeedProblem(
                    f"roads/{spath.name}", record, "corridors", f"unknown corridor(s) {unknown}"
                )
            )
        if seg.id in seen:
            problems.append(SeedProblem(f"roads/{spath.name}", record, "id", "duplicate id"))
        seen.add(seg.id)
        segments.append(seg)
    return NetworkSeed(corridors, segments)


# The segment's own values, as the seed writes them (RoadSegmentCreate without the key, the
# line and the corridors, which are stored apart).
_VALUES = frozenset(RoadSegmentCreate.model_fields) - {"id", "corridors", "coordinates"}


def _record(seg: RoadSegmentCreate, line: LineString) -> dict[str, Any]:
    """What the seed writes into a segment (``RoadSegment.seeded``): its values, line,
    corridors, and the published state the seed's segments are in."""
    record = {k: plain(v) for k, v in seg.model_dump(include=set(_VALUES)).items()}
    record["geom"] = plain(line)
    record["corridors"] = sorted(set(seg.corridors))
    record["status"] = SegmentStatus.published.value
    return record


class _Snapshots:
    """Segments as their curation records them in the audit log
    (:func:`~tourroute.network.curation.segment_snapshot`), for many segments at once:
    the provinces' outlines are read once, not once per segment."""

    def __init__(self, session: Session) -> None:
        self.outlines = {p.code: shape_of(p.boundary) for p in ProvinceRepository(session).list()}

    def __call__(self, row: RoadSegment) -> dict[str, Any]:
        line = shape_of(row.geom)
        read = RoadSegmentRead(
            **{k: getattr(row, k) for k in _VALUES},
            id=row.key,
            corridors=row.corridors,
            coordinates=[(float(x), float(y)) for x, y in line.coords],
            status=row.status.value,
            provinces=sorted(c for c, outline in self.outlines.items() if outline.intersects(line)),
            version=row.version,
            created_at=row.created_at,  # LocalDateTime: +07:00 from either backend
            updated_at=row.updated_at,
        )
        return segment_snapshot(read)


def _corridor_rows(slugs: list[str]) -> list[SegmentCorridor]:
    return [SegmentCorridor(corridor_slug=c) for c in slugs]


def _upsert_corridors(session: Session, corridors: list[CorridorCreate]) -> None:
    stored = {c.slug: c for c in session.scalars(select(Corridor))}
    for c in corridors:
        values = c.model_dump(exclude={"slug"})
        row = stored.get(c.slug)
        if row is None:
            session.add(Corridor(slug=c.slug, **values))
        else:
            apply_changes(row, values)
    session.flush()


def upsert_network(session: Session, data: NetworkSeed, *, force: bool = False) -> SeedTally:
    """Upsert corridors by slug and segments by id.

    A segment is updated only while it holds what the seed last wrote: one a curator edited
    or archived, or created under the seed's id, is left alone (``kept``) unless ``force``.
    Every segment the seed creates or updates is audited (``seed``, ``seed --force``).
    """
    _upsert_corridors(session, data.corridors)
    audit = AuditTrail(session)
    snapshot = _Snapshots(session)
    tally = SeedTally()
    existing = {s.key: s for s in session.scalars(select(RoadSegment))}
    created: list[RoadSegment] = []
    for seg in data.segments:
        line = LineString(seg.coordinates)
        values = {**seg.model_dump(include=set(_VALUES)), "status": SegmentStatus.published}
        record = _record(seg, line)
        row = existing.get(seg.id)
        if row is None:
            row = RoadSegment(key=seg.id, geom=to_element(line), seeded=record, **values)
            row.corridor_rows = _corridor_rows(record["corridors"])
            session.add(row)
            created.append(row)
            continue
        verdict = judge(
            session,
            "segment",
            row.key,
            record=record,
            seeded=row.seeded,
            current=partial(row_values, row),
            force=force,
        )
        tally.note(verdict, row.key)
        if verdict is Verdict.unchanged and row.seeded != record:
            write_record(session, row, record)  # same values, first record of them
        if verdict in (Verdict.unchanged, Verdict.keep):
            continue
        before = snapshot(row)
        apply_changes(row, values)
        if not same_geometry(row.geom, line):
            row.geom = to_element(line)
        if row.corridors != record["corridors"]:
            row.corridor_rows = _corridor_rows(record["corridors"])
        row.seeded = record
        row.updated_at = utcnow()  # a corridor-only change must bump the version too
        session.flush()
        after = snapshot(row)
        audit.record(
            None,
            "segment.update",
            "segment",
            row.key,
            before=before,
            after=after,
            # As the curation's entries: in the log of the one province the line lies in.
            province_code=after["provinces"][0] if len(after["provinces"]) == 1 else None,
            system_name=verdict.actor,
        )
    session.flush()
    for row in created:
        # The seed lays the whole network down at once: its creations go to the region's
        # log (admins'), not each into a province's, where curators read their roads' edits.
        audit.record(
            None,
            "segment.create",
            "segment",
            row.key,
            before=None,
            after=snapshot(row),
            system_name=SEED_ACTOR,
        )
    tally.created = len(created)
    session.flush()
    return tally
